import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, sdk, startTestServer, type TestServer } from '../support/harness.js';

// https://docs.stripe.com/api/authentication: Bearer, Basic with the key as user, and the `key`
// parameter Stripe.js sends. Errors are 401 invalid_request_error.
const NO_KEY =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";
const PK_REFUSED =
  'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.';

for (const engine of engines()) {
  describe(`wire: authentication and account isolation [${engine}]`, () => {
    let s: TestServer;
    let customerId: string;
    before(async () => {
      s = await startTestServer(engine);
      customerId = (await s.stripe.customers.create({ email: 'auth@example.com' })).id;
    });
    after(async () => s.close());

    it('accepts Bearer, Basic (key as user, any password) and the key parameter', async () => {
      const bearer = await raw(s.url, 'GET', `/v1/customers/${customerId}`, { key: s.sk });
      assert.equal(bearer.status, 200);
      const basic = await raw(s.url, 'GET', `/v1/customers/${customerId}`, { key: s.sk, basic: true });
      assert.equal(basic.status, 200);
      assert.equal(basic.body.id, customerId);
      const withPassword = await raw(s.url, 'GET', `/v1/customers/${customerId}`, {
        headers: { authorization: `Basic ${Buffer.from(`${s.sk}:ignored`).toString('base64')}` },
      });
      assert.equal(withPassword.status, 200);
      const query = await raw(s.url, 'GET', `/v1/customers/${customerId}?key=${s.sk}`);
      assert.equal(query.status, 200);
      const body = await raw(s.url, 'POST', `/v1/customers/${customerId}`, { form: `key=${s.sk}&description=via%20body%20key` });
      assert.equal(body.status, 200);
      assert.equal(body.body.description, 'via body key', 'the key parameter is not taken for a customer field');
    });

    it('answers a request without a key with 401 and Stripe\'s message', async () => {
      const res = await raw(s.url, 'GET', '/v1/customers');
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { error: { message: NO_KEY, type: 'invalid_request_error' } });
      assert.match(res.headers.get('request-id') ?? '', /^req_[A-Za-z0-9]{14}$/);
      const empty = await raw(s.url, 'GET', '/v1/customers', { headers: { authorization: 'Bearer ' } });
      assert.equal(empty.status, 401);
      assert.equal(empty.body.error.message, NO_KEY);
    });

    it('answers an unknown key with 401, masking all but its last four characters', async () => {
      const bad = `sk_test_${'x'.repeat(20)}WXYZ`;
      const res = await raw(s.url, 'GET', '/v1/customers', { key: bad });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.equal(res.body.error.message, `Invalid API Key provided: sk_test_${'*'.repeat(20)}WXYZ`);
      assert.ok(!res.text.includes('x'.repeat(20)), 'the key is never echoed');
      await assert.rejects(sdk(s.port, bad).customers.list(), (e: Stripe.errors.StripeError) => e instanceof Stripe.errors.StripeAuthenticationError && e.statusCode === 401);
    });

    it('refuses a publishable key on a secret-key route, in the header or as key=', async () => {
      for (const opts of [{ key: s.pk }, { key: s.pk, basic: true }]) {
        const res = await raw(s.url, 'GET', '/v1/customers', opts);
        assert.equal(res.status, 403);
        assert.equal(res.body.error.message, PK_REFUSED);
        assert.equal(res.body.error.type, 'invalid_request_error');
      }
      const param = await raw(s.url, 'POST', '/v1/customers', { form: `key=${s.pk}&email=x%40example.com` });
      assert.equal(param.status, 403);
      assert.equal(param.body.error.message, PK_REFUSED);
      await assert.rejects(sdk(s.port, s.pk).customers.create({}), (e: Stripe.errors.StripeError) => e instanceof Stripe.errors.StripePermissionError && e.statusCode === 403 && e.code === 'secret_key_required');
      const list = await s.stripe.customers.list({ email: 'x@example.com' });
      assert.equal(list.data.length, 0, 'nothing was created');
    });

    it("treats another account's object as missing: 404 resource_missing on every verb, absent from lists", async () => {
      const other = await s.newAccount();
      const isMissing = (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing' && e.param === 'id';
      await assert.rejects(other.stripe.customers.retrieve(customerId), isMissing);
      await assert.rejects(other.stripe.customers.update(customerId, { name: 'hijack' }), isMissing);
      await assert.rejects(other.stripe.customers.del(customerId), isMissing);
      const res = await raw(s.url, 'GET', `/v1/customers/${customerId}`, { key: other.sk });
      assert.equal(res.body.error.message, `No such customer: '${customerId}'`);
      assert.equal((await other.stripe.customers.list({ email: 'auth@example.com' })).data.length, 0);
      await assert.rejects(other.stripe.customers.list({ starting_after: customerId }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'starting_after');
      const mine = await s.stripe.customers.retrieve(customerId);
      assert.equal((mine as Stripe.Customer).name, null, 'the other account changed nothing');
    });

    it("refuses to act on behalf of another account (Stripe-Account, _stripe_account): no account here is a Connect platform", async () => {
      const other = await s.newAccount();
      const viaSdk = sdk(s.server.port, s.sk, { stripeAccount: other.account.id });
      await assert.rejects(
        viaSdk.customers.retrieve(customerId),
        (e: Stripe.errors.StripeError) => e.type === 'StripeInvalidRequestError' && e.statusCode === 400 && /^Only Stripe Connect platforms can work with other accounts/.test(e.message),
      );
      const viaParam = await raw(s.url, 'GET', `/v1/customers/${customerId}?_stripe_account=${other.account.id}`, { key: s.sk });
      assert.equal(viaParam.status, 400);
      // Nothing was created under either account by a refused create.
      const refusedCreate = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'email=behalf%40example.com', headers: { 'stripe-account': other.account.id } });
      assert.equal(refusedCreate.status, 400);
      assert.equal((await s.stripe.customers.list({ email: 'behalf@example.com' })).data.length, 0);
      assert.equal((await other.stripe.customers.list({ email: 'behalf@example.com' })).data.length, 0);
      // Naming the key's own account is the same as naming none.
      const own = sdk(s.server.port, s.sk, { stripeAccount: s.account.id });
      assert.equal((await own.customers.retrieve(customerId)).id, customerId);
    });

    it('lets a key created after a failed lookup work at once (unknown keys are not cached)', async () => {
      const bad = await raw(s.url, 'GET', '/v1/customers', { key: 'sk_test_notyetcreated' });
      assert.equal(bad.status, 401);
      const fresh = await s.newAccount();
      const ok = await raw(s.url, 'GET', '/v1/customers', { key: fresh.sk });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body.data, []);
    });
  });
}

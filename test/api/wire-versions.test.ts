import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';

// https://docs.stripe.com/api/versioning: Stripe-Version per request, else the account's default;
// the version used is echoed in the Stripe-Version response header.
for (const engine of engines()) {
  describe(`wire: API versions [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('uses the account default 2026-08-26.dahlia without a header (curl, python3-stripe)', async () => {
      const res = await raw(s.url, 'GET', '/v1/customers', { key: s.sk });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('stripe-version'), '2026-08-26.dahlia');
    });

    it('respects and echoes the Stripe-Version header, including the SDK pin and legacy dates', async () => {
      for (const v of ['2026-09-30.endive', '2026-10-28.endive', '2026-05-27.preview', '2024-06-20']) {
        const res = await raw(s.url, 'GET', '/v1/customers', { key: s.sk, headers: { 'stripe-version': v } });
        assert.equal(res.status, 200, v);
        assert.equal(res.headers.get('stripe-version'), v);
      }
      const viaSdk = await s.stripe.customers.list({ limit: 1 });
      assert.equal(viaSdk.lastResponse.headers['stripe-version'], Stripe.API_VERSION);
    });

    it('takes _stripe_version from the parameters (Stripe.js) and does not treat it as a parameter', async () => {
      const res = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: '_stripe_version=2026-09-30.endive&name=Versioned' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('stripe-version'), '2026-09-30.endive');
      assert.equal(res.body.name, 'Versioned');
    });

    it('uses the default version of an account created with another one', async () => {
      const endive = await s.newAccount({ apiVersion: '2026-10-28.endive' });
      const res = await raw(s.url, 'GET', '/v1/customers', { key: endive.sk });
      assert.equal(res.headers.get('stripe-version'), '2026-10-28.endive');
      const override = await raw(s.url, 'GET', '/v1/customers', { key: endive.sk, headers: { 'stripe-version': '2026-08-26.dahlia' } });
      assert.equal(override.headers.get('stripe-version'), '2026-08-26.dahlia');
    });

    it("refuses an unknown version with Stripe's 400 and wording, on v1 and v2", async () => {
      for (const v of ['2099-01-01.zeta', '2019-2-19', 'latest']) {
        const res = await raw(s.url, 'GET', '/v1/customers', { key: s.sk, headers: { 'stripe-version': v } });
        assert.equal(res.status, 400, v);
        assert.deepEqual(res.body, { error: { message: `Invalid Stripe API version: ${v}`, type: 'invalid_request_error' } });
      }
      const v2 = await raw(s.url, 'GET', '/v2/core/accounts', { key: s.sk, headers: { 'stripe-version': '2099-01-01.zeta' } });
      assert.equal(v2.status, 400);
      assert.equal(v2.body.error.message, 'Invalid Stripe API version: 2099-01-01.zeta');
      await assert.rejects(
        new Stripe(s.sk, { host: '127.0.0.1', port: s.port, protocol: 'http', apiVersion: '2099-01-01.zeta' as Stripe.LatestApiVersion, maxNetworkRetries: 0 }).customers.list(),
        (e: Stripe.errors.StripeError) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 400,
      );
    });
  });
}

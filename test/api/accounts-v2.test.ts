import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, forgetAnswer, raw, startTestServer, type TestServer } from '../support/harness.js';

const RFC3339_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const engine of engines()) {
  describe(`accounts v2, customer configuration [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it("creates with the seed's curl body and preview version; include-dependent fields are null unless included", async () => {
      const res = await raw(s.url, 'POST', '/v2/core/accounts', {
        key: s.sk,
        headers: { 'stripe-version': '2026-05-27.preview' },
        json: { contact_email: 'jenny.rosen@example.com', display_name: 'Jenny Rosen', configuration: { customer: {} }, include: ['configuration.customer'] },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('stripe-version'), '2026-05-27.preview');
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const a = res.body;
      assert.match(a.id, /^acct_[A-Za-z0-9]{16}$/);
      assert.equal(a.object, 'v2.core.account');
      assert.deepEqual(a.applied_configurations, ['customer']);
      assert.equal(a.closed, false);
      assert.equal(a.contact_email, 'jenny.rosen@example.com');
      assert.equal(a.display_name, 'Jenny Rosen');
      assert.match(a.created, RFC3339_MS);
      assert.ok(Math.abs(Date.parse(a.created) - s.clock.nowMs()) < 60_000);
      assert.equal(a.livemode, false);
      assert.deepEqual(a.metadata, {});
      assert.equal(a.configuration.customer.applied, true);
      assert.equal(a.configuration.merchant, null);
      assert.equal(a.configuration.recipient, null);
      for (const k of ['identity', 'defaults', 'requirements', 'future_requirements']) assert.equal(a[k], null, k);

      const plain = await raw(s.url, 'GET', `/v2/core/accounts/${a.id}`, { key: s.sk });
      assert.equal(plain.status, 200);
      assert.equal(plain.body.configuration, null);
      assert.deepEqual(plain.body.applied_configurations, ['customer']);
    });

    it('retrieve accepts include as include[0]=, include[]= and repeated include=', async () => {
      const a = await s.stripe.v2.core.accounts.create({
        display_name: 'Inc',
        identity: { country: 'us', entity_type: 'individual', individual: { given_name: 'Jenny', surname: 'Rosen' } },
        configuration: { customer: { shipping: { name: 'Jenny', address: { line1: '1 Main St', country: 'us' } } } },
      });
      const viaSdk = await s.stripe.v2.core.accounts.retrieve(a.id, { include: ['identity', 'configuration.customer'] });
      assert.equal(viaSdk.identity?.individual?.given_name, 'Jenny');
      assert.equal(viaSdk.identity?.country, 'us');
      assert.equal(viaSdk.configuration?.customer?.shipping?.address?.country, 'US');
      for (const q of ['include[]=identity&include[]=defaults', 'include=identity&include=defaults', 'include[0]=identity&include[1]=defaults']) {
        const r = await raw(s.url, 'GET', `/v2/core/accounts/${a.id}?${q}`, { key: s.sk });
        assert.equal(r.status, 200, q);
        assert.equal(r.body.identity.entity_type, 'individual', q);
        assert.notEqual(r.body.defaults, null, q);
        assert.equal(r.body.configuration, null, q);
        assert.match(r.body.identity.individual.id, /^person_/);
      }
      const one = await raw(s.url, 'GET', `/v2/core/accounts/${a.id}?include=configuration.customer`, { key: s.sk });
      assert.equal(one.body.configuration.customer.shipping.name, 'Jenny');
      assert.equal(one.body.identity, null);
      const bad = await raw(s.url, 'GET', `/v2/core/accounts/${a.id}?include[0]=everything`, { key: s.sk });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.param, 'include[0]');
    });

    it('updates fields, metadata (null deletes a key), and deactivates / re-applies the customer configuration', async () => {
      const a = await s.stripe.v2.core.accounts.create({ display_name: 'Before', metadata: { a: '1', b: '2' }, configuration: { customer: {} } });
      const u = await s.stripe.v2.core.accounts.update(a.id, {
        display_name: 'After',
        contact_email: 'after@example.com',
        metadata: { a: null, c: '3' },
        configuration: { customer: { billing: { invoice: { footer: 'Thanks', custom_fields: [{ name: 'VAT', value: 'X1' }] } } } },
        include: ['configuration.customer'],
      });
      assert.equal(u.display_name, 'After');
      assert.equal(u.contact_email, 'after@example.com');
      assert.deepEqual(u.metadata, { b: '2', c: '3' });
      assert.equal(u.configuration?.customer?.billing?.invoice?.footer, 'Thanks');
      assert.deepEqual(u.configuration?.customer?.billing?.invoice?.custom_fields, [{ name: 'VAT', value: 'X1' }]);
      const off = await s.stripe.v2.core.accounts.update(a.id, { configuration: { customer: { applied: false } }, include: ['configuration.customer'] });
      assert.deepEqual(off.applied_configurations, []);
      assert.equal(off.configuration?.customer?.applied, false);
      assert.equal(off.configuration?.customer?.billing?.invoice?.footer, 'Thanks', 'deactivating keeps the other properties');
      const on = await s.stripe.v2.core.accounts.update(a.id, { configuration: { customer: { applied: true } } });
      assert.deepEqual(on.applied_configurations, ['customer']);
      const got = await s.stripe.v2.core.accounts.retrieve(a.id);
      assert.equal(got.display_name, 'After');
    });

    it('an account created without configuration gets the customer configuration on update', async () => {
      const a = await s.stripe.v2.core.accounts.create({ display_name: 'Later' });
      assert.deepEqual(a.applied_configurations, []);
      const u = await s.stripe.v2.core.accounts.update(a.id, { configuration: { customer: {} } });
      assert.deepEqual(u.applied_configurations, ['customer']);
    });

    it('closes only with every applied configuration listed; closed accounts stay retrievable without personal data', async () => {
      const a = await s.stripe.v2.core.accounts.create({ display_name: 'Closer', contact_email: 'c@example.com', configuration: { customer: {} } });
      await assert.rejects(s.stripe.v2.core.accounts.close(a.id), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.type === 'StripeInvalidRequestError');
      await assert.rejects(s.stripe.v2.core.accounts.close(a.id, { applied_configurations: ['merchant'] }), (e: Stripe.errors.StripeError) => e.statusCode === 400);
      const closed = await s.stripe.v2.core.accounts.close(a.id, { applied_configurations: ['customer'] });
      assert.equal(closed.closed, true);
      assert.deepEqual(closed.applied_configurations, ['customer']);
      const got = await s.stripe.v2.core.accounts.retrieve(a.id);
      assert.equal(got.closed, true);
      assert.equal(got.contact_email, null);
      assert.equal(got.display_name, null);
      await assert.rejects(s.stripe.v2.core.accounts.update(a.id, { display_name: 'x' }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'account_closed');
    });

    it('lists newest first with v2 pages whose tokens carry limit and filters; the SDK walks every page', async () => {
      const m = await s.newAccount();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await m.stripe.v2.core.accounts.create({ display_name: `c${i}`, configuration: { customer: {} } })).id);
      const bare = await m.stripe.v2.core.accounts.create({ display_name: 'no configuration' });
      const closed = await m.stripe.v2.core.accounts.create({ display_name: 'closed', configuration: { customer: {} } });
      await m.stripe.v2.core.accounts.close(closed.id, { applied_configurations: ['customer'] });

      const first = await raw(s.url, 'GET', '/v2/core/accounts?limit=2&applied_configurations[0]=customer', { key: m.sk });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(Object.keys(first.body).sort(), ['data', 'next_page_url', 'previous_page_url']);
      assert.deepEqual(first.body.data.map((a: { id: string }) => a.id), [ids[4], ids[3]]);
      assert.equal(first.body.previous_page_url, null);
      assert.match(first.body.next_page_url, /^\/v2\/core\/accounts\?page=/);
      const second = await raw(s.url, 'GET', first.body.next_page_url, { key: m.sk });
      assert.deepEqual(second.body.data.map((a: { id: string }) => a.id), [ids[2], ids[1]]);
      const third = await raw(s.url, 'GET', second.body.next_page_url, { key: m.sk });
      assert.deepEqual(third.body.data.map((a: { id: string }) => a.id), [ids[0]], 'the filter travels in the token: the account without configuration is skipped');
      assert.equal(third.body.next_page_url, null);
      const back = await raw(s.url, 'GET', second.body.previous_page_url, { key: m.sk });
      assert.deepEqual(back.body.data.map((a: { id: string }) => a.id), [ids[4], ids[3]]);

      const all: string[] = [];
      for await (const a of m.stripe.v2.core.accounts.list({ limit: 2 })) all.push(a.id);
      assert.deepEqual(all, [bare.id, ...[...ids].reverse()], 'closed accounts are left out unless asked for');
      const onlyClosed = await m.stripe.v2.core.accounts.list({ closed: true });
      assert.deepEqual(onlyClosed.data.map((a) => a.id), [closed.id]);

      const tampered = await raw(s.url, 'GET', '/v2/core/accounts?page=not-a-token', { key: m.sk });
      assert.equal(tampered.status, 400);
      assert.equal(tampered.body.error.param, 'page');
      const tooMany = await raw(s.url, 'GET', '/v2/core/accounts?limit=101', { key: m.sk });
      assert.equal(tooMany.status, 400);
      assert.equal(tooMany.body.error.param, 'limit');
    });

    it('rejects unknown and ill-typed fields with the v2 error envelope, never a 500', async () => {
      const cases: [unknown, string][] = [
        [{ configuration: { customer: { foo: 1 } } }, 'configuration.customer.foo'],
        [{ display_name: 42 }, 'display_name'],
        [{ configuration: { merchant: {} } }, 'configuration.merchant'],
        [{ include: 'identity', identity: { country: 'usa' } }, 'identity.country'],
        [{ contact_email: 'not an email' }, 'contact_email'],
        [{ metadata: { k: 5 } }, 'metadata.k'],
        [{ configuration: { customer: { test_clock: 'clock_123' } } }, 'configuration.customer.test_clock'],
        [{ configuration: { customer: { capabilities: { automatic_indirect_tax: {} } } } }, 'configuration.customer.capabilities.automatic_indirect_tax.requested'],
      ];
      for (const [body, param] of cases) {
        const r = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: body });
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.body.error.type, 'invalid_request_error');
        assert.equal(r.body.error.param, param, JSON.stringify(body));
        assert.equal(typeof r.body.error.message, 'string');
        assert.equal(typeof r.body.error.code, 'string');
      }
      await assert.rejects(
        s.stripe.v2.core.accounts.create({ display_name: 'x', foo: 'bar' } as Stripe.V2.Core.AccountCreateParams),
        (e: Stripe.errors.StripeError) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 400,
      );
      const malformed = await fetch(`${s.url}/v2/core/accounts`, { method: 'POST', headers: { authorization: `Bearer ${s.sk}`, 'content-type': 'application/json' }, body: '{"display_name":' });
      assert.equal(malformed.status, 400);
      assert.equal((await malformed.json()).error.type, 'invalid_request_error');
      const missing = await raw(s.url, 'GET', '/v2/core/accounts/acct_doesnotexist00', { key: s.sk });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'resource_missing');
      const route = await raw(s.url, 'GET', '/v2/core/nothing', { key: s.sk });
      assert.equal(route.status, 404);
      assert.ok(route.body.error.message.startsWith('Unrecognized request URL (GET: /v2/core/nothing)'));
    });

    it('isolates accounts per merchant and refuses publishable keys', async () => {
      const a = await s.stripe.v2.core.accounts.create({ display_name: 'mine', configuration: { customer: {} } });
      const other = await s.newAccount();
      await assert.rejects(other.stripe.v2.core.accounts.retrieve(a.id), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing');
      await assert.rejects(other.stripe.v2.core.accounts.update(a.id, { display_name: 'x' }), (e: Stripe.errors.StripeError) => e.statusCode === 404);
      assert.ok(!(await other.stripe.v2.core.accounts.list()).data.some((x) => x.id === a.id));
      const pk = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.pk, json: { display_name: 'x' } });
      assert.equal(pk.status, 403);
      assert.ok(pk.body.error.message.startsWith('This API call cannot be made with a publishable API key'));
    });

    it('replays a v2 POST with the same Idempotency-Key byte for byte', async () => {
      const body = { display_name: 'Idem', configuration: { customer: {} } };
      const h = { 'idempotency-key': `v2-${Date.now()}-${Math.random()}` };
      const one = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: body, headers: h });
      const two = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: body, headers: h });
      assert.equal(one.status, 200);
      assert.equal(two.text, one.text);
      assert.equal(two.headers.get('idempotent-replayed'), 'true');
      assert.equal(two.headers.get('original-request'), one.headers.get('request-id'));
      const other = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { ...body, display_name: 'Other' }, headers: h });
      assert.equal(other.status, 400);
      assert.equal(other.body.error.type, 'idempotency_error');
    });

    it('runs a failed v2 POST again on a retry with its Idempotency-Key, and replays only once it succeeded', async () => {
      // Stripe's v2 idempotency: "retries don't repeat successful operations. Stripe retries failed or
      // partially failed work to completion when possible" (v1 would replay the first 400 for ever).
      const account = await s.stripe.v2.core.accounts.create({ display_name: 'Retry', configuration: { customer: {} } });
      const pm = await s.stripe.paymentMethods.create({ type: 'amazon_pay' });
      const h = { 'idempotency-key': `v2-retry-${Date.now()}-${Math.random()}` };
      const update = { configuration: { customer: { billing: { default_payment_method: pm.id } } }, include: ['configuration.customer'] };
      const send = () => raw(s.url, 'POST', `/v2/core/accounts/${account.id}`, { key: s.sk, json: update, headers: h });

      const refused = await send();
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error.param, 'configuration.customer.billing.default_payment_method');
      const refusedAgain = await send();
      assert.equal(refusedAgain.status, 400);
      assert.equal(refusedAgain.headers.get('idempotent-replayed'), null);
      assert.equal(refusedAgain.headers.get('original-request'), refusedAgain.headers.get('request-id'));

      await s.stripe.paymentMethods.attach(pm.id, { customer_account: account.id } as Stripe.PaymentMethodAttachParams);
      const done = await send();
      assert.equal(done.status, 200, done.text);
      assert.equal(done.headers.get('idempotent-replayed'), null);
      assert.equal(done.body.configuration.customer.billing.default_payment_method, pm.id);

      const replay = await send();
      assert.equal(replay.status, 200);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.headers.get('original-request'), done.headers.get('request-id'));
      assert.equal(replay.text, done.text);
    });

    it('after a crash between the committed create and its stored answer, a retry answers the account rendered with the request\'s include', async () => {
      const k = `v2-crash-${Date.now()}-${Math.random()}`;
      const body = { display_name: 'Crash', contact_email: 'crash@example.com', configuration: { customer: {} }, include: ['configuration.customer', 'identity'] };
      const one = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: body, headers: { 'idempotency-key': k } });
      assert.equal(one.status, 200, one.text);
      await forgetAnswer(s, k);
      const retry = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: body, headers: { 'idempotency-key': k } });
      assert.equal(retry.status, 200, retry.text);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal(retry.body.id, one.body.id);
      assert.deepEqual(retry.body.configuration, one.body.configuration, 'included as the request asked');
      assert.deepEqual(retry.body.identity, one.body.identity);
      assert.equal(retry.body.requirements, null, 'and nothing it did not ask for');
      assert.equal((await s.stripe.v2.core.accounts.list({ limit: 100 })).data.filter((a) => a.display_name === 'Crash').length, 1);

      const dk = `v2-crash-ed-${Date.now()}-${Math.random()}`;
      const dest = { name: 'crash', type: 'webhook_endpoint', event_payload: 'thin', enabled_events: ['v2.core.account.created'], webhook_endpoint: { url: 'http://127.0.0.1:9/thin' }, include: ['webhook_endpoint.url', 'webhook_endpoint.signing_secret'] };
      const created = await raw(s.url, 'POST', '/v2/core/event_destinations', { key: s.sk, json: dest, headers: { 'idempotency-key': dk } });
      assert.equal(created.status, 200, created.text);
      await forgetAnswer(s, dk);
      const recovered = await raw(s.url, 'POST', '/v2/core/event_destinations', { key: s.sk, json: dest, headers: { 'idempotency-key': dk } });
      assert.equal(recovered.status, 200, recovered.text);
      assert.equal(recovered.body.id, created.body.id);
      assert.equal(recovered.body.webhook_endpoint.url, 'http://127.0.0.1:9/thin');
      assert.match(created.body.webhook_endpoint.signing_secret, /^whsec_/);
      assert.deepEqual(recovered.body, created.body, 'a retried create answers as the create did, its signing secret included');

      const pk = `v2-crash-ping-${Date.now()}-${Math.random()}`;
      const ping = await raw(s.url, 'POST', `/v2/core/event_destinations/${created.body.id}/ping`, { key: s.sk, json: {}, headers: { 'idempotency-key': pk } });
      assert.equal(ping.status, 200, ping.text);
      assert.equal(ping.body.type, 'v2.core.event_destination.ping');
      await forgetAnswer(s, pk);
      const pingAgain = await raw(s.url, 'POST', `/v2/core/event_destinations/${created.body.id}/ping`, { key: s.sk, json: {}, headers: { 'idempotency-key': pk } });
      assert.equal(pingAgain.status, 200, pingAgain.text);
      assert.equal(pingAgain.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(pingAgain.body, ping.body, 'a retried ping answers the event it made, not a second one');
      const pings = await s.stripe.v2.core.events.list({ object_id: created.body.id, limit: 20 } as Stripe.V2.Core.EventListParams);
      assert.equal(pings.data.filter((e) => e.type === 'v2.core.event_destination.ping').length, 1);
      await s.stripe.v2.core.eventDestinations.del(created.body.id);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { allRoutes } from '../../src/api/routes.js';
import { answer, MANDATE, RETURN_URL } from './payment-intents.fixtures.js';

// Every route, with the ids of one account's objects, called with another account's secret key
// and with the first account's publishable key: nothing answers 2xx (but what Stripe.js may do with
// a client_secret), nothing shows the first account's data, and nothing changes it.

const MARK = 'isolation-a@example.com';

const ADMIN_ROUTES: { method: string; path: string }[] = [
  { method: 'GET', path: '/_onfile/webhook_deliveries/:delivery' },
  { method: 'POST', path: '/_onfile/webhook_deliveries/:delivery/resend' },
  { method: 'POST', path: '/_onfile/events/:events/resend' },
  { method: 'POST', path: '/_onfile/webhook_endpoints/:webhook_endpoints/roll_secret' },
  { method: 'POST', path: '/_onfile/payment_intents/:held/expire_authorization' },
  { method: 'POST', path: '/_onfile/refunds/:refunds/fail' },
];

for (const engine of engines()) {
  describe(`account isolation on every route [${engine}]`, () => {
    let s: TestServer;
    let b: TestAccount;
    const ids: Record<string, string> = {};
    /** A's client secrets and signing secret: no answer to anyone else may contain them. */
    const secrets: string[] = [];
    let snapshot: string;

    /** Account A's objects as its own key sees them, for "nothing changed". */
    const readAll = async () =>
      JSON.stringify(
        await Promise.all([
          s.stripe.customers.retrieve(ids.customers),
          s.stripe.paymentIntents.retrieve(ids.payment_intents),
          s.stripe.paymentIntents.retrieve(ids.held),
          s.stripe.setupIntents.retrieve(ids.setup_intents),
          s.stripe.paymentMethods.retrieve(ids.payment_methods),
          s.stripe.charges.retrieve(ids.charges),
          s.stripe.refunds.retrieve(ids.refunds),
          s.stripe.webhookEndpoints.retrieve(ids.webhook_endpoints),
          raw(s.url, 'GET', `/v2/core/accounts/${ids.accounts}`, { key: s.sk }).then((r) => r.text),
        ]),
      );

    before(async () => {
      s = await startTestServer(engine, { env: { ONFILE_REFUND_SETTLE_MS: '60000' } });
      b = await s.newAccount();
      // First, so that the customer's creation makes a delivery to look up.
      const endpoint = await s.stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/a', enabled_events: ['customer.created'] });
      const customer = await s.stripe.customers.create({ name: 'A', email: MARK, metadata: { secret: 'a-only' } });
      // Saved with a payment: a PaymentMethod, its mandate and a charge.
      const pi = await s.stripe.paymentIntents.create({
        amount: 2000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, mandate_data: MANDATE,
        return_url: RETURN_URL, setup_future_usage: 'off_session', confirm: true, customer: customer.id, receipt_email: MARK,
      } as Stripe.PaymentIntentCreateParams);
      await answer(pi.next_action!.redirect_to_url!.url!, 'authorize');
      const paid = await s.stripe.paymentIntents.retrieve(pi.id);
      assert.equal(paid.status, 'succeeded');
      const held = await s.stripe.paymentIntents.create({
        amount: 1500, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: paid.payment_method as string, customer: customer.id,
        confirm: true, off_session: true, capture_method: 'manual',
      } as Stripe.PaymentIntentCreateParams);
      assert.equal(held.status, 'requires_capture');
      const refund = await s.stripe.refunds.create({ payment_intent: pi.id, amount: 100 });
      const si = await s.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], customer: customer.id } as Stripe.SetupIntentCreateParams);
      const pm = await s.stripe.paymentMethods.retrieve(paid.payment_method as string);
      const account = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { display_name: 'A', contact_email: MARK, configuration: { customer: {} } } });
      const destination = await raw(s.url, 'POST', '/v2/core/event_destinations', {
        key: s.sk,
        json: { name: 'a', type: 'webhook_endpoint', event_payload: 'thin', enabled_events: ['v2.core.account.created'], webhook_endpoint: { url: 'http://127.0.0.1:9/a2' } },
      });
      const v2events = await raw(s.url, 'GET', '/v2/core/events', { key: s.sk, form: `object_id=${account.body.id}` });
      const deliveries = await raw(s.url, 'GET', '/_onfile/webhook_deliveries', { key: s.sk });
      const event = (await s.stripe.events.list({ limit: 1 })).data[0];
      Object.assign(ids, {
        customers: customer.id,
        payment_intents: pi.id,
        held: held.id,
        charges: paid.latest_charge as string,
        refunds: refund.id,
        setup_intents: si.id,
        payment_methods: pm.id,
        pm: pm.id,
        webhook_endpoints: endpoint.id,
        events: event.id,
        accounts: account.body.id,
        event_destinations: destination.body.id,
        balance_transactions: (await s.stripe.balanceTransactions.list({ limit: 1 })).data[0].id,
        delivery: deliveries.body.data[0].id,
      });
      // A mandate, from a setup the customer authorized.
      const saving = await s.stripe.setupIntents.create({
        allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, usage: 'off_session', customer: customer.id, confirm: true, return_url: RETURN_URL, mandate_data: MANDATE,
      } as Stripe.SetupIntentCreateParams);
      await answer(saving.next_action!.redirect_to_url!.url!, 'authorize');
      ids.mandates = (await s.stripe.setupIntents.retrieve(saving.id)).mandate as string;
      secrets.push(pi.client_secret!, held.client_secret!, si.client_secret!, saving.client_secret!, endpoint.secret!);
      assert.match(ids.mandates, /^mandate_/);
      ids.v2events = (v2events.body as { data: { id: string }[] }).data[0].id;
      snapshot = await readAll();
    });
    after(async () => s.close());

    const fill = (path: string) => {
      const segments = path.split('/');
      return segments
        .map((seg, i) => {
          if (!seg.startsWith(':')) return seg;
          const name = seg.slice(1);
          if (name === 'id') {
            const resource = segments[i - 1];
            if (resource === 'events' && segments[2] === 'core') return ids.v2events;
            return ids[resource] ?? 'none';
          }
          return ids[name] ?? 'none';
        })
        .join('/');
    };
    const routes = () => [...allRoutes().map((r) => ({ method: r.method, path: r.path })), ...ADMIN_ROUTES];

    /** Nothing of account A's in a response to someone else. */
    const assertNothingOfA = (label: string, text: string) => {
      assert.ok(!text.includes(MARK), `${label} shows A's email: ${text.slice(0, 200)}`);
      assert.ok(!text.includes('a-only'), `${label} shows A's metadata`);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${label} shows one of A's secrets`);
    };

    /** A route with A's ids, called with `key` and no parameters (v2 POSTs take an empty JSON body). */
    const callWith = (key: string, route: { method: string; path: string }) => {
      const path = fill(route.path);
      return raw(s.url, route.method, path, route.method === 'POST' && path.startsWith('/v2/') ? { key, json: {} } : { key, form: '' });
    };

    it("another account's secret key: every route with A's ids is refused or finds nothing", async () => {
      for (const route of routes()) {
        const res = await callWith(b.sk, route);
        const label = `${route.method} ${route.path}`;
        assertNothingOfA(label, res.text);
        if (!route.path.includes(':')) {
          // Lists and creates: a list answers B's own (none of A's ids).
          for (const id of Object.values(ids)) assert.ok(res.status >= 400 || !res.text.includes(id), `${label} lists ${id}`);
          continue;
        }
        assert.ok(res.status >= 400 && res.status < 500, `${label}: ${res.status} ${res.text.slice(0, 200)}`);
      }
      // Lists that take A's ids as filters or cursors find nothing.
      for (const [path, form] of [
        ['/v1/payment_intents', `customer=${ids.customers}`],
        ['/v1/charges', `payment_intent=${ids.payment_intents}`],
        ['/v1/refunds', `charge=${ids.charges}`],
        ['/v1/payment_methods', `customer=${ids.customers}`],
        ['/v1/setup_intents', `customer=${ids.customers}`],
        ['/v1/setup_attempts', `setup_intent=${ids.setup_intents}`],
        ['/v1/customers/search', `query=${encodeURIComponent(`email:'${MARK}'`)}`],
        ['/v1/payment_intents/search', `query=${encodeURIComponent("status:'succeeded'")}`],
        ['/v1/events', ''],
        ['/v2/core/events', `object_id=${ids.accounts}`],
        ['/_onfile/webhook_deliveries', ''],
      ]) {
        const res = await raw(s.url, 'GET', path, { key: b.sk, form });
        assertNothingOfA(path, res.text);
        for (const id of Object.values(ids)) assert.ok(!res.text.includes(id) || res.status >= 400, `${path}?${form} shows ${id}: ${res.text.slice(0, 200)}`);
      }
      // B's request log holds B's own requests (their paths name A's ids, as B sent them), nothing of A's.
      // The log is written in the background: wait (bounded) until B's requests are in it.
      let log = await raw(s.url, 'GET', '/_onfile/requests', { key: b.sk, form: 'limit=100' });
      for (let i = 0; i < 50 && log.body.data.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        log = await raw(s.url, 'GET', '/_onfile/requests', { key: b.sk, form: 'limit=100' });
      }
      assert.equal(log.status, 200);
      assert.ok(log.body.data.length > 0, "B's requests are logged");
      assertNothingOfA('/_onfile/requests', log.text);
      assert.equal(await readAll(), snapshot, "nothing of A's changed");
    });

    it("A's publishable key without a client_secret: every route refuses, shows nothing and changes nothing", async () => {
      for (const route of routes()) {
        const res = await callWith(s.pk, route);
        const label = `${route.method} ${route.path}`;
        assertNothingOfA(label, res.text);
        // Creating a PaymentMethod is what Stripe.js does with a publishable key (it is refused here for lack of a type).
        assert.ok(res.status >= 400 && res.status < 500, `${label}: ${res.status} ${res.text.slice(0, 200)}`);
      }
      assert.equal(await readAll(), snapshot, "nothing of A's changed");
    });
  });
}

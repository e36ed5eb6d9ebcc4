import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { startReceiver, type Receiver } from './receiver.js';

process.env.ONFILE_WEBHOOK_POLL = '0.05';

/**
 * The seed's flows end to end through webhooks (spec/webhooks.md §5): every delivery verified with the SDK,
 * the sequence of types as /v1/events records it, and `request` null for what the customer's redirect caused.
 */
for (const engine of engines()) {
  describe(`seed flows as delivered webhooks [${engine}]`, () => {
    let s: TestServer;
    let rx: Receiver;
    let n = 0;
    before(async () => {
      s = await startTestServer(engine);
      rx = await startReceiver();
    });
    after(async () => {
      await s.close();
      await rx.close();
    });

    async function subscribe(a: TestAccount) {
      const path = `?flow=${++n}`;
      const we = await a.stripe.webhookEndpoints.create({ url: rx.url + path, enabled_events: ['*'] });
      const delivered = () => rx.received.filter((r) => r.path.endsWith(path)).map((r) => a.stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, we.secret!));
      /** Waits until every event of the account has been delivered, then returns them oldest first. */
      const settle = async (count?: number) => {
        const events = (await a.stripe.events.list({ limit: 100 })).data.reverse();
        if (count !== undefined) assert.equal(events.length, count, `events so far: ${events.map((e) => e.type).join(', ')}`);
        const ids = new Set(events.map((e) => e.id));
        await rx.waitFor(() => delivered().filter((e) => ids.has(e.id)).length === ids.size, 10_000, `${ids.size} deliveries`);
        const byId = new Map(delivered().map((e) => [e.id, e]));
        for (const e of events) assert.ok(byId.has(e.id), `${e.type} ${e.id} delivered`);
        return events;
      };
      return { settle };
    }

    async function redirect(url: string | null | undefined, action: 'authorize' | 'fail') {
      assert.ok(url, 'next_action.redirect_to_url.url');
      const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `action=${action}` });
      assert.ok(res.status === 303 || res.status === 200, `hosted page answered ${res.status}`);
    }

    async function setupIntent(a: TestAccount, customer: string) {
      return a.stripe.setupIntents.create({
        customer,
        allowed_payment_method_types: ['amazon_pay'],
        payment_method_data: { type: 'amazon_pay' },
        mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'flows test' } } },
        usage: 'off_session',
        return_url: 'https://example.com/setup/complete',
        confirm: true,
      } as Stripe.SetupIntentCreateParams);
    }

    it('Flow A + D: save Amazon Pay with a SetupIntent, then detach it', async () => {
      const a = await s.newAccount();
      const { settle } = await subscribe(a);
      const c = await a.stripe.customers.create({ email: 'jenny@example.com' });
      const si = await setupIntent(a, c.id);
      assert.equal(si.status, 'requires_action');
      await redirect(si.next_action?.redirect_to_url?.url, 'authorize');
      const saved = await settle(5);
      assert.deepEqual(saved.map((e) => e.type), ['customer.created', 'setup_intent.created', 'setup_intent.requires_action', 'payment_method.attached', 'setup_intent.succeeded']);
      assert.ok(saved[1].request?.id && saved[2].request?.id === saved[1].request.id, 'create+confirm was one request');
      assert.deepEqual(saved[3].request, { id: null, idempotency_key: null }, 'the customer authorizing is no API request');
      assert.deepEqual(saved[4].request, { id: null, idempotency_key: null });
      const succeeded = saved[4].data.object as Stripe.SetupIntent;
      assert.equal(succeeded.status, 'succeeded');
      assert.ok(succeeded.mandate);
      const pm = succeeded.payment_method as string;
      assert.equal((saved[3].data.object as Stripe.PaymentMethod).customer, c.id);

      await a.stripe.paymentMethods.detach(pm);
      const all = await settle(7);
      const detached = all.find((e) => e.type === 'payment_method.detached')!;
      assert.equal((detached.data.object as Stripe.PaymentMethod).customer, null);
      assert.equal(detached.data.previous_attributes?.customer, c.id);
      const mandate = all.find((e) => e.type === 'mandate.updated')!;
      assert.equal((mandate.data.object as Stripe.Mandate).status, 'inactive');
      assert.equal((mandate.data.previous_attributes as { status?: string }).status, 'active');
    });

    it('Flow A, declined on the redirect page: setup_intent.setup_failed', async () => {
      const a = await s.newAccount();
      const { settle } = await subscribe(a);
      const c = await a.stripe.customers.create({ name: 'declines' });
      const si = await setupIntent(a, c.id);
      await redirect(si.next_action?.redirect_to_url?.url, 'fail');
      const events = await settle(4);
      assert.deepEqual(events.map((e) => e.type), ['customer.created', 'setup_intent.created', 'setup_intent.requires_action', 'setup_intent.setup_failed']);
      const failed = events[3].data.object as Stripe.SetupIntent;
      assert.equal(failed.status, 'requires_payment_method');
      assert.ok(failed.last_setup_error);
    });

    it('Flow B + E: pay with Amazon Pay through the redirect, then refund', async () => {
      const a = await s.newAccount();
      const { settle } = await subscribe(a);
      const pi = await a.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        allowed_payment_method_types: ['amazon_pay'],
        payment_method_data: { type: 'amazon_pay' },
        return_url: 'https://example.com/checkout/complete',
        confirm: true,
      } as Stripe.PaymentIntentCreateParams);
      await redirect(pi.next_action?.redirect_to_url?.url, 'authorize');
      const paid = await settle(4);
      assert.deepEqual(paid.map((e) => e.type), ['payment_intent.created', 'payment_intent.requires_action', 'charge.succeeded', 'payment_intent.succeeded']);
      assert.equal((paid[3].data.object as Stripe.PaymentIntent).amount_received, 1000);

      const refund = await a.stripe.refunds.create({ payment_intent: pi.id });
      // The refund settles later (refund.updated may follow at any time): check what the create caused.
      const all = await settle();
      const types = all.map((e) => e.type);
      assert.ok(types.includes('refund.created') && types.includes('charge.refunded'), types.join(', '));
      const refunded = all.find((e) => e.type === 'charge.refunded')!;
      assert.equal((refunded.data.object as Stripe.Charge).amount_refunded, 1000);
      assert.equal((all.find((e) => e.type === 'refund.created')!.data.object as Stripe.Refund).id, refund.id);
    });

    it('Flow B declined: payment_intent.payment_failed', async () => {
      const a = await s.newAccount();
      const { settle } = await subscribe(a);
      const pi = await a.stripe.paymentIntents.create({
        amount: 1500,
        currency: 'usd',
        allowed_payment_method_types: ['amazon_pay'],
        payment_method_data: { type: 'amazon_pay' },
        return_url: 'https://example.com/checkout/complete',
        confirm: true,
      } as Stripe.PaymentIntentCreateParams);
      await redirect(pi.next_action?.redirect_to_url?.url, 'fail');
      const events = await settle();
      const types = events.map((e) => e.type);
      assert.equal(types[0], 'payment_intent.created');
      assert.equal(types.at(-1), 'payment_intent.payment_failed');
      const failed = events.at(-1)!.data.object as Stripe.PaymentIntent;
      assert.equal(failed.status, 'requires_payment_method');
      assert.ok(failed.last_payment_error);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { chargeOffSession, eventTypes, eventually, newOwner, payAndSave, savedMethod, type Owner } from './payment-intents.fixtures.js';

// The expiry worker looks for lapsed authorizations every 100 ms (it reads this when the server starts).
process.env.ONFILE_AUTHORIZATION_POLL_MS = '100';
const DAY_MS = 24 * 3600 * 1000;

const stateError = (pattern: RegExp, id?: string) => (e: Stripe.errors.StripeError) =>
  e.statusCode === 400 &&
  e.code === 'payment_intent_unexpected_state' &&
  pattern.test(e.message) &&
  (id === undefined || (e.raw as { payment_intent?: { id: string } }).payment_intent?.id === id);

for (const engine of engines()) {
  describe(`payment intents: manual capture and cancel [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    let owner: Owner;
    let pm: string;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
      owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      pm = await savedMethod(a.stripe, owner);
    });
    after(async () => s.close());

    it('authorizes on the redirect (requires_capture), then captures part: the rest is released', async () => {
      const o2 = await newOwner(s.url, a.sk, a.stripe, 'account');
      const pi = await payAndSave(a.stripe, o2, 'authorize', { capture_method: 'manual' });
      assert.equal(pi.status, 'requires_capture');
      assert.equal(pi.amount_capturable, 1000);
      assert.equal(pi.amount_received, 0);
      const auth = await a.stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([auth.status, auth.paid, auth.captured, auth.amount_captured, auth.balance_transaction], ['succeeded', true, false, 0, null]);
      assert.deepEqual((await eventTypes(a.stripe, [pi.id, auth.id])).slice(-2), ['charge.succeeded', 'payment_intent.amount_capturable_updated']);

      const captured = await a.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 600, metadata: { captured_by: 'ops' } });
      assert.equal(captured.status, 'succeeded');
      assert.equal(captured.amount_received, 600);
      assert.equal(captured.amount_capturable, 0);
      assert.equal(captured.metadata.captured_by, 'ops');
      const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([charge.captured, charge.amount_captured, charge.amount_refunded, charge.refunded], [true, 600, 400, false]);
      assert.match(String(charge.balance_transaction), /^txn_/);
      assert.deepEqual((await eventTypes(a.stripe, [pi.id, charge.id])).slice(-2), ['charge.captured', 'payment_intent.succeeded']);
      await assert.rejects(
        a.stripe.paymentIntents.capture(pi.id),
        stateError(/^The remaining amount on this PaymentIntent could not be captured because the remainder of the authorized amount has been released\.$/, pi.id),
      );
    });

    it('payment_method_options[amazon_pay][capture_method]=manual overrides an automatic top level; off-session authorizations too', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm, { capture_method: 'automatic', payment_method_options: { amazon_pay: { capture_method: 'manual' } } });
      assert.equal(pi.status, 'requires_capture');
      assert.deepEqual(pi.payment_method_options, { amazon_pay: { express_checkout_element_session_id: null, capture_method: 'manual' } });
      assert.equal(pi.amount_capturable, 1000);
      await assert.rejects(
        a.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1001 }),
        (e: Stripe.errors.StripeError) =>
          e.statusCode === 400 &&
          e.code === 'amount_too_large' &&
          e.param === 'amount_to_capture' &&
          e.message === 'The payment could not be captured because the requested capture amount is greater than the amount you can capture for this charge. Contact us via https://support.stripe.com/contact/ for help.' &&
          (e.raw as { payment_intent?: { id: string } }).payment_intent?.id === pi.id,
      );
      await assert.rejects(a.stripe.paymentIntents.capture(pi.id, { final_capture: false }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'final_capture');
      const full = await a.stripe.paymentIntents.capture(pi.id);
      assert.equal(full.amount_received, 1000);
      const charge = await a.stripe.charges.retrieve(full.latest_charge as string);
      assert.deepEqual([charge.amount_captured, charge.amount_refunded], [1000, 0]);
    });

    it('cancel releases an uncaptured authorization: the Charge ends fully refunded', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm, { capture_method: 'manual', amount: 2500 });
      const canceled = await a.stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' });
      assert.equal(canceled.status, 'canceled');
      assert.equal(canceled.cancellation_reason, 'requested_by_customer');
      assert.ok(canceled.canceled_at);
      assert.equal(canceled.amount_capturable, 0);
      const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([charge.captured, charge.refunded, charge.amount_refunded], [false, true, 2500]);
      assert.deepEqual((await eventTypes(a.stripe, [pi.id, charge.id])).slice(-2), ['charge.refunded', 'payment_intent.canceled']);
      await assert.rejects(a.stripe.paymentIntents.capture(pi.id), stateError(/status of canceled/, pi.id));
      await assert.rejects(
        a.stripe.paymentIntents.cancel(pi.id),
        stateError(/^You cannot cancel this PaymentIntent because it has a status of canceled\. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_reauthorization, requires_confirmation, requires_action, expired, processing\.$/),
      );
      await assert.rejects(a.stripe.paymentIntents.confirm(pi.id), stateError(/^You cannot confirm this PaymentIntent because it has a status of canceled\./));
    });

    it('cancels open intents at once, and voids a pending redirect', async () => {
      const plain = await a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'] });
      const c1 = await a.stripe.paymentIntents.cancel(plain.id, { cancellation_reason: 'abandoned' });
      assert.deepEqual([c1.status, c1.cancellation_reason], ['canceled', 'abandoned']);
      const pending = await a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, return_url: 'https://example.com', confirm: true });
      const c2 = await a.stripe.paymentIntents.cancel(pending.id);
      assert.equal(c2.next_action, null);
      assert.equal(c2.cancellation_reason, null);
      const res = await fetch(pending.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(res.status, 409);
      assert.equal((await a.stripe.paymentIntents.retrieve(pending.id)).status, 'canceled');
      assert.equal((await a.stripe.charges.list({ payment_intent: pending.id })).data.length, 0);
    });

    it('refuses calls in the wrong state with payment_intent_unexpected_state', async () => {
      const paid = await chargeOffSession(a.stripe, owner, pm);
      await assert.rejects(a.stripe.paymentIntents.confirm(paid.id), stateError(/^You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed\.$/, paid.id));
      await assert.rejects(
        a.stripe.paymentIntents.update(paid.id, { amount: 5000 }),
        (e: Stripe.errors.StripeError) =>
          stateError(/^This PaymentIntent's amount could not be updated because it has a status of succeeded\. You may only update the amount of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action\.$/)(e) && e.param === 'amount',
      );
      await assert.rejects(a.stripe.paymentIntents.cancel(paid.id), stateError(/status of succeeded/));
      const empty = await a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'] });
      await assert.rejects(
        a.stripe.paymentIntents.confirm(empty.id),
        stateError(/^You cannot confirm this PaymentIntent because it's missing a payment method\. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken\.$/, empty.id),
      );
      const withCustomer = await a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], ...owner });
      await assert.rejects(a.stripe.paymentIntents.confirm(withCustomer.id), stateError(/To confirm the PaymentIntent with cus_\w+, specify a payment method attached to this customer along with the customer ID\.$/));
      await assert.rejects(a.stripe.paymentIntents.capture(withCustomer.id), stateError(/status of requires_payment_method/));
    });

    it("onfile's test helper lapses a hold now: POST /_onfile/payment_intents/:id/expire_authorization", async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm, { capture_method: 'manual', amount: 800 });
      const path = `/_onfile/payment_intents/${pi.id}/expire_authorization`;
      assert.equal((await raw(s.url, 'POST', path, { key: a.pk })).status, 403, 'not with a publishable key');
      const other = await s.newAccount();
      const foreign = await raw(s.url, 'POST', path, { key: other.sk });
      assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'resource_missing'], "another account's intent is unknown");
      const res = await raw(s.url, 'POST', path, { key: a.sk });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual([res.body.id, res.body.status, res.body.cancellation_reason, res.body.amount_capturable], [pi.id, 'canceled', 'automatic', 0]);
      const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([charge.refunded, charge.amount_refunded], [true, 800]);
      assert.deepEqual((await eventTypes(a.stripe, [pi.id, charge.id])).slice(-2), ['charge.expired', 'payment_intent.canceled']);
      const again = await raw(s.url, 'POST', path, { key: a.sk });
      assert.equal(again.status, 400);
      assert.equal(again.body.error.code, 'payment_intent_unexpected_state');
      assert.match(again.body.error.message, /status of canceled\. Only a PaymentIntent with one of the following statuses may be expired: requires_capture\.$/);
      assert.equal(again.body.error.payment_intent.id, pi.id);
    });

    // Last in this suite: it moves the server's clock 7 days on.
    it('an authorization not captured within 7 days lapses: canceled (automatic), charge.expired, the Charge fully released', async () => {
      const lapsing = await chargeOffSession(a.stripe, owner, pm, { capture_method: 'manual', amount: 1200 });
      const capturedLate = await chargeOffSession(a.stripe, owner, pm, { capture_method: 'manual', amount: 1500 });
      s.clock.advance(7 * DAY_MS - 60_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await a.stripe.paymentIntents.retrieve(lapsing.id)).status, 'requires_capture', 'a minute before the end of the window it still holds');
      const late = await a.stripe.paymentIntents.capture(capturedLate.id);
      assert.equal(late.status, 'succeeded');

      s.clock.advance(120_000);
      const expired = await eventually(() => a.stripe.paymentIntents.retrieve(lapsing.id), (p) => p.status === 'canceled');
      assert.equal(expired.status, 'canceled');
      assert.equal(expired.cancellation_reason, 'automatic');
      assert.equal(expired.amount_capturable, 0);
      assert.ok(expired.canceled_at! >= lapsing.created + 7 * 24 * 3600);
      const charge = await a.stripe.charges.retrieve(lapsing.latest_charge as string);
      assert.deepEqual([charge.status, charge.captured, charge.refunded, charge.amount_refunded], ['succeeded', false, true, 1200]);
      assert.deepEqual((await eventTypes(a.stripe, [lapsing.id, charge.id])).slice(-2), ['charge.expired', 'payment_intent.canceled']);
      const events = await a.stripe.events.list({ type: 'charge.expired', limit: 5 });
      assert.equal(events.data[0].request?.id ?? null, null, 'not caused by a request');
      await assert.rejects(a.stripe.paymentIntents.capture(lapsing.id), stateError(/status of canceled/, lapsing.id));

      const kept = await a.stripe.paymentIntents.retrieve(capturedLate.id);
      assert.deepEqual([kept.status, kept.amount_received], ['succeeded', 1500], 'a captured authorization does not lapse');
      assert.equal((await a.stripe.charges.retrieve(capturedLate.latest_charge as string)).refunded, false);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Stripe from 'stripe';
import pg from 'pg';
import { engines, raw, sdk, startTestServer, type EngineName, type TestAccount, type TestServer } from '../support/harness.js';
import { OffsetClock } from '../../src/lib/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { startServer } from '../../src/server.js';
import { createMerchantAccount } from '../../src/services/accounts/merchant-accounts.js';
import { overrideConnector } from '../../src/connectors/registry.js';
import type { PaymentConnector } from '../../src/connectors/connector.js';
import { chargeOffSession, eventTypes, eventually, newOwner, savedMethod, type Owner } from './payment-intents.fixtures.js';

const settled = (r: Stripe.Refund) => r.status !== 'pending';

for (const engine of engines()) {
  describe(`refunds [${engine}]`, () => {
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

    it('refunds a PaymentIntent in full: pending at once, succeeded shortly after, the Charge follows', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm);
      const refund = await a.stripe.refunds.create({ payment_intent: pi.id, reason: 'requested_by_customer', metadata: { ticket: '7' } });
      assert.match(refund.id, /^re_/);
      assert.equal(refund.object, 'refund');
      assert.deepEqual([refund.status, refund.amount, refund.currency, refund.reason], ['pending', 1000, 'usd', 'requested_by_customer']);
      assert.deepEqual([refund.charge, refund.payment_intent, refund.payment_method, refund.customer], [pi.latest_charge, pi.id, pm, (owner as { customer: string }).customer]);
      assert.equal(refund.customer_account, null);
      assert.deepEqual(refund.metadata, { ticket: '7' });
      assert.match(String(refund.balance_transaction), /^txn_/);
      assert.deepEqual(refund.destination_details, { type: 'amazon_pay', amazon_pay: {} });
      const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([charge.amount_refunded, charge.refunded], [1000, true]);
      const done = await eventually(() => a.stripe.refunds.retrieve(refund.id), settled);
      assert.equal(done.status, 'succeeded');
      assert.equal('pending_reason' in done, false);
      assert.deepEqual(await eventTypes(a.stripe, [refund.id, charge.id]), ['charge.succeeded', 'refund.created', 'charge.refunded', 'refund.updated', 'charge.refund.updated']);
      const updated = (await a.stripe.events.list({ type: 'refund.updated', limit: 1 })).data[0];
      assert.equal((updated.data.previous_attributes as { status: string }).status, 'pending');
      assert.equal(updated.request?.id, null, 'settlement is no API request');
      await assert.rejects(a.stripe.refunds.create({ payment_intent: pi.id }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'charge_already_refunded' && e.message === `Charge ${charge.id} has already been refunded.`);
    });

    it('refunds a Charge in parts, refusing more than what is left', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm);
      const ch = pi.latest_charge as string;
      const r1 = await a.stripe.refunds.create({ charge: ch, amount: 300 });
      assert.equal(r1.amount, 300);
      await assert.rejects(
        a.stripe.refunds.create({ charge: ch, amount: 800 }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'amount' && e.message === 'Refund amount ($8.00) is greater than unrefunded amount on charge ($7.00)',
      );
      let charge = await a.stripe.charges.retrieve(ch);
      assert.deepEqual([charge.amount_refunded, charge.refunded], [300, false]);
      const r2 = await a.stripe.refunds.create({ charge: ch });
      assert.equal(r2.amount, 700, 'the default is what remains');
      charge = await a.stripe.charges.retrieve(ch, { expand: ['refunds'] });
      assert.deepEqual([charge.amount_refunded, charge.refunded], [1000, true]);
      assert.deepEqual(charge.refunds?.data.map((r) => r.id), [r2.id, r1.id]);
      assert.equal(charge.refunds?.url, `/v1/charges/${ch}/refunds`);
      assert.equal((charge.refunds as unknown as { total_count: number }).total_count, 2, 'an expanded list counts all its items (recorded)');
      const sub = await a.stripe.refunds.list({ charge: ch });
      assert.deepEqual(sub.data.map((r) => r.id), [r2.id, r1.id]);
      assert.deepEqual((await a.stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.id), [r2.id, r1.id]);
      assert.ok((await a.stripe.refunds.list({ limit: 100 })).data.some((r) => r.id === r1.id));
    });

    it('updates metadata (refund.updated), refuses cancel of a refund not in requires_action', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm);
      const r = await a.stripe.refunds.create({ payment_intent: pi.id, amount: 100 });
      const u = await a.stripe.refunds.update(r.id, { metadata: { note: 'late delivery' } });
      assert.deepEqual(u.metadata, { note: 'late delivery' });
      const ev = (await a.stripe.events.list({ type: 'refund.updated', limit: 5 })).data.find((e) => (e.data.object as Stripe.Refund).id === r.id)!;
      assert.deepEqual(ev.data.previous_attributes, { metadata: { note: null } });
      // Recorded against Stripe for a succeeded refund: no code, no param.
      await assert.rejects(a.stripe.refunds.cancel(r.id), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.message === 'Canceling this refund is unsupported.' && e.code === undefined && e.param === undefined);
      // Documented parameters onfile does not emulate are named, not called unknown.
      await assert.rejects(
        a.stripe.refunds.create({ payment_intent: pi.id, amount: 1, origin: 'customer_balance' }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'origin' && e.code === undefined && /not emulated/.test(e.message),
      );
      // A refund's `reason` is one of three at create (Stripe's list wording, serial comma).
      await assert.rejects(
        a.stripe.refunds.create({ payment_intent: pi.id, amount: 1, reason: 'expired_uncaptured_charge' as 'duplicate' }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'reason' && e.code === undefined && e.message === 'Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer',
      );
      await assert.rejects(a.stripe.refunds.retrieve('re_nope'), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing' && e.param === 'refund' && e.message === "No such refund: 're_nope'");
    });

    it('refuses refunds of uncaptured, failed, unknown or unnamed payments', async () => {
      const held = await chargeOffSession(a.stripe, owner, pm, { capture_method: 'manual' });
      await assert.rejects(a.stripe.refunds.create({ payment_intent: held.id }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'payment_intent' && /Cancel the PaymentIntent/.test(e.message));
      await assert.rejects(
        a.stripe.refunds.create({ charge: held.latest_charge as string }),
        (e: Stripe.errors.StripeError) =>
          e.statusCode === 400 &&
          e.message ===
            `This uncaptured Charge was created by a PaymentIntent (${held.id}). You must cancel the PaymentIntent to reverse the authorization instead of refunding the Charge directly. For more information, see https://stripe.com/docs/payments/place-a-hold-on-a-payment-method`,
      );
      const declining = await savedMethod(a.stripe, owner, 'authorize_decline_later');
      const declined = await chargeOffSession(a.stripe, owner, declining).catch((e: Stripe.errors.StripeError) => e.raw as { charge: string; payment_intent: { id: string } });
      const declinedIntent = (declined as { payment_intent: { id: string } }).payment_intent.id;
      const nothingToRefund = `This PaymentIntent (${declinedIntent}) does not have a successful charge to refund.`;
      await assert.rejects(a.stripe.refunds.create({ charge: (declined as { charge: string }).charge }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'charge' && e.message === nothingToRefund);
      await assert.rejects(a.stripe.refunds.create({ payment_intent: declinedIntent }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'payment_intent' && e.message === nothingToRefund);
      await assert.rejects(a.stripe.refunds.create({ payment_intent: 'pi_nope' }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'resource_missing' && e.param === 'payment_intent');
      // Recorded at dahlia: an unknown charge is the charge's own 404.
      await assert.rejects(
        a.stripe.refunds.create({ charge: 'ch_missing0000000000000000' }),
        (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing' && e.param === 'id' && e.message === "No such charge: 'ch_missing0000000000000000'",
      );
      const unnamed = await raw(s.url, 'POST', '/v1/refunds', { key: a.sk, form: 'amount=100' });
      assert.deepEqual(
        [unnamed.status, unnamed.body.error],
        [400, { type: 'invalid_request_error', message: 'One of the following params should be provided for this request: payment_intent or charge.' }],
      );
      for (const amount of [0, -5]) {
        const zero = await raw(s.url, 'POST', '/v1/refunds', { key: a.sk, form: `payment_intent=${held.id}&amount=${amount}` });
        assert.equal(zero.status, 400);
        assert.deepEqual([zero.body.error.code, zero.body.error.param, zero.body.error.message], ['parameter_invalid_integer', 'amount', 'This value must be greater than or equal to 1.']);
      }
    });

    it("onfile's test helper makes the processor decline a pending refund: POST /_onfile/refunds/:id/fail", async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm, { amount: 900 });
      const r = await a.stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
      assert.equal(r.status, 'pending');
      const path = `/_onfile/refunds/${r.id}/fail`;
      assert.equal((await raw(s.url, 'POST', path, { key: a.pk })).status, 403, 'not with a publishable key');
      const other = await s.newAccount();
      const foreign = await raw(s.url, 'POST', path, { key: other.sk });
      assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'resource_missing'], "another account's refund is unknown");
      const unknownParam = await raw(s.url, 'POST', path, { key: a.sk, form: 'reason=x' });
      assert.deepEqual([unknownParam.status, unknownParam.body.error.code], [400, 'parameter_unknown']);
      const res = await raw(s.url, 'POST', path, { key: a.sk });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual([res.body.id, res.body.object, res.body.status, res.body.failure_reason], [r.id, 'refund', 'failed', 'declined']);
      assert.match(res.body.failure_balance_transaction, /^txn_/);
      const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([charge.amount_refunded, charge.refunded], [0, false], 'the money is back on the Charge');
      assert.deepEqual((await eventTypes(a.stripe, [r.id, charge.id])).slice(-6), ['refund.created', 'charge.refunded', 'refund.failed', 'charge.updated', 'refund.updated', 'charge.refund.updated']);
      await new Promise((done) => setTimeout(done, 1_500));
      assert.equal((await a.stripe.refunds.retrieve(r.id)).status, 'failed', 'the settlement worker does not settle it again');

      const again = await raw(s.url, 'POST', path, { key: a.sk });
      assert.deepEqual([again.status, again.body.error.type], [400, 'invalid_request_error']);
      assert.match(again.body.error.message, /status of failed\. Only a refund with a status of pending may be failed\.$/);
      const second = await a.stripe.refunds.create({ payment_intent: pi.id, amount: 200 });
      const late = await eventually(() => a.stripe.refunds.retrieve(second.id), settled);
      assert.equal(late.status, 'succeeded');
      const tooLate = await raw(s.url, 'POST', `/_onfile/refunds/${late.id}/fail`, { key: a.sk });
      assert.equal(tooLate.status, 400, 'a settled refund stays as it is');
      assert.equal((await raw(s.url, 'POST', '/_onfile/refunds/re_nope/fail', { key: a.sk })).status, 404);
    });

    it('a refund the processor declines ends failed: the money goes back to the balance and the Charge', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm);
      const restore = overrideConnector('amazon_pay', (inner: PaymentConnector) => {
        const w = Object.create(inner) as PaymentConnector;
        w.settleRefund = (scope, refundId) => inner.settleRefund!(scope, refundId, 'failed');
        return w;
      });
      try {
        const r = await a.stripe.refunds.create({ payment_intent: pi.id, amount: 400 });
        const done = await eventually(() => a.stripe.refunds.retrieve(r.id), settled);
        assert.equal(done.status, 'failed');
        assert.ok(done.failure_reason);
        assert.match(String(done.failure_balance_transaction), /^txn_/);
        const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
        assert.deepEqual([charge.amount_refunded, charge.refunded], [0, false]);
        assert.deepEqual((await eventTypes(a.stripe, [r.id, charge.id])).slice(-6), ['refund.created', 'charge.refunded', 'refund.failed', 'charge.updated', 'refund.updated', 'charge.refund.updated']);
      } finally {
        restore();
      }
    });
  });

  describe(`refunds settle after a restart [${engine}]`, () => {
    it('a refund pending when the server stops is settled by the next start', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'onfile-refund-'));
      const schema = engine === 'postgres' ? `t_refund_${Date.now().toString(36)}` : undefined;
      const clock = new OffsetClock();
      const start = () => startOn(engine, dataDir, schema, clock);
      let server = await start();
      try {
        const keys = await createMerchantAccount(server.store, clock, { name: 'Rocket Rides' });
        let stripe = sdk(server.port, keys.secretKey);
        const owner = await newOwner(server.url, keys.secretKey, stripe, 'customer');
        const pm = await savedMethod(stripe, owner);
        const pi = await chargeOffSession(stripe, owner, pm);
        const r = await stripe.refunds.create({ payment_intent: pi.id });
        assert.equal(r.status, 'pending');
        await server.close();
        // Long enough later that the settlement is due; a new process picks it up.
        clock.advance(60 * 60 * 1000);
        server = await start();
        stripe = sdk(server.port, keys.secretKey);
        const done = await eventually(() => stripe.refunds.retrieve(r.id), settled);
        assert.equal(done.status, 'succeeded');
      } finally {
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
        if (schema) {
          const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        }
      }
    });
  });
}

async function startOn(engine: EngineName, dataDir: string, schema: string | undefined, clock: OffsetClock) {
  const databaseUrl = engine === 'postgres' ? process.env.DATABASE_URL : '';
  const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir, databaseUrl, pgSchema: schema, logLevel: 'silent' }, { ...process.env, DATABASE_URL: databaseUrl });
  return startServer(config, { clock });
}

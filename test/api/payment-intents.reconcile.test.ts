import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Stripe from 'stripe';
import pg from 'pg';
import { engines, sdk, type EngineName } from '../support/harness.js';
import { OffsetClock } from '../../src/lib/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMerchantAccount } from '../../src/services/accounts/merchant-accounts.js';
import { overrideConnector } from '../../src/connectors/registry.js';
import type { ChargeResult, PaymentConnector } from '../../src/connectors/connector.js';
import { reconcilePass } from '../../src/reconcile/operations.js';
import { answer, chargeOffSession, eventTypes, eventually, newOwner, savedMethod, type Owner } from './payment-intents.fixtures.js';

/**
 * The connector with one call made to fail: `lost` means the processor did the work but its answer
 * never came back (the process died between the call and the second transaction).
 */
function failing(method: 'createCharge' | 'completeCheckoutSession' | 'captureCharge' | 'cancelCharge', mode: 'unreachable' | 'lost', seen?: (r: unknown) => void) {
  return (inner: PaymentConnector): PaymentConnector => {
    const w = Object.create(inner) as PaymentConnector;
    (w as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      if (mode === 'lost') seen?.(await (inner[method] as (...a: unknown[]) => Promise<unknown>).apply(inner, args));
      throw new Error(`simulated ${mode} processor (${method})`);
    };
    return w;
  };
}

/** Storage that outlives a server: stop it mid-flight and start another on the same data. */
class Restartable {
  server!: RunningServer;
  readonly clock = new OffsetClock();
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'onfile-pi-reconcile-'));
  private readonly schema: string | undefined;
  constructor(private readonly engine: EngineName) {
    this.schema = engine === 'postgres' ? `t_pirec_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}` : undefined;
  }
  async start(): Promise<void> {
    const databaseUrl = this.engine === 'postgres' ? process.env.DATABASE_URL : '';
    const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir: this.dataDir, databaseUrl, pgSchema: this.schema, logLevel: 'silent' }, { ...process.env, DATABASE_URL: databaseUrl });
    this.server = await startServer(config, { clock: this.clock });
  }
  async dispose(): Promise<void> {
    await this.server.close();
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.schema) {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
      await c.end();
    }
  }
}

for (const engine of engines()) {
  describe(`payment intents: a connector call interrupted is finished by the reconciler [${engine}]`, () => {
    const r = new Restartable(engine);
    let stripe: Stripe;
    let sk: string;
    let owner: Owner;
    let pm: string;
    const savedInterval = process.env.ONFILE_RECONCILE_INTERVAL_MS;
    before(async () => {
      // Only the passes the tests run (and the start-up pass) may finish operations.
      process.env.ONFILE_RECONCILE_INTERVAL_MS = '3600000';
      process.env.ONFILE_AUTHORIZATION_POLL_MS = '100';
      await r.start();
      const keys = await createMerchantAccount(r.server.store, r.clock, { name: 'Rocket Rides' });
      sk = keys.secretKey;
      stripe = sdk(r.server.port, sk);
      owner = await newOwner(r.server.url, sk, stripe, 'customer');
      pm = await savedMethod(stripe, owner);
    });
    after(async () => {
      await r.dispose();
      if (savedInterval === undefined) delete process.env.ONFILE_RECONCILE_INTERVAL_MS;
      else process.env.ONFILE_RECONCILE_INTERVAL_MS = savedInterval;
    });
    // A failed run is retried after a back-off; move the clock past it, then run a pass.
    const pass = () => {
      r.clock.advance(120_000);
      return reconcilePass(r.server.deps, { graceMs: 0 });
    };

    it('an unreachable processor leaves the off-session charge processing; the reconciler charges it once', async () => {
      const restore = overrideConnector('amazon_pay', failing('createCharge', 'unreachable'));
      let pi: Stripe.PaymentIntent;
      try {
        pi = await chargeOffSession(stripe, owner, pm, { amount: 1234 });
      } finally {
        restore();
      }
      assert.equal(pi.status, 'processing');
      assert.equal(pi.latest_charge, null);
      // While it is in flight, a second confirm or a cancel is refused instead of racing it.
      await assert.rejects(stripe.paymentIntents.confirm(pi.id), (e: Stripe.errors.StripeError) => e.code === 'payment_intent_unexpected_state' && /status of processing/.test(e.message));
      await assert.rejects(stripe.paymentIntents.cancel(pi.id), (e: Stripe.errors.StripeError) => e.code === 'payment_intent_unexpected_state');
      assert.ok((await pass()) >= 1);
      const done = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(done.status, 'succeeded');
      assert.equal(done.amount_received, 1234);
      assert.equal((await stripe.charges.list({ payment_intent: pi.id })).data.length, 1);
      assert.deepEqual(await eventTypes(stripe, [pi.id, done.latest_charge as string]), ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
      assert.equal(await pass(), 0, 'nothing left');
    });

    it("a charge made but whose answer was lost is applied from the processor's record, not made twice", async () => {
      let made: ChargeResult | undefined;
      const restore = overrideConnector('amazon_pay', failing('createCharge', 'lost', (c) => (made = c as ChargeResult)));
      let pi: Stripe.PaymentIntent;
      try {
        pi = await chargeOffSession(stripe, owner, pm, { amount: 2345 });
      } finally {
        restore();
      }
      assert.equal(pi.status, 'processing');
      assert.ok(made, 'the processor charged');
      await pass();
      const done = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
      assert.equal(done.status, 'succeeded');
      assert.equal((done.latest_charge as Stripe.Charge).payment_method_details?.amazon_pay?.transaction_id, made!.transactionId);
    });

    it('a lost answer on the hosted page: the customer is told "processing", the reconciler completes the payment', async () => {
      const pending = await stripe.paymentIntents.create({
        amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, return_url: 'https://example.com/back', confirm: true, ...owner, setup_future_usage: 'off_session',
      } as Stripe.PaymentIntentCreateParams);
      const restore = overrideConnector('amazon_pay', failing('completeCheckoutSession', 'lost'));
      let res: Response;
      try {
        res = await answer(pending.next_action!.redirect_to_url!.url!, 'authorize');
      } finally {
        restore();
      }
      assert.equal(res.status, 303);
      assert.equal(new URL(res.headers.get('location')!).searchParams.get('redirect_status'), 'processing');
      assert.equal((await stripe.paymentIntents.retrieve(pending.id)).status, 'processing');
      await pass();
      const done = await stripe.paymentIntents.retrieve(pending.id);
      assert.equal(done.status, 'succeeded');
      const pmObj = await stripe.paymentMethods.retrieve(done.payment_method as string);
      assert.equal(pmObj.customer, (owner as { customer: string }).customer);
    });

    it('a capture whose answer was lost is finished at the next start of the server', async () => {
      const held = await chargeOffSession(stripe, owner, pm, { capture_method: 'manual', amount: 3000 });
      const restore = overrideConnector('amazon_pay', failing('captureCharge', 'lost'));
      let mid: Stripe.PaymentIntent;
      try {
        mid = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 2000 });
      } finally {
        restore();
      }
      assert.equal(mid.status, 'processing');
      await r.server.close();
      r.clock.advance(120_000);
      await r.start();
      stripe = sdk(r.server.port, sk);
      const done = await eventually(() => stripe.paymentIntents.retrieve(held.id), (p) => p.status !== 'processing');
      assert.equal(done.status, 'succeeded');
      assert.equal(done.amount_received, 2000);
      const charge = await stripe.charges.retrieve(held.latest_charge as string);
      assert.deepEqual([charge.captured, charge.amount_captured, charge.amount_refunded], [true, 2000, 1000]);
    });

    it('a hold whose capture is under way when it falls due lapses once the processor refuses that capture', async () => {
      const held = await chargeOffSession(stripe, owner, pm, { capture_method: 'manual', amount: 1300 });
      let restore = overrideConnector('amazon_pay', failing('captureCharge', 'unreachable'));
      try {
        assert.equal((await stripe.paymentIntents.capture(held.id)).status, 'processing');
      } finally {
        restore();
      }
      r.clock.advance(7 * 24 * 3600 * 1000 + 1_000);
      await new Promise((res) => setTimeout(res, 500));
      assert.equal((await stripe.paymentIntents.retrieve(held.id)).status, 'processing', 'the capture under way is left to finish');
      // The processor now answers that it no longer holds the authorization.
      restore = overrideConnector('amazon_pay', (inner) => {
        const w = Object.create(inner) as PaymentConnector;
        w.captureCharge = async (scope, input) => ({ ...(await inner.getCharge(scope, input.chargeId))!, status: 'canceled' });
        return w;
      });
      try {
        await pass();
      } finally {
        restore();
      }
      assert.equal((await stripe.paymentIntents.retrieve(held.id)).status, 'requires_capture', 'the refused capture put it back');
      r.clock.advance(61_000);
      const refused = await eventually(() => stripe.paymentIntents.retrieve(held.id), (p) => p.status === 'canceled');
      assert.equal(refused.status, 'canceled', 'the lapse that waited for the capture followed');
      assert.equal(refused.cancellation_reason, 'automatic');
      const charge = await stripe.charges.retrieve(held.latest_charge as string);
      assert.deepEqual((await eventTypes(stripe, [held.id, charge.id])).slice(-2), ['charge.expired', 'payment_intent.canceled']);
    });

    // Last in this suite: it moves the clock 7 days on.
    it('a lapsing authorization whose release answer was lost is finished at the next start: canceled once, charge.expired once', async () => {
      const held = await chargeOffSession(stripe, owner, pm, { capture_method: 'manual', amount: 1700 });
      const restore = overrideConnector('amazon_pay', failing('cancelCharge', 'lost'));
      let mid: Stripe.PaymentIntent;
      try {
        r.clock.advance(7 * 24 * 3600 * 1000 + 1_000);
        mid = await eventually(() => stripe.paymentIntents.retrieve(held.id), (p) => p.status !== 'requires_capture');
      } finally {
        restore();
      }
      assert.equal(mid.status, 'processing', 'the expiry worker started the release; its answer was lost');
      await r.server.close();
      r.clock.advance(120_000);
      await r.start();
      stripe = sdk(r.server.port, sk);
      const done = await eventually(() => stripe.paymentIntents.retrieve(held.id), (p) => p.status !== 'processing');
      assert.deepEqual([done.status, done.cancellation_reason, done.amount_capturable], ['canceled', 'automatic', 0]);
      const charge = await stripe.charges.retrieve(held.latest_charge as string);
      assert.deepEqual([charge.refunded, charge.amount_refunded], [true, 1700]);
      const types = await eventTypes(stripe, [held.id, charge.id]);
      assert.equal(types.filter((t) => t === 'charge.expired').length, 1);
      assert.equal(types.filter((t) => t === 'payment_intent.canceled').length, 1);
    });
  });
}

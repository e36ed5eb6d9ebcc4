import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Stripe from 'stripe';
import pg from 'pg';
import { engines, raw, sdk, type EngineName } from '../support/harness.js';
import { OffsetClock } from '../../src/lib/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMerchantAccount } from '../../src/services/accounts/merchant-accounts.js';
import { overrideConnector } from '../../src/connectors/registry.js';
import type { PaymentConnector } from '../../src/connectors/connector.js';
import { reconcilePass } from '../../src/reconcile/operations.js';

const MANDATE = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.0', user_agent: 'device' } } };
const WAIT_MS = 5_000;

/** The amazon_pay connector with one method replaced: `before` fails before the processor is asked, `after` loses its answer. */
function faulty(method: keyof PaymentConnector, when: 'before' | 'after') {
  return (inner: PaymentConnector): PaymentConnector =>
    new Proxy(inner, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          if (when === 'after') await value.apply(target, args);
          throw new Error(`simulated connector failure (${String(method)}, ${when})`);
        };
      },
    });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A server whose storage outlives it, so the test can stop it and start it again on the same data. */
class Restartable {
  server!: RunningServer;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'onfile-reconcile-'));
  private readonly schema: string | undefined;
  private port = 0;
  constructor(private readonly engine: EngineName) {
    this.schema = engine === 'postgres' ? `t_rec_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}` : undefined;
  }
  async start(): Promise<void> {
    const databaseUrl = this.engine === 'postgres' ? process.env.DATABASE_URL : '';
    const config = loadConfig({ port: this.port, host: '127.0.0.1', dataDir: this.dataDir, databaseUrl, pgSchema: this.schema, logLevel: 'silent' }, { ...process.env, DATABASE_URL: databaseUrl });
    this.server = await startServer(config, { clock: new OffsetClock() });
    this.port = this.server.port;
  }
  async stop(): Promise<void> {
    await this.server.close();
  }
  async destroy(): Promise<void> {
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
  describe(`SetupIntents survive processor failures and crashes [${engine}]`, () => {
    const r = new Restartable(engine);
    let stripe: Stripe;
    let sk: string;
    let accountId: string;
    let customer: Stripe.Customer;
    before(async () => {
      await r.start();
      const acct = await createMerchantAccount(r.server.store, r.server.deps.clock, { name: 'Rocket Rides' });
      accountId = acct.account.id;
      sk = acct.secretKey;
      stripe = sdk(r.server.port, sk);
      customer = await stripe.customers.create({});
    });
    after(async () => {
      await r.stop();
      await r.destroy();
    });

    const create = () => stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: customer.id });
    const checkoutSessions = async (reference: string) =>
      (await r.server.store.read.all('SELECT id FROM amazon_pay_simulator WHERE account_id = ? AND kind = ? AND reference = ?', [accountId, 'checkout_session', reference])).length;

    it('an unreachable processor leaves the intent processing; the reconciler finishes it', async () => {
      const si = await create();
      const restore = overrideConnector('amazon_pay', faulty('createCheckoutSession', 'before'));
      let confirmed: Stripe.SetupIntent;
      try {
        confirmed = await stripe.setupIntents.confirm(si.id, { return_url: 'https://example.com/r', mandate_data: MANDATE });
      } finally {
        restore();
      }
      assert.equal(confirmed.status, 'processing');
      assert.equal(confirmed.next_action, null);
      assert.equal(await checkoutSessions(confirmed.latest_attempt as string), 0);
      // Not double-confirmable while it waits on the processor.
      await assert.rejects(stripe.setupIntents.confirm(si.id, { return_url: 'https://example.com/r' }), (e: Stripe.errors.StripeError) => e.code === 'setup_intent_unexpected_state' && /processing/.test(e.message));
      assert.equal(await reconcilePass(r.server.deps, { graceMs: 0 }), 0, 'a failed operation waits for its backoff');
      (r.server.deps.clock as OffsetClock).advance(2_000);
      assert.equal(await reconcilePass(r.server.deps, { graceMs: 0 }), 1);
      const finished = await stripe.setupIntents.retrieve(si.id);
      assert.equal(finished.status, 'requires_action');
      assert.ok(finished.next_action?.redirect_to_url?.url);
      assert.equal(await checkoutSessions(finished.latest_attempt as string), 1);
      const evts = (await stripe.events.list({ type: 'setup_intent.requires_action' })).data.filter((e) => (e.data.object as Stripe.SetupIntent).id === si.id);
      assert.equal(evts.length, 1);
      assert.equal(evts[0].request?.id, null);
      assert.equal(await reconcilePass(r.server.deps, { graceMs: 0 }), 0, 'nothing left to do');
    });

    it('a crash after the processor answered is finished at start-up, without a second checkout session', async () => {
      const si = await create();
      const restore = overrideConnector('amazon_pay', faulty('createCheckoutSession', 'after'));
      let confirmed: Stripe.SetupIntent;
      try {
        confirmed = await stripe.setupIntents.confirm(si.id, { return_url: 'https://example.com/r', mandate_data: MANDATE });
      } finally {
        restore();
      }
      assert.equal(confirmed.status, 'processing');
      assert.equal(await checkoutSessions(confirmed.latest_attempt as string), 1);
      await r.stop();
      await r.start();
      stripe = sdk(r.server.port, sk);
      const finished = await waitFor('the start-up pass', async () => {
        const x = await stripe.setupIntents.retrieve(si.id);
        return x.status === 'requires_action' ? x : undefined;
      });
      assert.equal(await checkoutSessions(finished.latest_attempt as string), 1);
      const done = await fetch(finished.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(done.status, 303);
      assert.equal((await stripe.setupIntents.retrieve(si.id)).status, 'succeeded');
    });

    it("a lost answer to the customer's choice is applied once by the reconciler", async () => {
      const si = await create();
      const pending = await stripe.setupIntents.confirm(si.id, { return_url: 'https://example.com/r', mandate_data: MANDATE });
      const restore = overrideConnector('amazon_pay', faulty('completeCheckoutSession', 'after'));
      let res: Response;
      try {
        res = await fetch(pending.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      } finally {
        restore();
      }
      assert.equal(res.status, 303);
      assert.equal(new URL(res.headers.get('location')!).searchParams.get('redirect_status'), 'processing');
      assert.equal((await stripe.setupIntents.retrieve(si.id)).status, 'processing');
      const again = await fetch(pending.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=fail', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(again.status, 409, 'the page was answered already');
      (r.server.deps.clock as OffsetClock).advance(2_000);
      assert.equal(await reconcilePass(r.server.deps, { graceMs: 0 }), 1);
      const final = await stripe.setupIntents.retrieve(si.id);
      assert.equal(final.status, 'succeeded');
      assert.equal((await stripe.mandates.retrieve(final.mandate as string)).status, 'active');
      assert.equal((await stripe.paymentMethods.retrieve(final.payment_method as string)).customer, customer.id);
      const succeeded = (await stripe.events.list({ type: 'setup_intent.succeeded' })).data.filter((e) => (e.data.object as Stripe.SetupIntent).id === si.id);
      assert.equal(succeeded.length, 1);
    });

    it('concurrent confirms of one intent open one live attempt', async () => {
      const si = await create();
      const results = await Promise.allSettled([0, 1, 2].map(() => stripe.setupIntents.confirm(si.id, { return_url: 'https://example.com/r', mandate_data: MANDATE })));
      for (const x of results) if (x.status === 'rejected') assert.equal((x.reason as Stripe.errors.StripeError).code, 'setup_intent_unexpected_state');
      assert.ok(results.some((x) => x.status === 'fulfilled'));
      const final = await stripe.setupIntents.retrieve(si.id);
      assert.equal(final.status, 'requires_action');
      const attempts = (await stripe.setupAttempts.list({ setup_intent: si.id })).data;
      const live = attempts.filter((x) => x.status !== 'abandoned');
      assert.deepEqual(live.map((x) => x.id), [final.latest_attempt]);
      const res = await raw(`http://127.0.0.1:${r.server.port}`, 'GET', '/v1/setup_intents', { key: sk });
      assert.equal(res.status, 200);
    });
  });
}

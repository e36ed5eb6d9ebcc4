import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { chargeOffSession, eventually, newOwner, savedMethod } from './payment-intents.fixtures.js';

const DAY_MS = 24 * 3600 * 1000;
const amounts = (b: Stripe.Balance) => ({
  available: b.available.map((x) => [x.currency, x.amount, x.source_types?.card]),
  pending: b.pending.map((x) => [x.currency, x.amount, x.source_types?.card]),
});

for (const engine of engines()) {
  describe(`balance [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('is the balance transactions summed: pending for two days, then available; refunds come off', async () => {
      const a = await s.newAccount();
      const fresh = await a.stripe.balance.retrieve();
      assert.equal(fresh.object, 'balance');
      assert.equal(fresh.livemode, false);
      assert.deepEqual(amounts(fresh), { available: [['usd', 0, 0]], pending: [['usd', 0, 0]] }, 'a new account lists its currency at 0');

      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pm = await savedMethod(a.stripe, owner); // saved during a payment of 1000
      const paid = await chargeOffSession(a.stripe, owner, pm, { amount: 5000 });
      await chargeOffSession(a.stripe, owner, pm, { amount: 700, capture_method: 'manual' });
      const refund = await a.stripe.refunds.create({ payment_intent: paid.id, amount: 1200 });
      await eventually(() => a.stripe.refunds.retrieve(refund.id), (r) => r.status === 'succeeded');
      assert.deepEqual(amounts(await a.stripe.balance.retrieve()), { available: [['usd', 0, 0]], pending: [['usd', 4800, 4800]] }, '1000 + 5000 - 1200; an uncaptured hold adds nothing');

      s.clock.advance(2 * DAY_MS + 1_000);
      assert.deepEqual(amounts(await a.stripe.balance.retrieve()), { available: [['usd', 4800, 4800]], pending: [['usd', 0, 0]] });
      const txns = await a.stripe.balanceTransactions.list({ limit: 100 });
      assert.equal(
        txns.data.reduce((sum, t) => sum + t.net, 0),
        4800,
        'the same sum as the balance transactions listed',
      );

      const other = await s.newAccount({ country: 'GB' });
      assert.deepEqual(amounts(await other.stripe.balance.retrieve()), { available: [['gbp', 0, 0]], pending: [['gbp', 0, 0]] }, "each account sees its own, in its currency");
    });

    it('is for secret keys only and takes no other parameter', async () => {
      const pk = await raw(s.url, 'GET', '/v1/balance', { key: s.pk });
      assert.equal(pk.status, 403);
      const unknown = await raw(s.url, 'GET', '/v1/balance?currency=usd', { key: s.sk });
      assert.deepEqual([unknown.status, unknown.body.error.code, unknown.body.error.param], [400, 'parameter_unknown', 'currency']);
    });
  });
}

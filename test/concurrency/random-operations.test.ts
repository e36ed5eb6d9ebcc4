import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { RandomOperations } from '../support/random-operations.js';

// Random sequences of the seed's operations, several at once, many on the same few objects: every
// answer is a success or Stripe's 4xx, and afterwards the money adds up (support/random-operations.ts
// lists the rules: refunds and released remainders, PaymentIntent amounts, balance transactions and
// the balance, events present and none announced twice).

for (const engine of engines()) {
  describe(`random operations, several at once, keep the money consistent [${engine}]`, () => {
    let s: TestServer;
    let random: RandomOperations;

    before(async () => {
      s = await startTestServer(engine, { env: { ONFILE_REFUND_SETTLE_MS: '200' } });
      random = new RandomOperations(() => ({ url: s.url, sk: s.sk }), 20261207);
      await random.run(800, 8);
    });
    after(async () => s.close());

    it('answered every request with a success or Stripe\'s error, and reached the states it is about', () => {
      assert.deepEqual(random.failures, []);
      for (const label of ['POST /v1/payment_intents/pi_…/capture', 'POST /v1/refunds', 'POST /v1/payment_intents/pi_…/cancel']) assert.ok(random.answered.has(label), label);
      assert.ok(random.state.charges.length >= 5, `${random.state.charges.length} charges`);
      assert.ok(random.state.refunds.length >= 3, `${random.state.refunds.length} refunds`);
    });

    it('adds up: charges, refunds, PaymentIntents, balance transactions, balance and events', async () => {
      assert.deepEqual(await random.brokenRules(), []);
    });
  });
}

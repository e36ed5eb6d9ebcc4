import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';

// A customer deleted while a PaymentMethod is being attached to it: either the attach comes first
// and the deletion detaches the method, or the deletion comes first and the attach is refused.
// Never a method attached to a deleted customer (on PostgreSQL the two transactions overlap).

for (const engine of engines()) {
  describe(`deleting a customer races attaching a method to it [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('never leaves a method attached to a deleted customer', async () => {
      const outcomes = { attachedThenDetached: 0, refused: 0 };
      for (let round = 0; round < 3; round++) {
        const pairs = await Promise.all(
          Array.from({ length: 8 }, async () => ({ customer: (await s.stripe.customers.create({})).id, pm: (await s.stripe.paymentMethods.create({ type: 'amazon_pay' } as Stripe.PaymentMethodCreateParams)).id })),
        );
        await Promise.all(
          pairs.flatMap(({ customer, pm }) => [
            s.stripe.paymentMethods.attach(pm, { customer }).then(
              () => outcomes.attachedThenDetached++,
              (e: Stripe.errors.StripeError) => {
                assert.equal(e.statusCode, 400, e.message);
                outcomes.refused++;
              },
            ),
            s.stripe.customers.del(customer),
          ]),
        );
        for (const { customer, pm } of pairs) {
          assert.equal((await s.stripe.customers.retrieve(customer)).deleted, true);
          assert.equal((await s.stripe.paymentMethods.retrieve(pm)).customer, null, `${pm} stayed attached to deleted ${customer}`);
        }
      }
      assert.equal(outcomes.attachedThenDetached + outcomes.refused, 24);
    });
  });
}

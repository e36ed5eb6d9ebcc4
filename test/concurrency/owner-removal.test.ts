import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';

// A customer deleted (or a v2 account closed) while a PaymentMethod is being attached to it: either
// the attach comes first and the removal detaches the method, or the removal comes first and the
// attach is refused. Never a method attached to a deleted customer or a closed account (on
// PostgreSQL the two transactions overlap).
//
// Two ways to attach: the attach endpoint, which checks the owner in its own transaction, and the
// customer's answer on the hosted authorization page, which completes a setup whose owner was
// checked when it was created, maybe minutes before.

const MANDATE = { customer_acceptance: { type: 'online' as const, online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0' } } };

interface Owner {
  /** The owner's id, a customer or a v2 account. */
  id: string;
  /** The `customer` or `customer_account` parameter naming it. */
  param: { customer: string } | { customer_account: string };
}

interface OwnerKind {
  name: string;
  create(s: TestServer): Promise<Owner>;
  remove(s: TestServer, id: string): Promise<unknown>;
  isRemoved(s: TestServer, id: string): Promise<boolean>;
  /** Who the method is attached to now (null: nobody). */
  ownerOf(pm: Stripe.PaymentMethod): string | null;
}

const kinds: OwnerKind[] = [
  {
    name: 'a deleted customer',
    async create(s) {
      const id = (await s.stripe.customers.create({})).id;
      return { id, param: { customer: id } };
    },
    remove: (s, id) => s.stripe.customers.del(id),
    isRemoved: async (s, id) => (await s.stripe.customers.retrieve(id)).deleted === true,
    ownerOf: (pm) => pm.customer as string | null,
  },
  {
    name: 'a closed v2 account',
    async create(s) {
      const id = (await s.stripe.v2.core.accounts.create({ configuration: { customer: {} } })).id;
      return { id, param: { customer_account: id } };
    },
    remove: (s, id) => s.stripe.v2.core.accounts.close(id, { applied_configurations: ['customer'] }),
    isRemoved: async (s, id) => (await s.stripe.v2.core.accounts.retrieve(id)).closed === true,
    ownerOf: (pm) => pm.customer_account,
  },
];

/** An attach that either lands or is refused; the PaymentMethod it is about. */
interface Attaching {
  pm: string;
  /** Resolves true if it attached, false if refused. */
  run(): Promise<boolean>;
}

async function viaAttachEndpoint(s: TestServer, owner: Owner): Promise<Attaching> {
  const pm = (await s.stripe.paymentMethods.create({ type: 'amazon_pay' } as Stripe.PaymentMethodCreateParams)).id;
  return {
    pm,
    run: () =>
      s.stripe.paymentMethods.attach(pm, owner.param as Stripe.PaymentMethodAttachParams).then(
        () => true,
        (e: Stripe.errors.StripeError) => {
          assert.equal(e.statusCode, 400, e.message);
          return false;
        },
      ),
  };
}

async function viaHostedPage(s: TestServer, owner: Owner): Promise<Attaching> {
  const si = await s.stripe.setupIntents.create({
    allowed_payment_method_types: ['amazon_pay'],
    payment_method_data: { type: 'amazon_pay' },
    ...owner.param,
    confirm: true,
    return_url: 'https://example.com/r',
    mandate_data: MANDATE,
  } as Stripe.SetupIntentCreateParams);
  return {
    pm: si.payment_method as string,
    async run() {
      const res = await fetch(si.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      await res.arrayBuffer();
      assert.equal(res.status, 303);
      // The processor approved it either way; whether the method was saved is the question.
      assert.equal((await s.stripe.setupIntents.retrieve(si.id)).status, 'succeeded');
      return (await s.stripe.events.list({ type: 'payment_method.attached', limit: 100 })).data.some((e) => (e.data.object as Stripe.PaymentMethod).id === si.payment_method);
    },
  };
}

for (const engine of engines()) {
  describe(`deleting a customer or closing a v2 account races attaching a method to it [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    for (const kind of kinds) {
      for (const [how, attaching] of [
        ['the attach endpoint', viaAttachEndpoint],
        ["the customer's answer on the hosted page", viaHostedPage],
      ] as const) {
        it(`never leaves a method attached to ${kind.name} (${how})`, async () => {
          const outcomes = { attachedThenDetached: 0, refused: 0 };
          for (let round = 0; round < 3; round++) {
            const pairs = await Promise.all(
              Array.from({ length: 8 }, async () => {
                const owner = await kind.create(s);
                return { owner, attach: await attaching(s, owner) };
              }),
            );
            await Promise.all(
              pairs.flatMap(({ owner, attach }) => [attach.run().then((attached) => outcomes[attached ? 'attachedThenDetached' : 'refused']++), kind.remove(s, owner.id)]),
            );
            for (const { owner, attach } of pairs) {
              assert.equal(await kind.isRemoved(s, owner.id), true);
              assert.equal(kind.ownerOf(await s.stripe.paymentMethods.retrieve(attach.pm)), null, `${attach.pm} stayed attached to ${owner.id}`);
            }
          }
          assert.equal(outcomes.attachedThenDetached + outcomes.refused, 24);
        });
      }
    }
  });
}

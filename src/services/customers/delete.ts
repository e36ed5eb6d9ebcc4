import type Stripe from 'stripe';
import { deletedCustomerStub } from '../../domain/customers/customer.js';
import type { PaymentMethodInternal } from '../../domain/payment-methods/payment-method.js';
import { listObjects, updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { revokeAgreements } from '../mandates/mandates.js';
import { detachInTransaction } from '../payment-methods/detach.js';
import type { PaymentMethodRow } from '../payment-methods/create.js';
import type { CallContext } from '../context.js';
import { requireCustomer } from './customers.js';

/**
 * DELETE /v1/customers/:id. A module of its own: it reaches into PaymentMethods, which themselves
 * depend on customers.ts.
 */
export async function deleteCustomer(ctx: CallContext, id: string): Promise<Stripe.DeletedCustomer> {
  let revocations: Awaited<ReturnType<typeof detachInTransaction>>['revocations'] = [];
  const stub = await ctx.deps.store.tx(async (t) => {
    revocations = [];
    const row = await requireCustomer(t, ctx, id);
    // "Deleting customers removes all credit card details" (https://docs.stripe.com/api/customers/delete):
    // its saved methods are detached for good, each with its events and its mandates made inactive.
    for (const pm of await attachedPaymentMethods(t, ctx, id)) revocations.push(...(await detachInTransaction(t, ctx, pm, { clearDefault: false })).revocations);
    // The row stays (retrieve answers the deleted stub, as Stripe does); it leaves the lists.
    await updateObject(t, ctx.scope, row, { data: row.data, internal: { ...row.internal, deleted: true }, lookup: null });
    // Deleted customers move to their own type: lists and lookups skip them without a filter.
    await t.run("UPDATE objects SET type = 'customer.deleted' WHERE id = ?", [id]);
    await emitEvent(t, ctx, 'customer.deleted', row.data);
    return deletedCustomerStub(id);
  });
  await revokeAgreements(ctx, revocations);
  return stub;
}

async function attachedPaymentMethods(t: Sql, ctx: CallContext, customerId: string): Promise<PaymentMethodRow[]> {
  const all: PaymentMethodRow[] = [];
  for (let after: number | undefined; ; ) {
    const page = await listObjects<Stripe.PaymentMethod, PaymentMethodInternal>(t, ctx.scope, { type: 'payment_method', customer: customerId, limit: 100, startingAfterSeq: after });
    all.push(...(page.items as PaymentMethodRow[]));
    if (!page.hasMore || !page.items.length) return all;
    after = page.items[page.items.length - 1].seq;
  }
}

import type Stripe from 'stripe';
import { deletedCustomerStub } from '../../domain/customers/customer.js';
import { updateObject } from '../../storage/repos/objects.js';
import { emitEvent } from '../../events/emit.js';
import { revokeAgreements } from '../mandates/mandates.js';
import { detachAllInTransaction } from '../payment-methods/detach.js';
import type { CallContext } from '../context.js';
import { requireCustomer } from './customers.js';

/**
 * DELETE /v1/customers/:id. A module of its own: it reaches into PaymentMethods, which themselves
 * depend on customers.ts.
 */
export async function deleteCustomer(ctx: CallContext, id: string): Promise<Stripe.DeletedCustomer> {
  let revocations: Awaited<ReturnType<typeof detachAllInTransaction>> = [];
  const stub = await ctx.deps.store.tx(async (t) => {
    const row = await requireCustomer(t, ctx, id);
    // "Deleting customers removes all credit card details" (https://docs.stripe.com/api/customers/delete):
    // its saved methods are detached for good, each with its events and its mandates made inactive.
    revocations = await detachAllInTransaction(t, ctx, id);
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

import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { isAttached, ownerOf, sameOwner, type Owner, type PaymentMethodInternal } from '../../domain/payment-methods/payment-method.js';
import { getObject, updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { ownerKey, requireLiveOwner, resolveOwner } from '../customers/owner.js';
import { setAttachOnCustomerCreate } from '../customers/customers.js';
import type { CallContext } from '../context.js';
import type { PaymentMethodRow } from './create.js';
import type { AttachPaymentMethod } from '../../api/v1/payment-methods/params.js';

/**
 * The PaymentMethod named by the URL (a 404 naming `payment_method`, the path parameter of
 * /v1/payment_methods/{payment_method}, as recorded at 2026-08-26.dahlia), or by a request
 * parameter `param` (a 400 naming it).
 */
export async function requirePaymentMethod(t: Sql, ctx: CallContext, id: string, param?: string): Promise<PaymentMethodRow> {
  const row = await getObject<Stripe.PaymentMethod, PaymentMethodInternal>(t, ctx.scope, 'payment_method', id);
  if (!row) throw param ? errors.resourceMissing('PaymentMethod', id, param, 400) : errors.resourceMissing('PaymentMethod', id, 'payment_method');
  return row;
}

/**
 * Attaches in the caller's transaction and emits `payment_method.attached`
 * (https://docs.stripe.com/api/payment_methods/attach). Attaching again to the same owner is a
 * no-op; a consumed or detached method can never be attached.
 */
export async function attachPaymentMethod(t: Sql, ctx: CallContext, row: PaymentMethodRow, owner: Owner): Promise<Stripe.PaymentMethod> {
  if (row.internal.detached || row.internal.consumed) throw errors.paymentMethodCannotAttach();
  if (isAttached(row.data)) {
    if (sameOwner(ownerOf(row.data), owner)) return row.data;
    throw errors.paymentMethodAlreadyAttached();
  }
  await holdOwner(t, ctx, owner);
  const next: Stripe.PaymentMethod = { ...row.data, customer: owner.customer, customer_account: owner.customer_account };
  await updateObject(t, ctx.scope, row, { data: next, customer: ownerKey(owner) });
  await emitEvent(t, ctx, 'payment_method.attached', next);
  return next;
}

/**
 * The owner must still be there (a customer not deleted, a v2 account not closed) and must stay so
 * until this transaction commits: its removal detaches the methods it finds attached, and would not
 * find this one. Reading the owner here is enough: SQLite runs one write transaction at a time, and
 * on PostgreSQL the read takes the owner's row lock (`Sql.locksRows`), so whichever of the two comes
 * second waits for the other and sees it. An intent's owner was checked when the intent was made,
 * maybe long before the customer's answer completes it.
 */
const holdOwner = (t: Sql, ctx: CallContext, owner: Owner): Promise<void> => requireLiveOwner(t, ctx, owner);

export async function attachPaymentMethodById(ctx: CallContext, id: string, p: AttachPaymentMethod): Promise<Stripe.PaymentMethod> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requirePaymentMethod(t, ctx, id);
    if (p.customer === undefined && p.customer_account === undefined) throw errors.attachNeedsOwner();
    const owner = await resolveOwner(t, ctx, { customer: p.customer, customer_account: p.customer_account });
    return attachPaymentMethod(t, ctx, row, owner!);
  });
}

// POST /v1/customers with payment_method=pm_… attaches it to the new customer in the same transaction.
setAttachOnCustomerCreate(async (t, ctx, customer, pmId) => {
  const row = await requirePaymentMethod(t, ctx, pmId, 'payment_method');
  await attachPaymentMethod(t, ctx, row, { customer: customer.id, customer_account: null });
});

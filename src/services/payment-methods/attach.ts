import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { isAttached, ownerOf, type Owner, type PaymentMethodInternal } from '../../domain/payment-methods/payment-method.js';
import { getObject, updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { ownerKey, resolveOwner } from '../customers/owner.js';
import { setAttachOnCustomerCreate } from '../customers/customers.js';
import type { CallContext } from '../context.js';
import type { PaymentMethodRow } from './create.js';
import type { AttachPaymentMethod } from '../../api/v1/payment-methods/params.js';

export async function requirePaymentMethod(t: Sql, ctx: CallContext, id: string, param = 'id'): Promise<PaymentMethodRow> {
  const row = await getObject<Stripe.PaymentMethod, PaymentMethodInternal>(t, ctx.scope, 'payment_method', id);
  if (!row) throw errors.resourceMissing('PaymentMethod', id, param, param === 'id' ? 404 : 400);
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
    const current = ownerOf(row.data);
    if (current.customer === owner.customer && current.customer_account === owner.customer_account) return row.data;
    throw errors.paymentMethodAlreadyAttached();
  }
  if (owner.customer) await holdCustomer(t, ctx, owner.customer);
  const next: Stripe.PaymentMethod = { ...row.data, customer: owner.customer, customer_account: owner.customer_account };
  await updateObject(t, ctx.scope, row, { data: next, customer: ownerKey(owner) });
  await emitEvent(t, ctx, 'payment_method.attached', next);
  return next;
}

/**
 * The customer must still exist, and must not be deleted before this transaction commits: its
 * deletion detaches the methods it finds attached, and would not find this one (on PostgreSQL the
 * two transactions run side by side). Writing the customer's row (its version only) makes them
 * conflict: whichever commits second runs again and sees the other.
 */
async function holdCustomer(t: Sql, ctx: CallContext, id: string): Promise<void> {
  const customer = await getObject<Stripe.Customer>(t, ctx.scope, 'customer', id);
  if (!customer) throw errors.resourceMissing('customer', id, 'customer', 400);
  await updateObject(t, ctx.scope, customer, { data: customer.data });
}

export async function attachPaymentMethodById(ctx: CallContext, id: string, p: AttachPaymentMethod): Promise<Stripe.PaymentMethod> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requirePaymentMethod(t, ctx, id);
    if (p.customer === undefined && p.customer_account === undefined) throw errors.parameterMissing('customer');
    const owner = await resolveOwner(t, ctx, { customer: p.customer, customer_account: p.customer_account });
    return attachPaymentMethod(t, ctx, row, owner!);
  });
}

// POST /v1/customers with payment_method=pm_… attaches it to the new customer in the same transaction.
setAttachOnCustomerCreate(async (t, ctx, customer, pmId) => {
  const row = await requirePaymentMethod(t, ctx, pmId, 'payment_method');
  await attachPaymentMethod(t, ctx, row, { customer: customer.id, customer_account: null });
});

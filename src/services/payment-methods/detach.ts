import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { previousAttributes } from '../../domain/shared/changes.js';
import { isAttached, ownerOf, type PaymentMethodInternal } from '../../domain/payment-methods/payment-method.js';
import { getObject, listObjects, updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { deactivateMandates, revokeAgreements } from '../mandates/mandates.js';
import type { CallContext } from '../context.js';
import { requirePaymentMethod } from './attach.js';
import type { PaymentMethodRow } from './create.js';

/**
 * POST /v1/payment_methods/:id/detach (https://docs.stripe.com/api/payment_methods/detach):
 * `customer` becomes null for good, `payment_method.detached` and, for each active mandate,
 * `mandate.updated` (now `inactive`); the processor agreement is revoked after the commit.
 */
export async function detachPaymentMethod(ctx: CallContext, id: string): Promise<Stripe.PaymentMethod> {
  // The transaction returns the PaymentMethod itself, so an idempotent retry after a crash can
  // answer with it (http/idempotency.ts records the object a keyed request's transaction returns).
  let revocations: Revocations = [];
  const pm = await ctx.deps.store.tx(async (t) => {
    const row = await requirePaymentMethod(t, ctx, id);
    if (!isAttached(row.data)) throw errors.paymentMethodNotAttached();
    const detached = await detachInTransaction(t, ctx, row, { clearDefault: true });
    revocations = detached.revocations;
    return detached.pm;
  });
  await revokeAgreements(ctx, revocations);
  return pm;
}

type Revocations = Awaited<ReturnType<typeof deactivateMandates>>;

/**
 * Detaches an attached method inside the caller's transaction, with its events; the caller revokes
 * the returned agreements after its commit. `clearDefault`: unset it as its customer's default (not
 * when the customer is being deleted).
 */
export async function detachInTransaction(t: Sql, ctx: CallContext, row: PaymentMethodRow, opts: { clearDefault: boolean }): Promise<{ pm: Stripe.PaymentMethod; revocations: Revocations }> {
  const before = row.data;
  const next: Stripe.PaymentMethod = { ...before, customer: null, customer_account: null };
  await updateObject(t, ctx.scope, row, { data: next, internal: { ...row.internal, detached: true }, customer: null });
  await emitEvent(t, ctx, 'payment_method.detached', next, previousAttributes(before, next));
  const owner = ownerOf(before);
  if (opts.clearDefault && owner.customer) await clearCustomerDefault(t, ctx, owner.customer, row.id);
  return { pm: next, revocations: await deactivateMandates(t, ctx, row.id) };
}

/**
 * Detaches every method attached to an owner that is going away (a customer being deleted, a v2
 * account being closed) in the caller's transaction; the caller revokes the agreements after its
 * commit. The owner's default is left as it is: the owner itself can no longer be changed.
 */
export async function detachAllInTransaction(t: Sql, ctx: CallContext, ownerId: string): Promise<Revocations> {
  const revocations: Revocations = [];
  for (const pm of await attachedPaymentMethods(t, ctx, ownerId)) revocations.push(...(await detachInTransaction(t, ctx, pm, { clearDefault: false })).revocations);
  return revocations;
}

async function attachedPaymentMethods(t: Sql, ctx: CallContext, ownerId: string): Promise<PaymentMethodRow[]> {
  const all: PaymentMethodRow[] = [];
  for (let after: number | undefined; ; ) {
    // Methods of a v2 account are stored under its id in the same column (customers/owner.ts ownerKey).
    const page = await listObjects<Stripe.PaymentMethod, PaymentMethodInternal>(t, ctx.scope, { type: 'payment_method', customer: ownerId, limit: 100, startingAfterSeq: after });
    all.push(...(page.items as PaymentMethodRow[]));
    if (!page.hasMore || !page.items.length) return all;
    after = page.items[page.items.length - 1].seq;
  }
}

/** A detached method cannot stay the customer's default (Stripe unsets it, with `customer.updated`). */
async function clearCustomerDefault(t: Sql, ctx: CallContext, customerId: string, pmId: string): Promise<void> {
  const row = await getObject<Stripe.Customer>(t, ctx.scope, 'customer', customerId);
  if (!row || row.data.invoice_settings?.default_payment_method !== pmId) return;
  const next: Stripe.Customer = { ...row.data, invoice_settings: { ...row.data.invoice_settings, default_payment_method: null } };
  await updateObject(t, ctx.scope, row, { data: next });
  await emitEvent(t, ctx, 'customer.updated', next, { invoice_settings: row.data.invoice_settings });
}

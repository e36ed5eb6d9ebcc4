import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { previousAttributes } from '../../domain/shared/changes.js';
import { billingDetailsOf, isAttached, type PaymentMethodInternal } from '../../domain/payment-methods/payment-method.js';
import { cursorSeq, getObject, listObjects, updateObject } from '../../storage/repos/objects.js';
import { emitEvent } from '../../events/emit.js';
import { checkExpandPaths, renderList, type ListPage } from '../../api/render.js';
import { ownerKey, requireCustomerAccount, requireLiveCustomer } from '../customers/owner.js';
import { requireCustomer } from '../customers/customers.js';
import type { CallContext } from '../context.js';
import { requirePaymentMethod } from './attach.js';
import type { ListPaymentMethods, UpdatePaymentMethod } from '../../api/v1/payment-methods/params.js';

export async function retrievePaymentMethod(ctx: CallContext, id: string): Promise<Stripe.PaymentMethod> {
  return (await requirePaymentMethod(ctx.deps.store.read, ctx, id)).data;
}

/**
 * GET /v1/customers/:customer/payment_methods/:id: only the customer's own methods exist there. As
 * recorded at 2026-08-26.dahlia, an unknown method is the method's own 404, and another
 * customer's a bare "Invalid request" 404 naming `customer`.
 */
export async function retrieveCustomerPaymentMethod(ctx: CallContext, customerId: string, id: string): Promise<Stripe.PaymentMethod> {
  const read = ctx.deps.store.read;
  await requireCustomer(read, ctx, customerId);
  const row = await getObject<Stripe.PaymentMethod>(read, ctx.scope, 'payment_method', id);
  if (!row) throw errors.resourceMissing('PaymentMethod', id, 'payment_method');
  if (row.data.customer !== customerId) throw errors.paymentMethodOfAnotherCustomer();
  return row.data;
}

/** POST /v1/payment_methods/:id: only saved (attached) methods can be updated. */
export async function updatePaymentMethod(ctx: CallContext, id: string, p: UpdatePaymentMethod): Promise<Stripe.PaymentMethod> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requirePaymentMethod(t, ctx, id);
    if (!isAttached(row.data)) throw errors.paymentMethodUpdateNeedsCustomer();
    const before = row.data;
    const next: Stripe.PaymentMethod = { ...before };
    if (p.allow_redisplay !== undefined) next.allow_redisplay = p.allow_redisplay;
    if (p.billing_details !== undefined) next.billing_details = billingDetailsOf(before.billing_details, p.billing_details);
    if (p.metadata !== undefined) next.metadata = applyMetadata(before.metadata, p.metadata);
    const prev = previousAttributes(before, next);
    if (!prev) return before;
    await updateObject(t, ctx.scope, row, { data: next });
    await emitEvent(t, ctx, 'payment_method.updated', next, prev);
    return next;
  });
}

/**
 * GET /v1/payment_methods and GET /v1/customers/:id/payment_methods: newest first, filtered by
 * owner and type through indexed columns; `allow_redisplay` is filtered while paging.
 */
export async function listPaymentMethods(
  ctx: CallContext,
  p: Omit<ListPaymentMethods, 'customer' | 'customer_account'> & { customer?: string; customer_account?: string },
  url: string,
  opts: { customerInPath?: boolean } = {},
): Promise<ListPage<Stripe.PaymentMethod>> {
  checkExpandPaths('payment_method', p.expand, true);
  if (p.customer && p.customer_account) throw errors.parametersExclusive('customer', 'customer_account');
  const read = ctx.deps.store.read;
  const cursor = async (id: string, param: string) => {
    const seq = await cursorSeq(read, ctx.scope, 'payment_method', id);
    if (seq === undefined) throw errors.resourceMissing('PaymentMethod', id, param, 400);
    return seq;
  };
  // A customer named in the path is the resource itself (404, param id); as a filter it is a parameter (400).
  if (p.customer && opts.customerInPath) {
    await requireCustomer(read, ctx, p.customer);
  } else if (p.customer) await requireLiveCustomer(read, ctx, p.customer);
  if (p.customer_account) await requireCustomerAccount(read, ctx, p.customer_account);
  let startingAfterSeq = p.starting_after ? await cursor(p.starting_after, 'starting_after') : undefined;
  let endingBeforeSeq = p.ending_before ? await cursor(p.ending_before, 'ending_before') : undefined;
  if (startingAfterSeq !== undefined && endingBeforeSeq !== undefined) throw errors.cursorsExclusive();
  // Without an owner Stripe lists Treasury's PaymentMethods (API reference, "List PaymentMethods"),
  // which onfile has none of: an empty page, as recorded at 2026-08-26.dahlia, its cursors still
  // looked up first.
  if (!p.customer && !p.customer_account) return { object: 'list', data: [], has_more: false, url };
  const owner = ownerKey({ customer: p.customer ?? null, customer_account: p.customer_account ?? null });
  const limit = p.limit ?? 10;
  const backwards = endingBeforeSeq !== undefined;
  const found: { seq: number; data: Stripe.PaymentMethod }[] = [];
  let more = true;
  // Pages of the index until `limit + 1` rows pass the allow_redisplay filter (one page without it).
  while (more && found.length <= limit) {
    const { items, hasMore } = await listObjects<Stripe.PaymentMethod, PaymentMethodInternal>(read, ctx.scope, {
      type: 'payment_method',
      limit: Math.max(limit, 20),
      startingAfterSeq,
      endingBeforeSeq,
      created: p.created,
      customer: owner ?? undefined,
      lookup: p.type,
    });
    const ordered = backwards ? [...items].reverse() : items;
    for (const i of ordered) if (!p.allow_redisplay || i.data.allow_redisplay === p.allow_redisplay) found.push(i);
    more = hasMore;
    const last = ordered[ordered.length - 1];
    if (!last) break;
    if (backwards) endingBeforeSeq = last.seq;
    else startingAfterSeq = last.seq;
  }
  const page = found.slice(0, limit);
  if (backwards) page.reverse();
  return renderList(ctx, 'payment_method', url, page.map((r) => r.data), found.length > limit, p.expand);
}

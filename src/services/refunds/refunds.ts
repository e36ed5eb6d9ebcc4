import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { previousAttributes } from '../../domain/shared/changes.js';
import { canRefund, type RefundInternal, type RefundStatus } from '../../domain/refunds/refund.js';
import { getObject, updateObject, type ObjectRow } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { listPage } from '../../api/list.js';
import type { ListPage } from '../../api/render.js';
import type { CallContext } from '../context.js';
import type { ListRefunds, UpdateRefund } from '../../api/v1/refunds/params.js';

export type RefundRow = ObjectRow<Stripe.Refund, RefundInternal>;

export async function requireRefund(t: Sql, ctx: CallContext, id: string): Promise<RefundRow> {
  const row = await getObject<Stripe.Refund, RefundInternal>(t, ctx.scope, 'refund', id);
  // `refund`, the path parameter of /v1/refunds/{refund} (recorded at 2026-08-26.dahlia).
  if (!row) throw errors.resourceMissing('refund', id, 'refund');
  return row;
}

export async function retrieveRefund(ctx: CallContext, id: string): Promise<Stripe.Refund> {
  return (await requireRefund(ctx.deps.store.read, ctx, id)).data;
}

/** POST /v1/refunds/:id: only metadata (https://docs.stripe.com/api/refunds/update), with `refund.updated`. */
export async function updateRefund(ctx: CallContext, id: string, p: UpdateRefund): Promise<Stripe.Refund> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requireRefund(t, ctx, id);
    const next: Stripe.Refund = { ...row.data, metadata: applyMetadata(row.data.metadata, p.metadata) };
    const prev = previousAttributes(row.data, next);
    if (!prev) return row.data;
    await updateObject(t, ctx.scope, row, { data: next });
    await emitEvent(t, ctx, 'refund.updated', next, prev);
    return next;
  });
}

/**
 * POST /v1/refunds/:id/cancel (https://docs.stripe.com/api/refunds/cancel): only a refund in
 * `requires_action` can be canceled, which an Amazon Pay refund never is.
 */
export async function cancelRefund(ctx: CallContext, id: string): Promise<Stripe.Refund> {
  const row = await requireRefund(ctx.deps.store.read, ctx, id);
  if (!canRefund(row.data.status as RefundStatus, 'cancel')) throw errors.refundNotCancelable();
  return row.data;
}

/** GET /v1/refunds (https://docs.stripe.com/api/refunds/list): `charge`, `payment_intent`, `created`. */
export async function listRefunds(ctx: CallContext, p: Partial<ListRefunds>, url = '/v1/refunds'): Promise<ListPage<Stripe.Refund>> {
  return listPage<Stripe.Refund>(ctx, { object: 'refund', url, filter: { parent: p.charge, lookup: p.payment_intent } }, p);
}

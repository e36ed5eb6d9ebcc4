import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { previousAttributes } from '../../domain/shared/changes.js';
import { normalizeAddress } from '../../domain/customers/customer.js';
import type { ChargeInternal } from '../../domain/charges/charge.js';
import { getObject, insertObject, updateObject, type ObjectRow } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { listPage } from '../../api/list.js';
import type { ListPage } from '../../api/render.js';
import type { CallContext } from '../context.js';
import type { ListCharges, UpdateCharge } from '../../api/v1/charges/params.js';

/**
 * Charges are made by PaymentIntents (services/payment-intents) and read or annotated here
 * (https://docs.stripe.com/api/charges). Row columns: customer = owner (cus_/acct_),
 * parent = PaymentIntent, lookup = status.
 */
export type ChargeRow = ObjectRow<Stripe.Charge, ChargeInternal>;

export async function insertCharge(t: Sql, ctx: CallContext, charge: Stripe.Charge, internal: ChargeInternal, owner: string | null): Promise<ChargeRow> {
  return insertObject<Stripe.Charge, ChargeInternal>(t, ctx.scope, {
    type: 'charge',
    id: charge.id,
    created: charge.created,
    data: charge,
    internal,
    customer: owner,
    parent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    lookup: charge.status,
  });
}

export async function saveCharge(t: Sql, ctx: CallContext, row: ChargeRow, data: Stripe.Charge): Promise<ChargeRow> {
  return updateObject(t, ctx.scope, row, { data, lookup: data.status });
}

export async function requireCharge(t: Sql, ctx: CallContext, id: string, param = 'id'): Promise<ChargeRow> {
  const row = await getObject<Stripe.Charge, ChargeInternal>(t, ctx.scope, 'charge', id);
  if (!row) throw errors.resourceMissing('charge', id, param, param === 'id' ? 404 : 400);
  return row;
}

export async function retrieveCharge(ctx: CallContext, id: string): Promise<Stripe.Charge> {
  return (await requireCharge(ctx.deps.store.read, ctx, id)).data;
}

/** GET /v1/charges (https://docs.stripe.com/api/charges/list): filters `customer`, `payment_intent`, `created`. */
export async function listCharges(ctx: CallContext, p: ListCharges): Promise<ListPage<Stripe.Charge>> {
  return listPage<Stripe.Charge>(ctx, { object: 'charge', url: '/v1/charges', filter: { customer: p.customer, parent: p.payment_intent } }, p);
}

/** POST /v1/charges/:id (https://docs.stripe.com/api/charges/update), with `charge.updated`. */
export async function updateCharge(ctx: CallContext, id: string, p: UpdateCharge): Promise<Stripe.Charge> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requireCharge(t, ctx, id);
    const before = row.data;
    const next: Stripe.Charge = { ...before };
    if (p.description !== undefined) next.description = p.description;
    if (p.metadata !== undefined) next.metadata = applyMetadata(before.metadata, p.metadata);
    if (p.receipt_email !== undefined) next.receipt_email = p.receipt_email;
    if (p.transfer_group !== undefined) next.transfer_group = p.transfer_group;
    if (p.shipping !== undefined) {
      next.shipping = p.shipping
        ? ({ address: normalizeAddress(p.shipping.address), name: p.shipping.name, carrier: p.shipping.carrier ?? null, phone: p.shipping.phone ?? null, tracking_number: p.shipping.tracking_number ?? null } as Stripe.Charge.Shipping)
        : null;
    }
    if (p.fraud_details !== undefined) {
      next.fraud_details = p.fraud_details?.user_report ? { ...before.fraud_details, user_report: p.fraud_details.user_report } : {};
    }
    const prev = previousAttributes(before, next);
    if (!prev) return before;
    await saveCharge(t, ctx, row, next);
    await emitEvent(t, ctx, 'charge.updated', next, prev);
    return next;
  });
}

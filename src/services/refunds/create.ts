import type Stripe from 'stripe';
import { newId } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { formatMajor } from '../../domain/money/currencies.js';
import { refundableAmount, withRefunded } from '../../domain/charges/charge.js';
import { newRefund, type RefundInternal } from '../../domain/refunds/refund.js';
import { getObject, insertObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { connectorFor } from '../../connectors/registry.js';
import { requireCharge, saveCharge, type ChargeRow } from '../charges/charges.js';
import { insertBalanceTransaction } from '../charges/balance-transactions.js';
import { nowSeconds, type CallContext } from '../context.js';
import type { CreateRefund } from '../../api/v1/refunds/params.js';
import { scheduleSettlement } from './settle.js';

/** Stripe refunds a payment up to 90 days after it (https://docs.stripe.com/payments/amazon-pay#refunds). */
const REFUND_WINDOW_SECONDS = 90 * 24 * 3600;

/**
 * POST /v1/refunds (https://docs.stripe.com/api/refunds/create): by `payment_intent` or `charge`,
 * all that remains or part of it. The refund starts `pending` (Amazon Pay refunds settle
 * asynchronously); the Charge's `amount_refunded` counts it at once, and it settles later
 * (settle.ts) — a durable row written here makes sure of that across restarts.
 */
export async function createRefund(ctx: CallContext, p: CreateRefund): Promise<Stripe.Refund> {
  let submit: { type: string; connectorChargeId: string; amount: number } | null = null;
  const refund = await ctx.deps.store.tx(async (t) => {
    submit = null;
    const charge = await chargeToRefund(t, ctx, p);
    const remaining = refundableAmount(charge.data);
    if (remaining <= 0) throw errors.chargeAlreadyRefunded(charge.id);
    const amount = p.amount ?? remaining;
    if (amount > remaining) throw errors.refundAmountTooLarge(money(amount, charge.data.currency), money(remaining, charge.data.currency));
    const now = nowSeconds(ctx);
    if (charge.data.created < now - REFUND_WINDOW_SECONDS) throw errors.refundWindowPassed(charge.id);
    const pi = typeof charge.data.payment_intent === 'string' ? await getObject<Stripe.PaymentIntent>(t, ctx.scope, 'payment_intent', charge.data.payment_intent) : undefined;
    const refundId = newId('refund');
    const refund = newRefund({
      id: refundId,
      created: now,
      amount,
      charge: charge.data,
      customerAccount: pi?.data.customer_account ?? null,
      reason: p.reason ?? null,
      metadata: applyMetadata({}, p.metadata),
      balanceTransaction: await insertBalanceTransaction(t, ctx, { kind: 'refund', amount, currency: charge.data.currency, source: refundId, description: 'REFUND FOR CHARGE' }),
    });
    const internal: RefundInternal = { connectorRefundId: null, connectorChargeId: charge.internal.connectorChargeId, paymentMethodType: charge.internal.paymentMethodType };
    await insertObject<Stripe.Refund, RefundInternal>(t, ctx.scope, {
      type: 'refund',
      id: refund.id,
      created: now,
      data: refund,
      internal,
      customer: refund.customer_account ?? (refund.customer as string | null),
      parent: charge.id,
      lookup: refund.payment_intent as string | null,
    });
    const updated = withRefunded(charge.data, amount);
    await saveCharge(t, ctx, charge, updated);
    await scheduleSettlement(t, ctx, refund.id);
    await emitEvent(t, ctx, 'refund.created', refund);
    await emitEvent(t, ctx, 'charge.refunded', updated);
    submit = { type: internal.paymentMethodType, connectorChargeId: internal.connectorChargeId, amount };
    return refund;
  });
  // Tell the processor now; if it cannot be reached, the settlement worker asks again (the
  // refund's id is the idempotency reference, so it is made once).
  const s = submit as { type: string; connectorChargeId: string; amount: number } | null;
  if (s) await connectorFor(ctx.deps, s.type).createRefund(ctx.scope, { chargeId: s.connectorChargeId, amount: s.amount, reference: refund.id }).catch(() => undefined);
  return refund;
}

function money(amount: number, currency: string): string {
  return formatMajor(amount, currency);
}

/** The Charge a refund request names, directly or through its PaymentIntent, if it can be refunded. */
async function chargeToRefund(t: Sql, ctx: CallContext, p: CreateRefund): Promise<ChargeRow> {
  if (!p.charge && !p.payment_intent) throw errors.refundNeedsChargeOrIntent();
  let charge: ChargeRow;
  if (p.payment_intent) {
    const pi = await getObject<Stripe.PaymentIntent>(t, ctx.scope, 'payment_intent', p.payment_intent);
    if (!pi) throw errors.resourceMissing('payment_intent', p.payment_intent, 'payment_intent', 400);
    if (pi.data.status === 'requires_capture') throw errors.refundOfUncapturedPayment(pi.id);
    if (pi.data.status !== 'succeeded' || typeof pi.data.latest_charge !== 'string') throw errors.refundNothingToRefund(pi.id, 'payment_intent');
    charge = await requireCharge(t, ctx, pi.data.latest_charge, 'payment_intent');
    if (p.charge && p.charge !== charge.id) throw errors.chargeOfOtherPaymentIntent();
  } else {
    // Recorded at 2026-08-26.dahlia: an unknown `charge` is the charge's own 404, naming `id`.
    charge = await requireCharge(t, ctx, p.charge!);
  }
  if (charge.data.status !== 'succeeded') throw errors.refundNothingToRefund(String(charge.data.payment_intent), p.payment_intent ? 'payment_intent' : 'charge');
  if (!charge.data.captured) {
    throw p.payment_intent ? errors.refundOfUncapturedPayment(String(charge.data.payment_intent)) : errors.refundOfUncapturedCharge(String(charge.data.payment_intent));
  }
  return charge;
}

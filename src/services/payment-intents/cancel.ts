import type Stripe from 'stripe';
import { transition, type PaymentIntentStatus } from '../../domain/payment-intents/machine.js';
import { enqueueOperation, type Operation } from '../../reconcile/operations.js';
import { supersedeRedirectSessions } from '../../hosted/redirect-sessions.js';
import { emitEvent } from '../../events/emit.js';
import { requireCharge } from '../charges/charges.js';
import { nowSeconds, type CallContext } from '../context.js';
import type { CancelPaymentIntent } from '../../api/v1/payment-intents/params.js';
import { OP } from './attempts.js';
import { answerAttempt, runInline } from './finish.js';
import { draftOf } from './results.js';
import { requirePaymentIntent, savePaymentIntent, type PaymentIntentRow } from './rows.js';
import type { Sql } from '../../storage/sql.js';
import { unexpectedState } from './views.js';

/**
 * POST /v1/payment_intents/:id/cancel (https://docs.stripe.com/api/payment_intents/cancel). An
 * uncaptured authorization is released at the processor first (the Charge ends fully refunded);
 * otherwise the intent is canceled at once and any redirect still open is voided.
 */
export async function cancelPaymentIntent(ctx: CallContext, id: string, p: CancelPaymentIntent): Promise<Stripe.PaymentIntent> {
  let op: Operation | null = null;
  const pi = await ctx.deps.store.tx(async (t) => {
    op = null;
    const row = await requirePaymentIntent(t, ctx, id);
    const status = row.data.status as PaymentIntentStatus;
    const step = transition(status, status === 'requires_capture' ? 'release' : 'cancel');
    if (!step.ok) throw unexpectedState(ctx, step.message, row.data);
    const d = draftOf(row);
    const reason = p.cancellation_reason ?? null;
    if (status === 'requires_capture') {
      op = await startRelease(t, ctx, row, { cancellationReason: reason, expired: false });
      return row.data; // not the answer: that is the intent once released (below)
    }
    d.data.status = step.to;
    d.data.canceled_at = nowSeconds(ctx);
    d.data.cancellation_reason = reason;
    d.data.next_action = null;
    await supersedeRedirectSessions(t, id);
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    await emitEvent(t, ctx, 'payment_intent.canceled', d.data);
    return d.data;
  });
  const started = op as Operation | null;
  if (!started) return pi;
  await runInline(ctx, started);
  return answerAttempt(ctx, id, started.id);
}

/** What the release operation needs (its handler is in operations.ts). */
export interface ReleaseOpData {
  paymentMethodType: string;
  chargeId: string;
  connectorChargeId: string;
  amount: number;
  reference: string;
  cancellationReason: Stripe.PaymentIntent.CancellationReason | null;
  canceledAt: number;
  /** The authorization lapsed uncaptured (`charge.expired`), rather than a cancel. */
  expired: boolean;
}

/**
 * First half of releasing an uncaptured authorization, in the caller's transaction: the intent
 * goes `processing` with the release recorded; the operation's handler then asks the processor.
 */
export async function startRelease(
  t: Sql,
  ctx: CallContext,
  row: PaymentIntentRow,
  how: Pick<ReleaseOpData, 'cancellationReason' | 'expired'>,
): Promise<Operation> {
  const step = transition(row.data.status as PaymentIntentStatus, 'release');
  if (!step.ok) throw unexpectedState(ctx, step.message, row.data);
  const charge = await requireCharge(t, ctx, row.data.latest_charge as string, 'payment_intent');
  const data: ReleaseOpData = {
    paymentMethodType: charge.internal.paymentMethodType,
    chargeId: charge.id,
    connectorChargeId: charge.internal.connectorChargeId,
    amount: charge.data.amount,
    reference: `${charge.id}:release`,
    canceledAt: nowSeconds(ctx),
    ...how,
  };
  const op = await enqueueOperation(t, ctx, OP.release, row.id, data);
  const d = draftOf(row);
  d.data.status = step.to;
  d.internal.operation = { id: op.id, kind: op.kind };
  d.internal.outcome = null;
  await savePaymentIntent(t, ctx, row, d.data, d.internal);
  return op;
}

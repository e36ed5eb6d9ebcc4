import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { transition, type PaymentIntentStatus } from '../../domain/payment-intents/machine.js';
import { enqueueOperation, type Operation } from '../../reconcile/operations.js';
import { requireCharge } from '../charges/charges.js';
import type { CallContext } from '../context.js';
import type { CapturePaymentIntent } from '../../api/v1/payment-intents/params.js';
import { OP } from './attempts.js';
import { applyDescriptors } from './changes.js';
import { answerAttempt, runInline } from './finish.js';
import { draftOf } from './results.js';
import { requirePaymentIntent, savePaymentIntent } from './rows.js';
import { unexpectedState } from './views.js';

/**
 * POST /v1/payment_intents/:id/capture (https://docs.stripe.com/api/payment_intents/capture): all
 * of the authorization or part of it (`amount_to_capture`); the rest is released. Amazon Pay
 * offers no multicapture, so `final_capture=false` is refused.
 */
export async function capturePaymentIntent(ctx: CallContext, id: string, p: CapturePaymentIntent): Promise<Stripe.PaymentIntent> {
  let op: Operation | null = null;
  const pi = await ctx.deps.store.tx(async (t) => {
    op = null;
    const row = await requirePaymentIntent(t, ctx, id);
    const step = transition(row.data.status as PaymentIntentStatus, 'capture');
    if (!step.ok) throw unexpectedState(ctx, step.message, row.data);
    if (p.final_capture === false) throw errors.parameterNotSupported('final_capture', 'multicapture is not available for Amazon Pay; capture once, the remainder is released.');
    const capturable = row.data.amount_capturable;
    const amount = p.amount_to_capture ?? capturable;
    if (amount > capturable) throw errors.amountToCaptureTooLarge();
    const d = draftOf(row);
    if (p.metadata !== undefined) d.data.metadata = applyMetadata(row.data.metadata, p.metadata);
    applyDescriptors(d, p);
    const charge = await requireCharge(t, ctx, row.data.latest_charge as string, 'payment_intent');
    op = await enqueueOperation(t, ctx, OP.capture, id, {
      paymentMethodType: charge.internal.paymentMethodType,
      chargeId: charge.id,
      connectorChargeId: charge.internal.connectorChargeId,
      amount,
      reference: `${charge.id}:capture`,
    });
    d.data.status = step.to;
    d.internal.operation = { id: op.id, kind: op.kind };
    d.internal.outcome = null;
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    return d.data;
  });
  const started = op as Operation | null;
  if (!started) return pi;
  await runInline(ctx, started);
  return answerAttempt(ctx, id, started.id);
}

import type Stripe from 'stripe';
import { scheduleAuthorizationExpiry } from './expiry.js';
import { newId } from '../../lib/ids.js';
import { transition, type PaymentIntentStatus, type PaymentIntentTrigger } from '../../domain/payment-intents/machine.js';
import type { AttemptOutcome, PaymentAttempt } from '../../domain/payment-intents/payment-intent.js';
import { accountDescriptor } from '../../domain/payment-intents/statement-descriptor.js';
import { newCharge } from '../../domain/charges/charge.js';
import { isAttached, ownerOf, sameOwner } from '../../domain/payment-methods/payment-method.js';
import type { CustomerAcceptance } from '../../domain/mandates/mandate.js';
import { ApiError } from '../../errors/api-error.js';
import type { ChargeResult, ConnectorFailure } from '../../connectors/connector.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { attachPaymentMethod } from '../payment-methods/attach.js';
import type { PaymentMethodRow } from '../payment-methods/create.js';
import { createMandate } from '../mandates/mandates.js';
import { insertCharge } from '../charges/charges.js';
import { insertBalanceTransaction } from '../charges/balance-transactions.js';
import { ownerKey } from '../customers/owner.js';
import { nowSeconds, type CallContext } from '../context.js';
import type { Draft } from './changes.js';
import { ownerOfIntent, savePaymentIntent, type PaymentIntentRow } from './rows.js';
import { newReceiptUrl } from '../../hosted/receipts.js';

/**
 * How a processor answer becomes the intent's next state, in the transaction that applies it
 * (flows.md §3–4, webhooks.md Flows B and C): the Charge, the saved method and its mandate, the
 * intent's amounts, and the events in Stripe's order.
 */
export function draftOf(row: PaymentIntentRow): Draft {
  return { data: structuredClone(row.data), internal: structuredClone(row.internal) };
}

/** Moves the draft along the state machine; a refused move here is a bug, not a user error. */
export function move(d: Draft, trigger: PaymentIntentTrigger): void {
  const r = transition(d.data.status as PaymentIntentStatus, trigger);
  if (!r.ok) throw new Error(`PaymentIntent ${d.data.id}: ${trigger} from ${d.data.status}: ${r.message}`);
  d.data.status = r.to;
}

export function outcomeOk(reference: string): AttemptOutcome {
  return { reference, kind: 'ok', error: null, status: 200 };
}

/** `last_payment_error`: the error object of the failed attempt, with the method it failed with. */
export function paymentError(
  type: 'card_error' | 'invalid_request_error',
  failure: Pick<ConnectorFailure, 'code' | 'message' | 'decline_code'>,
  pm: Stripe.PaymentMethod,
  chargeId?: string,
): Stripe.PaymentIntent.LastPaymentError {
  const e: Stripe.PaymentIntent.LastPaymentError = {
    type,
    code: failure.code as Stripe.PaymentIntent.LastPaymentError.Code,
    doc_url: `https://stripe.com/docs/error-codes/${failure.code.replace(/_/g, '-')}`,
    message: failure.message,
    payment_method: pm,
    payment_method_type: pm.type,
  };
  if (chargeId) e.charge = chargeId;
  if (failure.decline_code) e.decline_code = failure.decline_code;
  return e;
}

/** The attempt failed: back to `requires_payment_method`, the error kept, the method let go. */
export async function failAttempt(
  t: Sql,
  ctx: CallContext,
  row: PaymentIntentRow,
  d: Draft,
  error: Stripe.PaymentIntent.LastPaymentError,
  httpStatus: number,
): Promise<Stripe.PaymentIntent> {
  move(d, 'fail');
  d.data.last_payment_error = error;
  d.data.payment_method = null;
  d.data.next_action = null;
  d.internal.operation = null;
  d.internal.outcome = { reference: d.internal.attempt!.reference, kind: httpStatus === 402 ? 'declined' : 'refused', error: error as never, status: httpStatus };
  await savePaymentIntent(t, ctx, row, d.data, d.internal);
  await emitEvent(t, ctx, 'payment_intent.payment_failed', d.data);
  return d.data;
}

/**
 * The processor authorized (or captured, or declined) the attempt's payment. `agreementId`: the
 * reusable agreement the customer approved on a redirect, saved as a mandate when the intent asked
 * to keep the method for off-session payments.
 */
export async function applyPaymentResult(
  t: Sql,
  ctx: CallContext,
  row: PaymentIntentRow,
  d: Draft,
  pmRow: PaymentMethodRow,
  result: ChargeResult,
  saved: { agreementId: string; fallbackAcceptance: CustomerAcceptance } | null,
): Promise<Stripe.PaymentIntent> {
  const attempt = d.internal.attempt as PaymentAttempt;
  const now = nowSeconds(ctx);
  const owner = ownerOfIntent(d.data);
  let pm = pmRow.data;
  const declined = result.status === 'declined' || result.status === 'canceled';
  if (!declined && attempt.saveForLater && saved) {
    // Save during payment (https://docs.stripe.com/payments/save-during-payment): the method is
    // attached to the customer and the approved agreement becomes its multi-use mandate. Without
    // mandate_data, the customer's answer on the page (which shows the terms) is the acceptance.
    if (owner && !isAttached(pm)) {
      try {
        pm = await attachPaymentMethod(t, ctx, pmRow, owner);
      } catch (err) {
        // Detached, taken by another customer, or the customer deleted, meanwhile: the payment
        // still went through; the method just is not saved.
        if (!(err instanceof ApiError)) throw err;
      }
    }
    const unsaved = owner !== null && !sameOwner(ownerOf(pm), owner);
    await createMandate(t, ctx, { paymentMethod: pm, acceptance: attempt.acceptance ?? saved.fallbackAcceptance, agreementId: saved.agreementId, unsaved });
  }
  const chargeId = newId('charge');
  const balanceTransaction =
    result.status === 'captured' ? await insertBalanceTransaction(t, ctx, { kind: 'charge', amount: result.capturedAmount, currency: result.currency, source: chargeId, description: d.data.description }) : null;
  const charge = newCharge({
    id: chargeId,
    created: now,
    livemode: ctx.scope.livemode,
    paymentIntent: d.data,
    paymentMethod: pm,
    result: declined && result.status !== 'declined' ? { ...result, status: 'declined' } : result,
    balanceTransaction,
    calculatedStatementDescriptor: d.data.statement_descriptor ?? accountDescriptor(ctx.account.display_name),
    receiptUrl: newReceiptUrl(ctx, chargeId),
  });
  await insertCharge(t, ctx, charge, { connectorChargeId: result.chargeId, paymentMethodType: pm.type }, ownerKey(d.data));
  d.data.latest_charge = charge.id;
  if (declined) {
    await emitEvent(t, ctx, 'charge.failed', charge);
    const failure = result.failure ?? { code: 'payment_method_provider_decline', message: 'The payment was declined by the payment method provider.' };
    return failAttempt(t, ctx, row, d, paymentError('card_error', failure, pm, charge.id), 402);
  }
  await emitEvent(t, ctx, 'charge.succeeded', charge);
  d.data.next_action = null;
  d.data.last_payment_error = null;
  d.internal.operation = null;
  d.internal.outcome = outcomeOk(attempt.reference);
  if (result.status === 'captured') {
    move(d, 'succeed');
    d.data.amount_received = charge.amount_captured;
    d.data.amount_capturable = 0;
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    await emitEvent(t, ctx, 'payment_intent.succeeded', d.data);
  } else {
    // Authorized only (manual capture): the funds wait in requires_capture.
    move(d, 'authorize');
    d.data.amount_capturable = charge.amount;
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    await scheduleAuthorizationExpiry(t, ctx, d.data.id);
    await emitEvent(t, ctx, 'payment_intent.amount_capturable_updated', d.data);
  }
  return d.data;
}

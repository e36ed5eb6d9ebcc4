import type Stripe from 'stripe';
import { ApiError } from '../../errors/api-error.js';
import { ownerOf, sameOwner, type PaymentMethodInternal } from '../../domain/payment-methods/payment-method.js';
import type { CustomerAcceptance } from '../../domain/mandates/mandate.js';
import type { ConnectorFailure } from '../../connectors/connector.js';
import { transition } from '../../domain/setup-intents/machine.js';
import { getObject, updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { attachPaymentMethod } from '../payment-methods/attach.js';
import { createMandate } from '../mandates/mandates.js';
import type { CallContext } from '../context.js';
import { ownerOfIntent, paymentMethodIdOf, type SetupAttemptRow, type SetupIntentRow } from './model.js';
import { updateSetupAttempt } from './attempts.js';

/**
 * The processor's final answer applied to a `processing` SetupIntent, in the transaction that
 * finishes its connector operation.
 */
function mustMove(si: Stripe.SetupIntent, trigger: 'succeed' | 'fail'): Stripe.SetupIntent['status'] {
  const r = transition(si.status as never, trigger);
  if (!r.ok) throw new Error(`setup intent ${si.id}: ${r.message}`);
  return r.to;
}

/**
 * Success: the PaymentMethod is attached to the intent's customer (`payment_method.attached`), an
 * `off_session` setup gets an active multi-use Mandate standing for the processor's agreement, the
 * attempt and the intent succeed (`setup_intent.succeeded`). flows.md §2.
 */
export async function applySetupSuccess(
  t: Sql,
  ctx: CallContext,
  row: SetupIntentRow,
  attempt: SetupAttemptRow,
  agreementId: string | null,
  fallbackAcceptance: CustomerAcceptance,
): Promise<Stripe.SetupIntent> {
  const si = row.data;
  const pmId = paymentMethodIdOf(si)!;
  let pmRow = (await getObject<Stripe.PaymentMethod, PaymentMethodInternal>(t, ctx.scope, 'payment_method', pmId))!;
  const owner = ownerOfIntent(si);
  const hasOwner = owner.customer !== null || owner.customer_account !== null;
  if (hasOwner) {
    try {
      const attached = await attachPaymentMethod(t, ctx, pmRow, owner);
      pmRow = { ...pmRow, data: attached };
    } catch (err) {
      // Detached, taken by another customer, or the customer deleted while the customer was away:
      // the setup still succeeded at the processor; the method just is not saved.
      if (!(err instanceof ApiError)) throw err;
    }
  }
  const unsaved = hasOwner && !sameOwner(ownerOf(pmRow.data), owner);
  let mandate: string | null = null;
  if (si.usage === 'off_session') {
    const m = await createMandate(t, ctx, { paymentMethod: pmRow.data, acceptance: attempt.internal.acceptance ?? fallbackAcceptance, agreementId, unsaved });
    mandate = m.id;
  }
  await updateSetupAttempt(t, ctx, attempt, { status: 'succeeded' });
  const next: Stripe.SetupIntent = { ...si, status: mustMove(si, 'succeed'), mandate, next_action: null, last_setup_error: null };
  await updateObject(t, ctx.scope, row, { data: next });
  await emitEvent(t, ctx, 'setup_intent.succeeded', next);
  return next;
}

/**
 * Failure: the attempt fails with the error, the intent goes back to `requires_payment_method`
 * with `last_setup_error` (carrying the PaymentMethod) and no PaymentMethod
 * (`setup_intent.setup_failed`).
 */
export async function applySetupFailure(t: Sql, ctx: CallContext, row: SetupIntentRow, attempt: SetupAttemptRow, failure: ConnectorFailure): Promise<Stripe.SetupIntent> {
  const si = row.data;
  const pmId = paymentMethodIdOf(si);
  const pm = pmId ? (await getObject<Stripe.PaymentMethod>(t, ctx.scope, 'payment_method', pmId))?.data : undefined;
  const extra: Record<string, unknown> = {};
  if (failure.decline_code) extra.decline_code = failure.decline_code;
  if (pm) extra.payment_method = pm;
  const error = new ApiError(400, 'invalid_request_error', failure.message, failure.code, undefined, extra).toBody() as unknown as Stripe.SetupIntent.LastSetupError;
  await updateSetupAttempt(t, ctx, attempt, { status: 'failed', setup_error: error as unknown as Stripe.SetupAttempt.SetupError });
  const next: Stripe.SetupIntent = { ...si, status: mustMove(si, 'fail'), payment_method: null, next_action: null, last_setup_error: error };
  await updateObject(t, ctx.scope, row, { data: next, lookup: null });
  await emitEvent(t, ctx, 'setup_intent.setup_failed', next);
  return next;
}

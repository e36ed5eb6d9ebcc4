import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { transition, type PaymentIntentStatus } from '../../domain/payment-intents/machine.js';
import { effectiveCapture, effectiveSetupFutureUsage, type PaymentAttempt } from '../../domain/payment-intents/payment-intent.js';
import { acceptanceFromMandateData } from '../mandates/acceptance.js';
import { checkReturnUrl } from '../setup-intents/confirm.js';
import { isAttached } from '../../domain/payment-methods/payment-method.js';
import type { MandateInternal } from '../../domain/mandates/mandate.js';
import { getObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { enqueueOperation, type Operation } from '../../reconcile/operations.js';
import { supersedeRedirectSessions } from '../../hosted/redirect-sessions.js';
import { consumePaymentMethod, requireUsablePaymentMethod } from '../payment-methods/reuse.js';
import type { PaymentMethodRow } from '../payment-methods/create.js';
import { findActiveMandate } from '../mandates/mandates.js';
import type { CallContext } from '../context.js';
import type { PaymentMethodData } from '../../api/v1/payment-methods/params.js';
import type { MandateDataParam, PaymentMethodOptionsParam, ShippingParam } from '../../api/v1/payment-intents/params.js';
import { applyOptions, applyPaymentMethod, resolveInto, shippingOf, type Draft } from './changes.js';
import { failAttempt, paymentError } from './results.js';
import { ownerOfIntent, paymentMethodIdOf, savePaymentIntent, type PaymentIntentRow } from './rows.js';
import { requireLiveOwner } from '../customers/owner.js';
import { unexpectedState } from './views.js';

/** Operation kinds: each is one connector call between two transactions (reconcile/operations.ts). */
export const OP = {
  openCheckout: 'payment_intent.open_checkout',
  completeCheckout: 'payment_intent.complete_checkout',
  charge: 'payment_intent.charge',
  capture: 'payment_intent.capture',
  release: 'payment_intent.release',
} as const;

export interface ConfirmInput {
  payment_method?: string;
  payment_method_data?: PaymentMethodData;
  payment_method_options?: PaymentMethodOptionsParam;
  setup_future_usage?: 'off_session' | 'on_session' | null;
  capture_method?: Stripe.PaymentIntent.CaptureMethod;
  receipt_email?: string | null;
  shipping?: ShippingParam | null;
  allowed_payment_method_types?: string[];
  excluded_payment_method_types?: string[] | null;
  return_url?: string;
  mandate?: string;
  mandate_data?: MandateDataParam | null;
  off_session?: boolean | 'one_off' | 'recurring';
  error_on_requires_action?: boolean;
}

export interface Begun {
  pi: Stripe.PaymentIntent;
  reference: string;
  op: Operation | null;
}

/**
 * Confirm, first transaction (https://docs.stripe.com/api/payment_intents/confirm): check the
 * state, apply the confirm-time parameters, pick the way to pay, and leave the intent
 * `processing` with the connector call recorded as an operation. Three ways:
 * - a method saved with an active mandate: a merchant-initiated charge, no redirect (flow 3);
 * - otherwise on-session: a redirect to the hosted authorization page (flows 1–2);
 * - otherwise off-session (or `error_on_requires_action`): the customer would have to act, so the
 *   attempt fails at once with `authentication_required` (402), as Stripe does for cards.
 */
export async function beginConfirm(t: Sql, ctx: CallContext, row: PaymentIntentRow, p: ConfirmInput, known?: PaymentMethodRow): Promise<Begun> {
  const d: Draft = { data: structuredClone(row.data), internal: structuredClone(row.internal) };
  const state = transition(d.data.status as PaymentIntentStatus, 'confirm', { hasPaymentMethod: true });
  if (!state.ok) throw unexpectedState(ctx, state.message, row.data);

  if (p.capture_method !== undefined) d.data.capture_method = p.capture_method;
  if (p.setup_future_usage !== undefined) d.data.setup_future_usage = p.setup_future_usage;
  if (p.receipt_email !== undefined) d.data.receipt_email = p.receipt_email;
  if (p.shipping !== undefined) d.data.shipping = shippingOf(p.shipping);
  resolveInto(ctx, d, { allowed_payment_method_types: p.allowed_payment_method_types, excluded_payment_method_types: p.excluded_payment_method_types });
  applyOptions(d, p.payment_method_options);
  // `known`: the method create just checked in this transaction (no second read).
  let pmRow = (await applyPaymentMethod(t, ctx, d, p)) ?? known;
  const pmId = paymentMethodIdOf(d.data);
  const owner = ownerOfIntent(d.data);
  const missing = transition(d.data.status as PaymentIntentStatus, 'confirm', { hasPaymentMethod: pmId !== null, customer: owner?.customer ?? owner?.customer_account });
  if (!missing.ok) throw unexpectedState(ctx, missing.message, row.data, 'payment_method');
  pmRow ??= await requireUsablePaymentMethod(t, ctx, pmId!, { owner, intent: 'PaymentIntent' });
  const type = pmRow.data.type;
  if (!d.data.payment_method_types.includes(type)) throw errors.paymentMethodNotAllowed('PaymentIntent', type, d.data.payment_method_types, 'payment_method');

  const saveForLater = effectiveSetupFutureUsage(d.data, type) === 'off_session';
  if (saveForLater && owner) await requireLiveOwner(t, ctx, owner, 'PaymentIntent');
  const acceptance = p.mandate_data ? acceptanceFromMandateData(ctx, p.mandate_data) : null;
  checkReturnUrl(p.return_url);
  const returnUrl = p.return_url ?? null;
  const mandate = await mandateFor(t, ctx, pmRow.id, p.mandate);
  const saved = owner !== null && isAttached(pmRow.data) && mandate?.internal.agreementId ? mandate : null;
  const offSession = p.off_session !== undefined && p.off_session !== false;
  if (offSession && !owner && !saved) throw errors.offSessionNeedsCustomer();

  const n = d.internal.attempts + 1;
  const attempt: PaymentAttempt = {
    reference: `${d.data.id}:attempt_${n}`,
    kind: saved ? 'merchant_initiated' : 'redirect',
    paymentMethodId: pmRow.id,
    paymentMethodType: type,
    amount: d.data.amount,
    currency: d.data.currency,
    capture: effectiveCapture(d.data, type),
    saveForLater,
    acceptance,
    returnUrl,
    mandateId: saved?.id ?? null,
    agreementId: saved?.internal.agreementId ?? null,
    checkoutSessionId: null,
    redirectTokenHash: null,
  };
  d.internal.attempts = n;
  d.internal.attempt = attempt;
  d.internal.outcome = null;
  d.data.last_payment_error = null;
  d.data.next_action = null;
  d.data.status = state.to;
  // A new attempt replaces any redirect still open for this intent.
  if (row.internal.attempt?.kind === 'redirect') await supersedeRedirectSessions(t, d.data.id);
  // "previously used with a PaymentIntent without Customer attachment … may not be used again".
  if (!owner && !saveForLater) await consumePaymentMethod(t, ctx, pmRow);

  if (!saved && (offSession || p.error_on_requires_action)) {
    // The customer would have to authorize on Amazon Pay's page, and is not there.
    const error = paymentError(
      'card_error',
      {
        code: 'authentication_required',
        message: 'This payment requires the customer to authorize it with Amazon Pay, which cannot happen off-session. Bring the customer back on-session to confirm it with a return_url.',
        decline_code: 'authentication_required',
      },
      pmRow.data,
    );
    const pi = await failAttempt(t, ctx, row, d, error, 402);
    return { pi, reference: attempt.reference, op: null };
  }
  if (!saved && !returnUrl) throw errors.returnUrlRequired('PaymentIntent', type);

  const op = saved
    ? await enqueueOperation(t, ctx, OP.charge, d.data.id, { reference: attempt.reference, paymentMethodType: type, agreementId: attempt.agreementId, amount: attempt.amount, currency: attempt.currency, capture: attempt.capture })
    : await enqueueOperation(t, ctx, OP.openCheckout, d.data.id, { reference: attempt.reference, paymentMethodType: type, amount: attempt.amount, currency: attempt.currency, capture: attempt.capture, recurring: saveForLater });
  d.internal.operation = { id: op.id, kind: op.kind };
  await savePaymentIntent(t, ctx, row, d.data, d.internal);
  return { pi: d.data, reference: attempt.reference, op };
}

/** The mandate to charge: the one named by `mandate`, or the method's active multi-use mandate. */
async function mandateFor(t: Sql, ctx: CallContext, pmId: string, mandateId: string | undefined) {
  if (!mandateId) return findActiveMandate(t, ctx, pmId);
  const m = await getObject<Stripe.Mandate, MandateInternal>(t, ctx.scope, 'mandate', mandateId);
  if (!m) throw errors.resourceMissing('mandate', mandateId, 'mandate', 400);
  if (m.data.status !== 'active' || m.data.payment_method !== pmId) throw errors.mandateNotForPaymentMethod(mandateId);
  return m;
}

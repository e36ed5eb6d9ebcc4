import type Stripe from 'stripe';
import type { CustomerAcceptance } from '../mandates/mandate.js';
import type { ApiErrorBody } from '../../errors/api-error.js';
import type { TypeSelection } from './payment-method-types.js';

/**
 * A PaymentIntent's wire object is `Stripe.PaymentIntent`; what onfile needs besides it lives in
 * the row's internal part (never rendered): the payment method type selection, the current
 * attempt at the processor, and the operation in flight.
 */
export interface PaymentIntentInternal {
  selection: TypeSelection;
  /** Number of confirm attempts so far (names the next attempt's processor reference). */
  attempts: number;
  attempt: PaymentAttempt | null;
  /** The latest attempt's result, for the request that is waiting on it. */
  outcome: AttemptOutcome | null;
  /** A connector call in flight (the intent shows `processing` meanwhile). */
  operation: { id: string; kind: string } | null;
}

/** One try at the processor: a redirect the customer answers, or a merchant-initiated charge. */
export interface PaymentAttempt {
  /** onfile's reference at the processor (idempotency key of its calls). */
  reference: string;
  kind: 'redirect' | 'merchant_initiated';
  paymentMethodId: string;
  paymentMethodType: string;
  amount: number;
  currency: string;
  /** false: authorize only (manual capture). */
  capture: boolean;
  /** The method is saved for off-session reuse when the attempt succeeds. */
  saveForLater: boolean;
  acceptance: CustomerAcceptance | null;
  returnUrl: string | null;
  /** Merchant-initiated: the mandate charged and its processor agreement. */
  mandateId: string | null;
  agreementId: string | null;
  checkoutSessionId: string | null;
  /** Redirect: the hosted page session of this attempt. */
  redirectTokenHash: string | null;
}

export interface AttemptOutcome {
  reference: string;
  /** What the waiting request answers: the intent (ok) or an error (402 decline, 400 refusal). */
  kind: 'ok' | 'declined' | 'refused';
  error: ApiErrorBody | null;
  status: number;
}

export type CaptureMethod = Stripe.PaymentIntent.CaptureMethod;
export type SetupFutureUsage = 'off_session' | 'on_session';

export interface AmazonPayOptions {
  capture_method?: 'manual';
  setup_future_usage?: 'none' | 'off_session';
}

/**
 * The method-specific option overrides the top-level one for that type
 * (https://docs.stripe.com/api/payment_intents/create#create_payment_intent-payment_method_options-amazon_pay-capture_method).
 */
export function effectiveCapture(pi: Pick<Stripe.PaymentIntent, 'capture_method' | 'payment_method_options'>, type: string): boolean {
  const pmo = optionsFor(pi, type);
  if (pmo.capture_method === 'manual') return false;
  return pi.capture_method !== 'manual';
}

export function effectiveSetupFutureUsage(pi: Pick<Stripe.PaymentIntent, 'setup_future_usage' | 'payment_method_options'>, type: string): SetupFutureUsage | null {
  const pmo = optionsFor(pi, type);
  if (pmo.setup_future_usage === 'none') return null;
  if (pmo.setup_future_usage === 'off_session') return 'off_session';
  return (pi.setup_future_usage as SetupFutureUsage | null) ?? null;
}

function optionsFor(pi: Pick<Stripe.PaymentIntent, 'payment_method_options'>, type: string): AmazonPayOptions {
  const all = (pi.payment_method_options ?? {}) as Record<string, AmazonPayOptions | undefined>;
  return all[type] ?? {};
}

/**
 * `payment_method_options`: a hash per offered type, echoing only the options that were set. Live
 * PaymentIntents (2025–2026 bodies) also show Amazon Pay's `express_checkout_element_session_id`,
 * null unless the Express Checkout Element made the payment; the SDK's types do not declare it yet.
 */
export function renderOptions(types: readonly string[], stored: Record<string, AmazonPayOptions>): Stripe.PaymentIntent.PaymentMethodOptions {
  const out: Record<string, AmazonPayOptions & { express_checkout_element_session_id?: null }> = {};
  for (const t of types) out[t] = t === 'amazon_pay' ? { express_checkout_element_session_id: null, ...(stored[t] ?? {}) } : { ...(stored[t] ?? {}) };
  return out as Stripe.PaymentIntent.PaymentMethodOptions;
}

/**
 * What a publishable key sees of a PaymentIntent (wire.md §1.1): the fields Stripe.js needs to
 * drive the payment; customer, metadata and the rest stay hidden.
 */
const CLIENT_FIELDS = [
  'id', 'object', 'amount', 'amount_details', 'automatic_payment_methods', 'canceled_at', 'cancellation_reason', 'capture_method',
  'client_secret', 'confirmation_method', 'created', 'currency', 'description', 'excluded_payment_method_types', 'last_payment_error',
  'livemode', 'next_action', 'payment_method', 'payment_method_configuration_details', 'payment_method_types', 'processing',
  'receipt_email', 'setup_future_usage', 'shipping', 'status',
] as const;

export function clientView(pi: Stripe.PaymentIntent): Partial<Stripe.PaymentIntent> {
  const out: Record<string, unknown> = {};
  for (const k of CLIENT_FIELDS) if (k in pi) out[k] = (pi as unknown as Record<string, unknown>)[k];
  const lpe = out.last_payment_error as Record<string, unknown> | null | undefined;
  // The error embeds the intent's payment method; its metadata is as private as the intent's.
  if (lpe?.payment_method && typeof lpe.payment_method === 'object') out.last_payment_error = { ...lpe, payment_method: { ...(lpe.payment_method as object), metadata: {} } };
  return out as Partial<Stripe.PaymentIntent>;
}

/**
 * The PaymentIntent state machine (https://docs.stripe.com/payments/paymentintents/lifecycle,
 * flows.md §3) as one allow-list: each trigger names the statuses it may start from and where it
 * leads. Pure: services ask `transition` and persist what it answers.
 *
 *   requires_payment_method ─set PM─▶ requires_confirmation ─confirm─▶ processing
 *   processing ─redirect ready─▶ requires_action ─customer answered─▶ processing
 *   processing ─captured─▶ succeeded │ ─authorized─▶ requires_capture │ ─failed─▶ requires_payment_method
 *   requires_capture ─capture─▶ processing ─captured─▶ succeeded
 *   requires_capture ─release─▶ processing ─released─▶ canceled
 *   requires_payment_method │ requires_confirmation │ requires_action ─cancel─▶ canceled
 *
 * `processing` is onfile's visible "waiting on the processor" between two transactions (STYLE.md):
 * while it lasts, a second confirm, capture or cancel is refused instead of racing the first.
 */
export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

export type PaymentIntentTrigger =
  | 'update'
  | 'set_payment_method'
  | 'confirm'
  | 'redirect_ready'
  | 'customer_answered'
  | 'succeed'
  | 'authorize'
  | 'fail'
  | 'capture'
  | 'capture_refused'
  | 'cancel'
  | 'release'
  | 'released';

const OPEN: readonly PaymentIntentStatus[] = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export const TRANSITIONS: Readonly<Record<PaymentIntentTrigger, { from: readonly PaymentIntentStatus[]; to: PaymentIntentStatus | 'unchanged' }>> = {
  update: { from: OPEN, to: 'unchanged' },
  set_payment_method: { from: OPEN, to: 'requires_confirmation' },
  confirm: { from: OPEN, to: 'processing' },
  redirect_ready: { from: ['processing'], to: 'requires_action' },
  customer_answered: { from: ['requires_action'], to: 'processing' },
  succeed: { from: ['processing'], to: 'succeeded' },
  authorize: { from: ['processing'], to: 'requires_capture' },
  fail: { from: ['processing'], to: 'requires_payment_method' },
  capture: { from: ['requires_capture'], to: 'processing' },
  capture_refused: { from: ['processing'], to: 'requires_capture' },
  // An uncaptured authorization is released at the processor first (release → released).
  cancel: { from: [...OPEN, 'requires_capture'], to: 'canceled' },
  release: { from: ['requires_capture'], to: 'processing' },
  released: { from: ['processing'], to: 'canceled' },
};

/** Fields that can change whatever the status (https://docs.stripe.com/api/payment_intents/update). */
export const ALWAYS_UPDATABLE = ['description', 'metadata', 'receipt_email', 'shipping'] as const;
/** Fields that may still change while an authorization waits for capture. */
export const UPDATABLE_UNTIL_CAPTURE = ['statement_descriptor', 'statement_descriptor_suffix'] as const;

export type TransitionResult = { ok: true; to: PaymentIntentStatus } | { ok: false; message: string };

/** Where `trigger` leads from `status`, or Stripe's wording for why it may not happen. */
export function transition(
  status: PaymentIntentStatus,
  trigger: PaymentIntentTrigger,
  opts: { hasPaymentMethod?: boolean; customer?: string | null; field?: string } = {},
): TransitionResult {
  const rule = TRANSITIONS[trigger];
  if (!rule.from.includes(status)) return { ok: false, message: wrongStateMessage(status, trigger, rule.from, opts.field) };
  if (trigger === 'confirm' && !opts.hasPaymentMethod) return { ok: false, message: missingPaymentMethodMessage(opts.customer ?? null) };
  return { ok: true, to: rule.to === 'unchanged' ? status : rule.to };
}

function missingPaymentMethodMessage(customer: string | null): string {
  const base = "You cannot confirm this PaymentIntent because it's missing a payment method.";
  if (customer) return `${base} To confirm the PaymentIntent with ${customer}, specify a payment method attached to this customer along with the customer ID.`;
  return `${base} You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.`;
}

/** As Stripe's refusal to cancel lists them (an error body recorded at 2026-08-26.dahlia). */
const STRIPE_CANCELABLE = 'requires_payment_method, requires_capture, requires_reauthorization, requires_confirmation, requires_action, expired, processing';

/** Stripe's messages for calls in the wrong state (flows.md §3; public error bodies). */
function wrongStateMessage(status: PaymentIntentStatus, trigger: PaymentIntentTrigger, from: readonly PaymentIntentStatus[], field?: string): string {
  const list = from.join(', ');
  switch (trigger) {
    case 'confirm':
      if (status === 'succeeded') return 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.';
      return `You cannot confirm this PaymentIntent because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${list}.`;
    case 'capture':
      // Recorded for a PaymentIntent that succeeded (captured automatically, or captured in part).
      if (status === 'succeeded') return 'The remaining amount on this PaymentIntent could not be captured because the remainder of the authorized amount has been released.';
      return `This PaymentIntent could not be captured because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be captured: ${list}.`;
    case 'cancel':
    case 'release':
      // Stripe's list is fixed, wider than onfile's allow-list: it names statuses onfile never
      // reaches (requires_reauthorization) or never cancels from (processing, onfile's wait).
      return `You cannot cancel this PaymentIntent because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be canceled: ${STRIPE_CANCELABLE}.`;
    case 'update':
    case 'set_payment_method': {
      const f = field ?? (trigger === 'set_payment_method' ? 'payment_method' : 'amount');
      return `This PaymentIntent's ${f} could not be updated because it has a status of ${status}. You may only update the ${f} of a PaymentIntent with one of the following statuses: ${list}.`;
    }
    default:
      return `This PaymentIntent cannot move on because it has a status of ${status}.`;
  }
}

import { orList } from '../../lib/words.js';

/**
 * The SetupIntent state machine (https://docs.stripe.com/payments/setupintents/lifecycle,
 * flows.md §2) as one allow-list: each trigger names the statuses it may start from and where it
 * leads. Pure: services ask `transition` and persist what it answers.
 *
 *   requires_payment_method ─update(PM)─▶ requires_confirmation ─confirm─▶ processing
 *   processing ─redirect ready─▶ requires_action ─customer answered─▶ processing
 *   processing ─succeeded─▶ succeeded │ ─failed─▶ requires_payment_method
 *   requires_payment_method │ requires_confirmation │ requires_action ─cancel─▶ canceled
 *
 * `processing` is onfile's visible "waiting on the processor" between two transactions (STYLE.md).
 */
export type SetupIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';

export type SetupIntentTrigger =
  | 'update'
  | 'set_payment_method'
  | 'confirm'
  | 'redirect_ready'
  | 'customer_answered'
  | 'succeed'
  | 'fail'
  | 'cancel';

const OPEN: readonly SetupIntentStatus[] = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export const TRANSITIONS: Readonly<Record<SetupIntentTrigger, { from: readonly SetupIntentStatus[]; to: SetupIntentStatus | 'unchanged' }>> = {
  update: { from: OPEN, to: 'unchanged' },
  set_payment_method: { from: OPEN, to: 'requires_confirmation' },
  confirm: { from: OPEN, to: 'processing' },
  redirect_ready: { from: ['processing'], to: 'requires_action' },
  customer_answered: { from: ['requires_action'], to: 'processing' },
  succeed: { from: ['processing'], to: 'succeeded' },
  fail: { from: ['processing'], to: 'requires_payment_method' },
  cancel: { from: OPEN, to: 'canceled' },
};

/** Fields an update may change whatever the status (a succeeded SetupIntent's too, as recorded). */
export const ALWAYS_UPDATABLE = ['description', 'metadata'] as const;

export type TransitionResult = { ok: true; to: SetupIntentStatus } | { ok: false; message: string };

/** Where `trigger` leads from `status`, or Stripe's wording for why it may not happen. */
export function transition(status: SetupIntentStatus, trigger: SetupIntentTrigger, opts: { hasPaymentMethod?: boolean } = {}): TransitionResult {
  const rule = TRANSITIONS[trigger];
  // Recorded at 2026-08-26.dahlia: a confirmation without a payment method is refused for that before
  // its status is looked at (a canceled SetupIntent without one answers this, not "has been canceled").
  if (trigger === 'confirm' && !opts.hasPaymentMethod) {
    return {
      ok: false,
      message:
        "You cannot confirm this SetupIntent because it's missing a payment method. You can either update the SetupIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
    };
  }
  if (!rule.from.includes(status)) return { ok: false, message: wrongStateMessage(status, trigger, rule.from) };
  return { ok: true, to: rule.to === 'unchanged' ? status : rule.to };
}

const VERB: Record<SetupIntentTrigger, string> = {
  update: 'update',
  set_payment_method: 'update',
  confirm: 'confirm',
  redirect_ready: 'continue',
  customer_answered: 'complete',
  succeed: 'complete',
  fail: 'complete',
  cancel: 'cancel',
};

const PAST: Record<string, string> = { update: 'updated', confirm: 'confirmed', cancel: 'canceled', continue: 'continued', complete: 'completed' };

/** Stripe's wording, as recorded at 2026-08-26.dahlia for confirm, update and cancel. */
function wrongStateMessage(status: SetupIntentStatus, trigger: SetupIntentTrigger, from: readonly SetupIntentStatus[]): string {
  const verb = VERB[trigger];
  if (status === 'succeeded' && verb !== 'cancel') return `You cannot ${verb} this SetupIntent because it has already succeeded.`;
  if (status === 'canceled') return verb === 'cancel' ? 'You cannot cancel this SetupIntent because it is already canceled.' : `You cannot ${verb} this SetupIntent because it has been canceled.`;
  return `You cannot ${verb} this SetupIntent because it has a status of ${status}. Only a SetupIntent with one of the following statuses may be ${PAST[verb]}: ${orList(from.map((x) => `\`${x}\``))}.`;
}


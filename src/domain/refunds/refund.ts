import type Stripe from 'stripe';

/**
 * Refunds (https://docs.stripe.com/api/refunds/object). Amazon Pay refunds are asynchronous:
 * created `pending`, then `succeeded` (or `failed`, the money going back to the balance). Row
 * columns: parent = Charge, lookup = PaymentIntent, customer = owner.
 */
export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

export interface RefundInternal {
  /** The processor's refund, once it accepted the request. */
  connectorRefundId: string | null;
  connectorChargeId: string;
  paymentMethodType: string;
}

export const REFUND_TRANSITIONS: Readonly<Record<'succeed' | 'fail' | 'cancel', readonly RefundStatus[]>> = {
  succeed: ['pending'],
  fail: ['pending'],
  // "You can only cancel a refund that has a status of requires_action" (never the case for Amazon Pay).
  cancel: ['requires_action'],
};

export function canRefund(status: RefundStatus, action: keyof typeof REFUND_TRANSITIONS): boolean {
  return REFUND_TRANSITIONS[action].includes(status);
}

export interface NewRefundInput {
  id: string;
  created: number;
  amount: number;
  charge: Stripe.Charge;
  customerAccount: string | null;
  reason: Stripe.Refund.Reason | null;
  metadata: Record<string, string>;
  balanceTransaction: string;
}

export function newRefund(input: NewRefundInput): Stripe.Refund {
  const c = input.charge;
  const type = c.payment_method_details?.type ?? 'amazon_pay';
  return {
    id: input.id,
    object: 'refund',
    amount: input.amount,
    balance_transaction: input.balanceTransaction,
    charge: c.id,
    created: input.created,
    currency: c.currency,
    customer: typeof c.customer === 'string' ? c.customer : (c.customer?.id ?? null),
    customer_account: input.customerAccount,
    destination_details: { type, [type]: {} } as Stripe.Refund.DestinationDetails,
    metadata: input.metadata,
    payment_intent: typeof c.payment_intent === 'string' ? c.payment_intent : (c.payment_intent?.id ?? null),
    payment_method: c.payment_method,
    pending_reason: 'processing',
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'pending',
    transfer_reversal: null,
  };
}

export function settledRefund(r: Stripe.Refund, outcome: 'succeeded' | 'failed', failure?: { balanceTransaction: string; reason: string }): Stripe.Refund {
  const next: Stripe.Refund = { ...r, status: outcome };
  delete next.pending_reason;
  if (outcome === 'failed' && failure) {
    next.failure_balance_transaction = failure.balanceTransaction;
    next.failure_reason = failure.reason;
  }
  return next;
}

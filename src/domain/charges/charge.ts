import type Stripe from 'stripe';
import type { ChargeResult, ConnectorFailure } from '../../connectors/connector.js';

/**
 * A Charge records one payment attempt's money movement (https://docs.stripe.com/api/charges/object):
 * created when the processor authorized or declined, captured later for manual capture, and
 * refunded in part or whole. Row columns: customer = owner (cus_/acct_), parent = PaymentIntent,
 * lookup = status.
 */
export interface ChargeInternal {
  /** The processor's charge, for capture, release and refunds. */
  connectorChargeId: string;
  paymentMethodType: string;
}

export interface NewChargeInput {
  id: string;
  created: number;
  livemode: boolean;
  paymentIntent: Stripe.PaymentIntent;
  paymentMethod: Stripe.PaymentMethod;
  result: ChargeResult;
  balanceTransaction: string | null;
  calculatedStatementDescriptor: string;
  /** Where the customer would see the receipt (hosted/receipts.ts); a declined attempt has none. */
  receiptUrl: string;
}

const EMPTY_OUTCOME = { advice_code: null, network_advice_code: null, network_decline_code: null, reason: null, risk_level: 'not_assessed' } as const;

export function succeededOutcome(): Stripe.Charge.Outcome {
  return { ...EMPTY_OUTCOME, network_status: 'approved_by_network', seller_message: 'Payment complete.', type: 'authorized' };
}

export function declinedOutcome(failure: ConnectorFailure): Stripe.Charge.Outcome {
  return {
    ...EMPTY_OUTCOME,
    network_status: 'declined_by_network',
    reason: failure.decline_code ?? 'generic_decline',
    seller_message: 'The payment method provider declined the payment.',
    type: 'issuer_declined',
  };
}

/** The Charge of an attempt the processor answered: authorized, captured or declined. */
export function newCharge(input: NewChargeInput): Stripe.Charge {
  const { result, paymentIntent: pi, paymentMethod: pm } = input;
  const declined = result.status === 'declined';
  const captured = result.status === 'captured';
  const amazonPay: Stripe.Charge.PaymentMethodDetails.AmazonPay = { transaction_id: declined ? null : result.transactionId };
  if (result.funding) amazonPay.funding = { type: result.funding.type, card: { ...result.funding.card } };
  return {
    id: input.id,
    object: 'charge',
    amount: result.amount,
    amount_captured: captured ? result.capturedAmount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: captured ? input.balanceTransaction : null,
    billing_details: pm.billing_details as Stripe.Charge.BillingDetails,
    calculated_statement_descriptor: input.calculatedStatementDescriptor,
    captured,
    created: input.created,
    currency: result.currency,
    customer: typeof pi.customer === 'string' ? pi.customer : (pi.customer?.id ?? null),
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: declined ? (result.failure?.code ?? 'payment_method_provider_decline') : null,
    failure_message: declined ? (result.failure?.message ?? 'The payment was declined.') : null,
    fraud_details: {},
    livemode: input.livemode,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: declined ? declinedOutcome(result.failure ?? { code: 'payment_method_provider_decline', message: 'declined', processorReason: 'unknown' }) : succeededOutcome(),
    paid: !declined,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: { type: pm.type, [pm.type]: amazonPay } as Stripe.Charge.PaymentMethodDetails,
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: declined ? null : input.receiptUrl,
    refunded: false,
    review: null,
    shipping: pi.shipping as Stripe.Charge.Shipping | null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: null,
    status: declined ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: pi.transfer_group,
  };
}

/**
 * Manual capture of `amount` (https://docs.stripe.com/payments/place-a-hold-on-a-payment-method):
 * the uncaptured remainder is released and counted in `amount_refunded`.
 */
export function capturedCharge(c: Stripe.Charge, amount: number, balanceTransaction: string): Stripe.Charge {
  const released = c.amount - amount;
  return { ...c, captured: true, amount_captured: amount, amount_refunded: c.amount_refunded + released, balance_transaction: balanceTransaction, refunded: c.amount_refunded + released >= c.amount };
}

/** Canceling an uncaptured payment releases the whole authorization. */
export function releasedCharge(c: Stripe.Charge): Stripe.Charge {
  return { ...c, amount_refunded: c.amount, refunded: true };
}

/** What can still be refunded: the captured amount minus refunds that did not fail. */
export function refundableAmount(c: Stripe.Charge): number {
  const releasedOnCapture = c.amount - c.amount_captured;
  return c.amount_captured - (c.amount_refunded - releasedOnCapture);
}

/** Refund bookkeeping: `delta` added (new refund) or given back (failed refund). */
export function withRefunded(c: Stripe.Charge, delta: number): Stripe.Charge {
  const amountRefunded = c.amount_refunded + delta;
  return { ...c, amount_refunded: amountRefunded, refunded: amountRefunded >= c.amount };
}

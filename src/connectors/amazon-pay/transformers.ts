import type {
  AttemptStatus,
  ChargePermissionResult,
  ChargePermissionStatus,
  ChargeResult,
  ChargeStatus,
  CheckoutSessionResult,
  ConnectorFailure,
  RefundResult,
  RefundStatus,
} from '../connector.js';
import type {
  ChargePermissionState,
  ChargeReason,
  ChargeState,
  CheckoutSessionReason,
  CheckoutSessionState,
  RefundState,
  SimCharge,
  SimChargePermission,
  SimCheckoutSession,
  SimRefund,
} from './simulator.js';

/**
 * Amazon Pay states → onfile's statuses. Every `switch` is exhaustive (the `never` default makes
 * the compiler flag a state added to the simulator but not mapped here).
 */
function unreachable(x: never): never {
  throw new Error(`unmapped Amazon Pay state ${String(x)}`);
}

export function checkoutSessionStatus(state: CheckoutSessionState): AttemptStatus {
  switch (state) {
    case 'Open':
      return 'requires_action';
    case 'Completed':
      return 'succeeded';
    case 'Canceled':
      return 'failed';
    default:
      return unreachable(state);
  }
}

/**
 * The buyer did not approve: Stripe reports a redirect that did not authorize as an
 * authentication failure of the attempt (https://docs.stripe.com/error-codes).
 */
export function checkoutSessionFailure(reason: CheckoutSessionReason, purpose: 'setup' | 'payment'): ConnectorFailure {
  const code = purpose === 'setup' ? 'setup_intent_authentication_failure' : 'payment_intent_authentication_failure';
  const message =
    purpose === 'setup'
      ? 'The latest attempt to set up the payment method has failed because authentication failed.'
      : 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';
  switch (reason) {
    case 'BuyerCanceled':
    case 'Declined':
    case 'Expired':
    case 'AmazonCanceled':
      return { code, message, processorReason: reason };
    default:
      return unreachable(reason);
  }
}

export function chargePermissionStatus(state: ChargePermissionState): ChargePermissionStatus {
  switch (state) {
    case 'Chargeable':
      return 'chargeable';
    case 'NonChargeable':
      return 'non_chargeable';
    case 'Closed':
      return 'closed';
    default:
      return unreachable(state);
  }
}

export function chargeStatus(state: ChargeState): ChargeStatus {
  switch (state) {
    case 'AuthorizationInitiated':
    case 'CaptureInitiated':
      return 'pending';
    case 'Authorized':
      return 'authorized';
    case 'Captured':
      return 'captured';
    case 'Canceled':
      return 'canceled';
    case 'Declined':
      return 'declined';
    default:
      return unreachable(state);
  }
}

/** A refused merchant-initiated charge: Stripe's generic provider decline for wallets. */
export function chargeFailure(reason: ChargeReason | null): ConnectorFailure | null {
  if (reason === null) return null;
  switch (reason) {
    case 'SoftDeclined':
    case 'HardDeclined':
    case 'AmazonRejected':
    case 'ChargePermissionClosed':
      return { code: 'payment_method_provider_decline', message: 'The payment was declined by the payment method provider.', processorReason: reason };
    case 'ProcessingFailure':
    case 'TransactionTimedOut':
      return { code: 'processing_error', message: 'An error occurred while processing the payment. Try again later.', processorReason: reason };
    case 'ExpiredUnused':
    case 'MerchantCanceled':
      return null;
    default:
      return unreachable(reason);
  }
}

export function refundStatus(state: RefundState): RefundStatus {
  switch (state) {
    case 'RefundInitiated':
      return 'pending';
    case 'Refunded':
      return 'succeeded';
    case 'Declined':
      return 'failed';
    default:
      return unreachable(state);
  }
}

// Test-mode funding source behind the simulated wallet (Charge.payment_method_details.amazon_pay.funding).
const SIMULATED_FUNDING: ChargeResult['funding'] = {
  type: 'card',
  card: { brand: 'visa', country: 'US', exp_month: 12, exp_year: 2034, funding: 'credit', last4: '4242' },
};

export function toCharge(c: SimCharge): ChargeResult {
  const status = chargeStatus(c.statusDetails.state);
  return {
    chargeId: c.chargeId,
    reference: c.merchantReferenceId,
    chargePermissionId: c.chargePermissionId,
    status,
    amount: c.chargeAmount.amount,
    capturedAmount: c.captureAmount?.amount ?? 0,
    currency: c.chargeAmount.currencyCode.toLowerCase(),
    transactionId: c.chargeId,
    funding: status === 'declined' ? null : SIMULATED_FUNDING,
    failure: status === 'declined' ? chargeFailure(c.statusDetails.reasonCode) : null,
  };
}

export function toCheckoutSession(s: SimCheckoutSession, charge: SimCharge | undefined): CheckoutSessionResult {
  const status = checkoutSessionStatus(s.statusDetails.state);
  const purpose = s.paymentIntent === 'Confirm' ? 'setup' : 'payment';
  return {
    checkoutSessionId: s.checkoutSessionId,
    reference: s.merchantReferenceId,
    status,
    chargePermissionId: s.chargePermissionId,
    charge: charge ? toCharge(charge) : null,
    failure: status === 'failed' ? checkoutSessionFailure(s.statusDetails.reasonCode ?? 'Declined', purpose) : null,
  };
}

export function toChargePermission(p: SimChargePermission): ChargePermissionResult {
  return { chargePermissionId: p.chargePermissionId, status: chargePermissionStatus(p.statusDetails.state), recurring: p.chargePermissionType === 'Recurring' };
}

export function toRefund(r: SimRefund): RefundResult {
  const status = refundStatus(r.statusDetails.state);
  return {
    refundId: r.refundId,
    reference: r.merchantReferenceId,
    chargeId: r.chargeId,
    status,
    amount: r.refundAmount.amount,
    failure: status === 'failed' ? { code: 'refund_failed', message: 'The refund was declined by the payment method provider.', processorReason: r.statusDetails.reasonCode ?? 'Declined' } : null,
  };
}

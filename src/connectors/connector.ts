import type { Scope } from '../storage/repos/objects.js';

/**
 * The processor behind a payment method type, in the vocabulary of a wallet that authorizes by
 * redirect and then charges against a standing agreement (Amazon Pay's own model):
 *
 *   checkout session ──buyer approves on the redirect page──▶ completed
 *        └─▶ charge permission (the reusable agreement a Mandate stands for)
 *               └─▶ charges (authorize, capture, cancel) ─▶ refunds
 *   close charge permission = the buyer's agreement is revoked (PaymentMethod detached)
 *
 * Every call is idempotent per `reference` (onfile's own id for the attempt, charge or refund),
 * so a call retried after a crash finds what the first one did instead of doing it twice; the
 * `get*` / `find*` lookups let the reconciler ask what happened. Results are already translated
 * into onfile's statuses: nothing outside a connector folder knows processor states or ids.
 * Connectors are called outside any database transaction.
 */
export interface PaymentConnector {
  /** The PaymentMethod type this connector processes (`amazon_pay`). */
  readonly paymentMethodType: string;
  /** The customer approves on a redirect page (the intent needs a return_url). */
  readonly requiresRedirect: boolean;
  /** Whether merchants of this account country can offer the method. */
  supportsAccountCountry(country: string): boolean;
  /** Whether a payment in `currency` is possible for a merchant of `country`. */
  supportsCurrency(country: string, currency: string): boolean;

  /** Starts a buyer authorization. The intent waits in `requires_action` while it is open. */
  createCheckoutSession(scope: Scope, input: CreateCheckoutSessionInput): Promise<CheckoutSessionResult>;
  /**
   * Applies the buyer's answer from the redirect page and completes the session: on approval the
   * charge permission exists (and, for a payment, the first charge). Completing twice returns the
   * first result.
   */
  completeCheckoutSession(scope: Scope, input: CompleteCheckoutSessionInput): Promise<CheckoutSessionResult>;
  getCheckoutSession(scope: Scope, checkoutSessionId: string): Promise<CheckoutSessionResult | undefined>;
  findCheckoutSession(scope: Scope, reference: string): Promise<CheckoutSessionResult | undefined>;

  getChargePermission(scope: Scope, chargePermissionId: string): Promise<ChargePermissionResult | undefined>;
  /** Revokes the agreement; later charges against it are refused. Idempotent. */
  closeChargePermission(scope: Scope, input: { chargePermissionId: string; reason: string }): Promise<ChargePermissionResult>;

  /** A merchant-initiated charge against a charge permission (off-session payments). */
  createCharge(scope: Scope, input: CreateChargeInput): Promise<ChargeResult>;
  captureCharge(scope: Scope, input: { chargeId: string; amount: number; reference: string }): Promise<ChargeResult>;
  /** Releases an uncaptured authorization. */
  cancelCharge(scope: Scope, input: { chargeId: string; reason: string }): Promise<ChargeResult>;
  getCharge(scope: Scope, chargeId: string): Promise<ChargeResult | undefined>;
  findCharge(scope: Scope, reference: string): Promise<ChargeResult | undefined>;

  createRefund(scope: Scope, input: { chargeId: string; amount: number; reference: string }): Promise<RefundResult>;
  getRefund(scope: Scope, refundId: string): Promise<RefundResult | undefined>;
  findRefund(scope: Scope, reference: string): Promise<RefundResult | undefined>;
  /**
   * Test mode only: the processor settles a pending refund now (Amazon Pay settles refunds on its
   * own schedule). A connector to a live processor leaves it out; its refunds settle when it says.
   */
  settleRefund?(scope: Scope, refundId: string, outcome?: 'succeeded' | 'failed'): Promise<RefundResult | undefined>;
}

/** What the customer chose on onfile's hosted authorization page (test mode). */
export type BuyerDecision = 'authorize' | 'fail' | 'authorize_decline_later';
export const BUYER_DECISIONS: readonly BuyerDecision[] = ['authorize', 'fail', 'authorize_decline_later'];

export interface CreateCheckoutSessionInput {
  /** onfile's id for this attempt (setatt_…, or the PaymentIntent attempt reference). */
  reference: string;
  /** `setup`: only an agreement is made; `payment`: the first charge is made on completion too. */
  purpose: 'setup' | 'payment';
  /** Whether the agreement may be charged again later without the buyer (off_session usage). */
  recurring: boolean;
  amount?: number;
  currency?: string;
  /** For `payment`: capture immediately, or only authorize (manual capture). */
  capture?: boolean;
}

export interface CompleteCheckoutSessionInput {
  checkoutSessionId: string;
  decision: BuyerDecision;
}

/** onfile's view of an attempt's progress at the processor. */
export type AttemptStatus = 'requires_action' | 'succeeded' | 'failed';

export interface ConnectorFailure {
  /** Stripe error code to report (`setup_intent_authentication_failure`, `payment_method_provider_decline`, …). */
  code: string;
  decline_code?: string;
  message: string;
  /** Processor's own reason, for logs and charge outcomes. */
  processorReason: string;
}

export interface CheckoutSessionResult {
  checkoutSessionId: string;
  reference: string;
  status: AttemptStatus;
  chargePermissionId: string | null;
  /** First charge, when the session was for a payment and the buyer approved. */
  charge: ChargeResult | null;
  failure: ConnectorFailure | null;
}

export type ChargePermissionStatus = 'chargeable' | 'non_chargeable' | 'closed';

export interface ChargePermissionResult {
  chargePermissionId: string;
  status: ChargePermissionStatus;
  recurring: boolean;
}

export interface CreateChargeInput {
  reference: string;
  chargePermissionId: string;
  amount: number;
  currency: string;
  /** true: authorize and capture; false: authorize only. */
  capture: boolean;
}

/** `authorized`: funds held (manual capture); `captured`: money moved; `declined`: refused. */
export type ChargeStatus = 'pending' | 'authorized' | 'captured' | 'declined' | 'canceled';

export interface ChargeResult {
  chargeId: string;
  reference: string;
  chargePermissionId: string;
  status: ChargeStatus;
  amount: number;
  capturedAmount: number;
  currency: string;
  /** The processor's transaction id (Charge.payment_method_details.amazon_pay.transaction_id). */
  transactionId: string;
  /** Funding behind the wallet, as Stripe exposes it (`funding.type: card`). */
  funding: { type: 'card'; card: { brand: string; country: string; exp_month: number; exp_year: number; funding: string; last4: string } } | null;
  failure: ConnectorFailure | null;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface RefundResult {
  refundId: string;
  reference: string;
  chargeId: string;
  status: RefundStatus;
  amount: number;
  failure: ConnectorFailure | null;
}

/** The processor could not do what was asked (unknown object, unreachable); the caller may retry later. */
export class ConnectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorError';
  }
}

// Public types of the browser library: the subset of @stripe/stripe-js that the Amazon Pay
// flow uses (shared/spec/client.md §2), plus this project's `apiHost` option.

/** Error `type` values Stripe.js can report (client.md §2.1). */
export type StripeErrorType =
  | 'api_connection_error'
  | 'api_error'
  | 'authentication_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'rate_limit_error'
  | 'validation_error';

/**
 * The `error` object of an API error body, passed through untouched; `type` is widened to
 * `string` because the server may add types this client does not know.
 */
export interface StripeError {
  type: StripeErrorType | (string & {});
  code?: string;
  decline_code?: string;
  doc_url?: string;
  message?: string;
  param?: string;
  request_log_url?: string;
  charge?: string;
  payment_intent?: PaymentIntent;
  payment_method?: PaymentMethod;
  setup_intent?: SetupIntent;
  source?: unknown;
}

export interface BillingDetails {
  address?: {
    city?: string | null;
    country?: string | null;
    line1?: string | null;
    line2?: string | null;
    postal_code?: string | null;
    state?: string | null;
  } | null;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
}

/** PaymentMethod as a publishable key sees it (only the fields the flow reads are typed). */
export interface PaymentMethod {
  id: string;
  object: 'payment_method';
  type: string;
  billing_details?: BillingDetails;
  created?: number;
  livemode?: boolean;
  amazon_pay?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface RedirectToUrlAction {
  type: 'redirect_to_url';
  redirect_to_url: { url: string; return_url: string | null };
}

/** Any other next_action (Amazon Pay only uses redirects; others are reported as errors). */
export interface OtherNextAction {
  type: string;
  [field: string]: unknown;
}

export type NextAction = RedirectToUrlAction | OtherNextAction;

/** Last error on an intent: same shape as StripeError minus the embedded intents. */
export type LastError = Omit<StripeError, 'payment_intent' | 'setup_intent'>;

/** SetupIntent fields returned to a publishable key (wire.md §1.1). */
export interface SetupIntent {
  id: string;
  object: 'setup_intent';
  cancellation_reason: string | null;
  client_secret: string | null;
  created: number;
  description: string | null;
  last_setup_error: LastError | null;
  livemode: boolean;
  next_action: NextAction | null;
  payment_method: string | PaymentMethod | null;
  payment_method_types: string[];
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'processing'
    | 'canceled'
    | 'succeeded';
  usage: string;
}

/** PaymentIntent fields returned to a publishable key (wire.md §1.1). */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  canceled_at: number | null;
  cancellation_reason: string | null;
  capture_method: string;
  client_secret: string | null;
  confirmation_method: string;
  created: number;
  currency: string;
  description: string | null;
  last_payment_error: LastError | null;
  livemode: boolean;
  next_action: NextAction | null;
  payment_method: string | PaymentMethod | null;
  payment_method_types: string[];
  receipt_email: string | null;
  setup_future_usage: 'off_session' | 'on_session' | null;
  shipping: Record<string, unknown> | null;
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'processing'
    | 'requires_capture'
    | 'canceled'
    | 'succeeded';
}

// Result unions mirror @stripe/stripe-js: exactly one of the two keys is set.
export type SetupIntentResult =
  | { setupIntent: SetupIntent; error?: undefined }
  | { setupIntent?: undefined; error: StripeError };

export type PaymentIntentResult =
  | { paymentIntent: PaymentIntent; error?: undefined }
  | { paymentIntent?: undefined; error: StripeError };

export type HandleNextActionResult = SetupIntentResult | PaymentIntentResult;

/** Online acceptance inferred by the API from the request's IP and User-Agent. */
export interface MandateData {
  customer_acceptance: {
    type: 'online' | 'offline';
    online?: { infer_from_client?: boolean; ip_address?: string; user_agent?: string };
    [field: string]: unknown;
  };
}

/** PaymentMethod-create fields a caller may give inline (the library sets `type`). */
export interface AmazonPayPaymentMethodData {
  billing_details?: BillingDetails;
  metadata?: Record<string, string>;
  [field: string]: unknown;
}

export interface ConfirmAmazonPaySetupData {
  return_url?: string;
  /** A `pm_…` id, or fields to create an Amazon Pay PaymentMethod inline. */
  payment_method?: string | AmazonPayPaymentMethodData;
  payment_method_data?: AmazonPayPaymentMethodData;
  mandate_data?: MandateData;
  expand?: string[];
  /** Other SetupIntent-confirm params are forwarded as given. */
  [param: string]: unknown;
}

export interface ConfirmAmazonPayPaymentData extends ConfirmAmazonPaySetupData {
  setup_future_usage?: 'off_session' | 'on_session' | '';
  payment_method_options?: { amazon_pay?: Record<string, unknown>; [type: string]: unknown };
  shipping?: Record<string, unknown>;
  receipt_email?: string;
}

export interface ConfirmOptions {
  /** Default true: perform a redirect next_action by navigating the window. */
  handleActions?: boolean;
}

export interface StripeConstructorOptions {
  stripeAccount?: string;
  apiVersion?: string;
  locale?: string;
  betas?: string[];
  developerTools?: unknown;
  /**
   * Not a Stripe option: the origin (optionally with a base path) of the onfile API, e.g.
   * `http://127.0.0.1:12111`. Default: the origin this script was loaded from.
   */
  apiHost?: string;
}

export interface StripeInstance {
  confirmAmazonPaySetup(
    clientSecret: string,
    data?: ConfirmAmazonPaySetupData,
    options?: ConfirmOptions,
  ): Promise<SetupIntentResult>;
  confirmAmazonPayPayment(
    clientSecret: string,
    data?: ConfirmAmazonPayPaymentData,
    options?: ConfirmOptions,
  ): Promise<PaymentIntentResult>;
  retrieveSetupIntent(clientSecret: string): Promise<SetupIntentResult>;
  retrievePaymentIntent(clientSecret: string): Promise<PaymentIntentResult>;
  handleNextAction(args: { clientSecret: string }): Promise<HandleNextActionResult>;
  /** Called by @stripe/stripe-js's loader when present; nothing to record here. */
  _registerWrapper(wrapper?: { name: string; version?: string | null; startTime?: number }): void;
}

export interface StripeConstructor {
  (publishableKey: string, options?: StripeConstructorOptions): StripeInstance;
  new (publishableKey: string, options?: StripeConstructorOptions): StripeInstance;
  /** Release train compared by the loader for pk_test keys (client.md §1). */
  readonly version: string;
}

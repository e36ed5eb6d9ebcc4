import { ApiError } from './api-error.js';
import { orList } from '../lib/words.js';

// One catalogue of the errors onfile emits, with Stripe's wording where it is documented.
const invalid = (status: number, message: string, code?: string, param?: string, extra?: Record<string, unknown>) =>
  new ApiError(status, 'invalid_request_error', message, code, param, extra);

export const errors = {
  noApiKey: () =>
    invalid(401, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."),
  invalidApiKey: (key: string) =>
    invalid(401, `Invalid API Key provided: ${maskKey(key)}`, 'api_key_invalid'),
  publishableKeyNotAllowed: () =>
    invalid(403, 'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.', 'secret_key_required'),
  unrecognizedUrl: (method: string, url: string) =>
    invalid(
      404,
      url.length > 1 && url.endsWith('/')
        ? `Unrecognized request URL (${method}: ${url}). If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code. Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`
        : `Unrecognized request URL (${method}: ${url}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    ),
  /** Recorded for PaymentIntents (a 2026 error body); SetupIntents by analogy. */
  clientSecretAsIntentId: (noun: 'PaymentIntent' | 'SetupIntent') =>
    invalid(404, `You passed a string that looks like a client secret as the ${noun} ID, but you must provide a valid ${noun} ID. Please use the value in the \`id\` field of the ${noun}.`, undefined, 'intent'),
  /** Several at once are named together, the first as `param` (Stripe: "Received unknown parameters: amount, currency"). */
  parameterUnknown: (param: string, ...more: string[]) =>
    invalid(400, more.length ? `Received unknown parameters: ${[param, ...more].join(', ')}` : `Received unknown parameter: ${param}`, 'parameter_unknown', param),
  parameterMissing: (param: string) => invalid(400, `Missing required param: ${param}.`, 'parameter_missing', param),
  parameterInvalidEmpty: (param: string) =>
    invalid(400, `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`, 'parameter_invalid_empty', param),
  parameterInvalidInteger: (param: string, value: string) => invalid(400, `Invalid integer: ${value}`, 'parameter_invalid_integer', param),
  /** A v1 integer outside its range (recorded for a refund's `amount` of 0: "This value must be greater than or equal to 1."). */
  integerOutOfRange: (param: string, bound: string) => invalid(400, `This value must be ${bound}.`, 'parameter_invalid_integer', param),
  // Recorded (2026-08-26.dahlia): no code, no param, Stripe's en dash.
  invoicePrefixInvalid: () => invalid(400, 'Invoice number prefix must be 1\u201312 uppercase letters or numbers.'),
  /** Recorded at 2026-08-26.dahlia, on create and on update: no code. */
  invoicePrefixTaken: (holder: string) =>
    invalid(400, `This invoice number prefix is taken by customer: ${holder}. Please enter a different prefix.`, undefined, 'invoice_prefix'),
  parameterInvalidBoolean: (param: string, value: string) =>
    invalid(400, `Invalid boolean: ${value}`, 'parameter_invalid_boolean', param),
  parameterInvalidStringEmpty: (param: string) =>
    invalid(400, `Invalid string: must be a non-empty string for ${param}`, 'parameter_invalid_string_empty', param),
  invalidString: (param: string, detail: string) => invalid(400, `Invalid ${param}: ${detail}`, undefined, param),
  invalidEnum: (param: string, allowed: readonly string[]) =>
    invalid(400, `Invalid ${param}: must be one of ${orList(allowed)}`, undefined, param),
  invalidHash: (param: string) => invalid(400, `Invalid object`, 'parameter_invalid_hash', param),
  invalidArray: (param: string) => invalid(400, `Invalid array`, 'parameter_invalid_array', param),
  stringTooLong: (param: string, max: number) =>
    invalid(400, `Invalid string: ${param} must be at most ${max} characters long`, 'string_too_long', param),
  parametersExclusive: (a: string, b: string) =>
    invalid(400, `You may only specify one of these parameters: ${a}, ${b}.`, 'parameters_exclusive', a),
  invalidRequest: (message: string, param?: string, code?: string) => invalid(400, message, code, param),
  formTooComplex: (detail: string) => invalid(400, `Invalid request body: ${detail}.`),
  // Stripe's answer to a v1 body of another type (reported for text/plain in stripe integrations' issues).
  unsupportedContentType: (type: string) =>
    invalid(400, `Invalid request: unsupported Content-Type ${type}. If error persists and you need assistance, please contact support@stripe.com.`),
  resourceMissing: (noun: string, id: string, param = 'id', status = 404) =>
    invalid(status, `No such ${noun}: '${id}'`, 'resource_missing', param),
  // Stripe answers an unknown Stripe-Version with exactly this text and no code.
  invalidApiVersion: (version: string) => invalid(400, `Invalid Stripe API version: ${version}`),
  idempotencyMismatch: (key: string) =>
    new ApiError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`),
  idempotencyKeyInUse: (key: string) =>
    new ApiError(409, 'idempotency_error', `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`, 'idempotency_key_in_use', undefined, {}, true),
  idempotencyKeyTooLong: () =>
    invalid(400, 'The Idempotency-Key header must be at most 255 characters long.', 'idempotency_key_invalid'),
  lockTimeout: () =>
    new ApiError(409, 'invalid_request_error', 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.', 'lock_timeout', undefined, {}, true),
  metadataTooManyKeys: () => invalid(400, 'Invalid metadata: metadata cannot have more than 50 keys', undefined, 'metadata'),
  metadataKeyTooLong: (key: string) =>
    invalid(400, `Invalid metadata: metadata keys must be at most 40 characters long (received '${key}')`, undefined, `metadata[${key}]`),
  metadataValueTooLong: (key: string) =>
    invalid(400, `Invalid metadata: metadata values must be at most 500 characters long`, undefined, `metadata[${key}]`),
  metadataKeyBrackets: (key: string) =>
    invalid(400, `Invalid metadata: metadata keys cannot contain '[' or ']'`, undefined, `metadata[${key}]`),
  // Both recorded at 2026-08-26.dahlia with a message alone (no code, no param).
  cannotExpand: (path: string) => invalid(400, `This property cannot be expanded (${path}).`),
  /** A list's path that does not start with `data.`: the first segment, and the hint. */
  cannotExpandOnList: (segment: string) =>
    invalid(400, `This property cannot be expanded (${segment}). You may want to try expanding 'data.${segment}' instead.`),
  /** As integrations quote Stripe's answer: code property_expansion_max_depth, no param. */
  expandTooDeep: (path: string) =>
    invalid(400, `You cannot expand more than 4 levels of a property. Property: ${path}`, 'property_expansion_max_depth'),
  /** Recorded at 2026-08-26.dahlia (no code, no param), once both cursors were found. */
  cursorsExclusive: () => invalid(400, 'Received both starting_after and ending_before parameters. Please pass in only one.'),
  // Events and webhook endpoints (https://docs.stripe.com/api/webhook_endpoints); wording of these three unverified.
  urlInvalid: (param: string, url: string) => invalid(400, `Invalid URL: ${url}. URLs must be absolute http or https URLs.`, 'url_invalid', param),
  webhookEndpointLimit: (max: number, livemode: boolean) =>
    invalid(400, `You have reached the maximum of ${max} ${livemode ? 'live' : 'test'} mode webhook endpoints for this account.`, undefined, 'url'),
  arrayTooLong: (param: string, max: number) => invalid(400, `Invalid ${param}: must contain at most ${max} elements`, undefined, param),
  // SetupIntents, PaymentMethods, Mandates (issue 3). Wording follows Stripe's messages where they
  // are quoted in public threads; entries marked (unverified) are our best rendering.
  intentUnexpectedState: (kind: 'SetupIntent' | 'PaymentIntent', message: string, intent: object) =>
    invalid(400, message, kind === 'SetupIntent' ? 'setup_intent_unexpected_state' : 'payment_intent_unexpected_state', undefined, {
      [kind === 'SetupIntent' ? 'setup_intent' : 'payment_intent']: intent,
    }),
  paymentMethodTypesNoLongerSupported: () =>
    invalid(400, 'The `payment_method_types` parameter is no longer supported on this API version. Use `allowed_payment_method_types`, `excluded_payment_method_types` or dynamic payment methods instead.', 'payment_method_types_no_longer_supported', 'payment_method_types'),
  paymentMethodTypeInvalid: (type: string, param: string) =>
    invalid(400, `The payment method type provided: ${type} is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings) and your account is enabled for any preview features that you are trying to use.`, undefined, param),
  /** onfile implements one processor so far; other types are refused instead of pretended (unverified wording). */
  paymentMethodTypeUnsupported: (type: string, param: string) =>
    invalid(400, `PaymentMethods of type ${type} are not supported by onfile; the supported type is amazon_pay.`, undefined, param),
  noCompatiblePaymentMethodTypes: (param: string) =>
    invalid(400, `None of the payment method types in ${param} are compatible with this account and intent.`, undefined, param),
  paymentMethodNotAllowed: (kind: 'SetupIntent' | 'PaymentIntent', pmType: string, allowed: readonly string[], param: string) =>
    invalid(400, `The PaymentMethod provided (${pmType}) is not allowed for this ${kind}. Please attach a PaymentMethod of one of the following types: ${allowed.join(', ')}. Alternatively update the allowed payment_method_types for this ${kind} to include "${pmType}".`, kind === 'SetupIntent' ? 'setup_intent_invalid_parameter' : 'payment_intent_invalid_parameter', param),
  returnUrlRequired: (kind: 'SetupIntent' | 'PaymentIntent', pmType: string) =>
    invalid(400, `You must provide a \`return_url\` when confirming a ${kind} with the payment method type ${pmType}.`, kind === 'SetupIntent' ? 'setup_intent_invalid_parameter' : 'payment_intent_invalid_parameter', 'return_url'),
  returnUrlInvalid: (param: string) => invalid(400, `Invalid URL: ${param} must be an absolute URL (e.g. https://example.com/complete).`, 'url_invalid', param),
  requiresConfirm: (kind: 'SetupIntent' | 'PaymentIntent', param: string) =>
    invalid(400, `The parameter ${param} cannot be passed when creating a ${kind} unless \`confirm\` is set to true.`, undefined, param),
  clientSecretMismatch: (kind: 'SetupIntent' | 'PaymentIntent') =>
    invalid(400, `The client_secret provided does not match the client_secret associated with the ${kind}.`, undefined, 'client_secret'),
  inferFromClientNeedsPublishableKey: (param: string) =>
    invalid(400, `${param} can only be used with a publishable key (Stripe.js). With a secret key, pass ip_address and user_agent of the customer instead.`, undefined, param),
  paymentMethodMayNotBeUsedAgain: (param = 'payment_method') =>
    invalid(400, 'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.', 'payment_method_unexpected_state', param),
  paymentMethodCannotAttach: () =>
    invalid(400, 'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.', 'payment_method_unexpected_state'),
  // Recorded (2026 error bodies): no param.
  attachNeedsOwner: () => invalid(400, 'Must provide customer or customer_account.', 'parameter_missing'),
  /** Message recorded (2026 error bodies); no code, param unverified. */
  attachDuringPaymentMethodCreation: () =>
    invalid(400, 'You cannot attach a PaymentMethod to a Customer during PaymentMethod creation. Please instead create the PaymentMethod and then attach it using the attachment method of the PaymentMethods API.', undefined, 'customer'),
  /** Recorded for a PaymentIntent of another customer (no code); SetupIntents and Accounts v2 owners by analogy. */
  paymentMethodOfOtherOwner: (pmId: string, owner: string, param: string) => {
    const noun = owner.startsWith('acct_') ? 'Account' : 'Customer';
    return invalid(400, `The PaymentMethod ${pmId} does not belong to the ${noun} you supplied ${owner}. Please use this PaymentMethod with the ${noun} that it belongs to instead.`, undefined, param);
  },
  /**
   * An intent without a customer given a customer's PaymentMethod. Recorded at 2026-08-26.dahlia,
   * each intent type its own way: a PaymentIntent's is `parameter_missing` under `param: source`, a
   * SetupIntent's has no code. Accounts v2 owners by analogy.
   */
  paymentMethodOfOwnerNotNamed: (kind: 'SetupIntent' | 'PaymentIntent', pmId: string, owner: string, param: string) => {
    const [noun, field] = owner.startsWith('acct_') ? ['Account', 'customer_account'] : ['Customer', 'customer'];
    return kind === 'PaymentIntent'
      ? invalid(400, `The \`payment_method\` parameter supplied ${pmId} belongs to the ${noun} ${owner}. Please include the ${noun} in the \`${field}\` parameter on the PaymentIntent.`, 'parameter_missing', 'source')
      : invalid(400, `The payment method supplied (${pmId}) belongs to the ${noun} ${owner}. Please include the ${noun} in the \`${field}\` parameter on the SetupIntent.`, undefined, param);
  },
  paymentMethodNotOwnedBy: (pmId: string, param: string) =>
    invalid(400, `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`, 'resource_missing', param),
  // Recorded (2026-08-26.dahlia) for GET /v1/customers/:customer/payment_methods/:id of another customer's method.
  paymentMethodOfAnotherCustomer: () => invalid(404, 'Invalid request', undefined, 'customer'),
  paymentMethodAlreadyAttached: () => invalid(400, 'The payment method you provided has already been attached to a customer.', undefined, 'customer'),
  paymentMethodNotAttached: () => invalid(400, 'The payment method you provided is not attached to a customer so detachment is impossible.'),
  paymentMethodUpdateNeedsCustomer: () => invalid(400, 'You must save this PaymentMethod to a customer before you can update it.'),
  // API v2 (JSON bodies): `null` is how a v2 request unsets a field; a field that cannot be unset refuses it.
  parameterInvalidNull: (param: string) =>
    invalid(400, `Invalid value for ${param}: null is not allowed here; omit the field instead.`, 'parameter_invalid_null', param),
  configurationNotSupported: (name: string, param: string) =>
    invalid(400, `The ${name} configuration requires a Connect platform, which onfile does not emulate; only the customer configuration is available.`, 'feature_not_enabled', param),
  accountTokenUnsupported: (token: string) => invalid(400, `No such token: '${token}'`, 'resource_missing', 'account_token'),
  accountClosed: (id: string) => invalid(400, `The account ${id} is closed and can no longer be updated.`, 'account_closed'),
  closeConfigurationsMismatch: (applied: readonly string[]) =>
    invalid(400, `All configurations on the Account must be passed in to close it. Pass applied_configurations: [${applied.map((a) => JSON.stringify(a)).join(', ')}].`, 'invalid_fields', 'applied_configurations'),
  destinationTypeNotSupported: (name: string, param: string) =>
    invalid(400, `onfile delivers event destinations of type webhook_endpoint only; ${name} needs a cloud account onfile does not emulate.`, 'feature_not_enabled', param),
  snapshotDestinationNotSupported: () =>
    invalid(400, 'onfile delivers thin events to event destinations; for snapshot events, create a webhook endpoint with POST /v1/webhook_endpoints.', 'feature_not_enabled', 'event_payload'),
  invalidEnabledEvent: (type: string, param: string) =>
    invalid(400, `Invalid ${param}: ${type} is not an event type an event destination with thin payloads can receive here.`, 'invalid_fields', param),
  invalidPageToken: () => invalid(400, 'Invalid page token: pass the next_page_url or previous_page_url of a previous list response unchanged.', 'invalid_fields', 'page'),
  // PaymentIntents, Charges, Refunds (issue 4). Stripe's wording where public error bodies quote it;
  // entries marked (unverified) are our best rendering.
  /** Recorded for a PaymentIntent's amount of 0 (2026 error bodies); the two spaces are Stripe's. */
  amountNotPositive: (param = 'amount') =>
    invalid(
      400,
      'The amount must be greater than or equal to the minimum charge amount allowed for your account and the currency set (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).  If you want to save a Payment Method for future use without an immediate payment, use a Setup Intent instead: https://docs.stripe.com/payments/setup-intents',
      'parameter_invalid_integer',
      param,
    ),
  amountTooSmall: (minimum: string, currency: string, param = 'amount') =>
    invalid(400, `Amount must be at least ${minimum} ${currency}`, 'amount_too_small', param),
  amountTooLarge: (maximum: string, param = 'amount') => invalid(400, `Amount must be no more than ${maximum}`, 'amount_too_large', param),
  invalidCurrency: (currency: string, param = 'currency') =>
    invalid(400, `Invalid currency: ${currency.toLowerCase()}. Stripe currently supports these currencies: see https://stripe.com/docs/currencies`, undefined, param),
  /** (unverified wording) */
  currencyNotSupportedByPaymentMethod: (currency: string, type: string) =>
    invalid(400, `The currency provided (${currency}) is invalid for the payment method type ${type} on this account. See https://docs.stripe.com/payments/${type.replace(/_/g, '-')} for the currencies it supports.`, 'payment_intent_invalid_parameter', 'currency'),
  /** (unverified wording) */
  setupFutureUsageNotSupported: (type: string, value: string) =>
    invalid(400, `The payment method type ${type} does not support setup_future_usage=${value}. Use off_session to save it for later payments.`, 'payment_intent_invalid_parameter', 'setup_future_usage'),
  statementDescriptorInvalid: (param: string, message: string) => invalid(400, message, undefined, param),
  /** A documented Stripe parameter onfile does not emulate (Connect, Radar rules, …). */
  parameterNotSupported: (param: string, why: string) => invalid(400, `onfile does not support ${param}: ${why}`, undefined, param),
  /** The processor declined a payment (402, stripe-node StripeCardError); `extra` carries the intent. */
  paymentDeclined: (code: string, message: string, extra: Record<string, unknown>) => new ApiError(402, 'card_error', message, code, undefined, extra),
  /** (onfile's wording) What a publishable key is told instead of the customer's id (owner.ts). */
  intentOwnerGone: (intent: 'SetupIntent' | 'PaymentIntent') =>
    invalid(400, `The customer of this ${intent} no longer exists, so no payment method can be saved for it. Create a new ${intent}.`, 'resource_missing'),
  /** (unverified wording) Off-session needs a saved method the customer authorized for later charges. */
  offSessionNeedsCustomer: () =>
    invalid(400, 'Off-session payments charge a PaymentMethod saved to a customer. Pass the `customer` (or `customer_account`) the PaymentMethod is attached to, or confirm on-session with a `return_url`.', undefined, 'customer'),
  /** (unverified wording) */
  mandateNotForPaymentMethod: (mandate: string, param = 'mandate') =>
    invalid(400, `The mandate ${mandate} cannot be used with this PaymentMethod: it belongs to another PaymentMethod or is no longer active.`, 'mandate_invalid', param),
  /** Stripe's wording, as integrations quote it (the `param` is unverified). */
  amountToCaptureTooLarge: () =>
    invalid(400, 'The payment could not be captured because the requested capture amount is greater than the amount you can capture for this charge. Contact us via https://support.stripe.com/contact/ for help.', 'amount_too_large', 'amount_to_capture'),
  /** (unverified wording) */
  // Stripe's words for a request naming another account from an account that is no Connect platform.
  notAConnectPlatform: (account: string) =>
    invalid(400, `Only Stripe Connect platforms can work with other accounts (Stripe-Account: ${account}); onfile emulates no Connect platform, so a key works with its own account only.`),
  testModeOnly: () => invalid(400, 'This onfile test helper works in test mode only: use a test mode secret key (sk_test_…).'),
  captureRefused: () => invalid(400, 'The authorization could not be captured: the payment method provider no longer holds it.', 'charge_expired_for_capture'),
  /** (unverified wording) */
  authorizationNotReleasable: () => invalid(400, 'The authorization was captured at the payment method provider and can no longer be released.', 'payment_intent_unexpected_state'),
  /** (unverified wording) */
  manualConfirmationNeedsSecretKey: () =>
    invalid(400, 'This PaymentIntent has confirmation_method=manual, so it can only be confirmed from your server with a secret key.', 'payment_intent_unexpected_state'),
  refundAmountTooLarge: (requested: string, remaining: string) =>
    invalid(400, `Refund amount (${requested}) is greater than unrefunded amount on charge (${remaining})`, undefined, 'amount'),
  chargeAlreadyRefunded: (chargeId: string) => invalid(400, `Charge ${chargeId} has already been refunded.`, 'charge_already_refunded'),
  // Recorded (2026 error bodies): neither code nor param.
  refundNeedsChargeOrIntent: () => invalid(400, 'One of the following params should be provided for this request: payment_intent or charge.'),
  /** (unverified wording) */
  refundOfUncapturedPayment: (paymentIntent: string) =>
    invalid(400, `This PaymentIntent (${paymentIntent}) has not been captured. Cancel the PaymentIntent to release the authorization instead of refunding it.`, 'charge_not_refundable', 'payment_intent'),
  /** Message recorded (2026 error bodies), for an intent without a charge and for a failed charge; code and param unverified. */
  refundNothingToRefund: (paymentIntent: string, param: string) =>
    invalid(400, `This PaymentIntent (${paymentIntent}) does not have a successful charge to refund.`, 'charge_not_refundable', param),
  /** Recorded (2026 error bodies), for a refund naming an uncaptured charge; code and param unverified. */
  refundOfUncapturedCharge: (paymentIntent: string) =>
    invalid(
      400,
      `This uncaptured Charge was created by a PaymentIntent (${paymentIntent}). You must cancel the PaymentIntent to reverse the authorization instead of refunding the Charge directly. For more information, see https://stripe.com/docs/payments/place-a-hold-on-a-payment-method`,
      'charge_not_refundable',
      'charge',
    ),
  /** (unverified wording) */
  refundWindowPassed: (chargeId: string) => invalid(400, `Charge ${chargeId} is more than 90 days old and can no longer be refunded.`, 'charge_not_refundable', 'charge'),
  /** Recorded (2026-08-26.dahlia) for a succeeded refund: no code, no param. */
  refundNotCancelable: () => invalid(400, 'Canceling this refund is unsupported.'),
  // The legacy Charges API, as Stripe answers an account that takes payments with PaymentIntents
  // (recorded at 2026-08-26.dahlia).
  chargeCardTokensEndOfLife: () =>
    invalid(
      400,
      'Card Token usage on the Customers API and Charges API has reached end of life. In order to continue processing your payments, you will need to use the Payment Intents and Payment Methods API. Read more about what you should do here: https://docs.stripe.com/payments/payment-methods/integration-options. If you need to continue to use Card Tokens on the Customers and Charges API, enable this functionality in your API policies settings: https://dashboard.stripe.com/settings/developers/api-policies',
    ),
  chargeCustomerHasPaymentMethod: () =>
    new ApiError(402, 'card_error', "This Customer doesn't have any legacy saved payment details, but does have a Payment Method attached. Use a Payment Intent instead of creating a Charge: https://stripe.com/docs/payments/payment-intents/migration", 'missing', 'card'),
  chargeCustomerHasNoPaymentDetails: () =>
    new ApiError(402, 'card_error', "This Customer doesn't have any saved payment details. Attach a legacy Token, Card, Bank Account, or Source to this Customer and then try this request again, or use Payment Intents and Payment Methods instead.", 'missing', 'card'),
  chargeNeedsSourceOrCustomer: () => invalid(400, 'Must provide source or customer.', 'parameter_missing'),
  chargeAlreadyCaptured: (chargeId: string) => invalid(400, `Charge ${chargeId} has already been captured.`, 'charge_already_captured'),
  chargeCapturedThroughPaymentIntent: (paymentIntent: string) =>
    invalid(
      400,
      `This uncaptured Charge was created by a PaymentIntent (${paymentIntent}). You must capture the PaymentIntent instead. For more information, see https://stripe.com/docs/payments/place-a-hold-on-a-payment-method`,
    ),
  /** (unverified wording) */
  chargeOfOtherPaymentIntent: () => invalid(400, 'The charge and payment_intent you provided do not belong to each other.', undefined, 'charge'),
  internal: () =>
    new ApiError(500, 'api_error', 'An unknown error occurred. Please retry your request, or contact support if the problem persists.', undefined, undefined, {}, true),
};

export function maskKey(key: string): string {
  if (key.length <= 4) return '*'.repeat(key.length);
  const m = /^(sk|pk|rk)_(test|live)_/.exec(key);
  const head = m ? m[0] : '';
  return head + '*'.repeat(Math.max(0, key.length - head.length - 4)) + key.slice(-4);
}

import { errors } from '../../../errors/catalogue.js';
import { addressShape, arr, bool, expandParam, Field, int, listParams, metadata, notSupported, obj, oneOf, str, type Infer } from '../../params.js';
import { BROWSER_TOP_FIELDS, paymentMethodData } from '../payment-methods/params.js';
// mandate_data is the same hash on SetupIntents and PaymentIntents: one decoder.
import { mandateData, type MandateDataParam } from '../setup-intents/params.js';

// PaymentIntent parameters (https://docs.stripe.com/api/payment_intents). Documented parameters
// onfile does not emulate (Connect, Radar, amount details…) get a clear error (`notSupported`).

/** `off_session`: a boolean, or `one_off` / `recurring` (https://docs.stripe.com/api/payment_intents/confirm#confirm_payment_intent-off_session). */
const offSession = () =>
  new Field<boolean | 'one_off' | 'recurring' | undefined>((v, path) => {
    // `True`/`False` as v1's `bool()` accepts them (python3-stripe sends `off_session=True`).
    if (v === 'true' || v === 'True') return true;
    if (v === 'false' || v === 'False') return false;
    if (v === 'one_off' || v === 'recurring') return v;
    throw errors.invalidEnum(path, ['true', 'false', 'one_off', 'recurring']);
  });

export { mandateData, type MandateDataParam };

const amazonPayOptions = obj({
  capture_method: oneOf(['manual'] as const).emptyable(),
  setup_future_usage: oneOf(['none', 'off_session'] as const).emptyable(),
}).emptyable();
export const paymentMethodOptions = obj({ amazon_pay: amazonPayOptions });
export type PaymentMethodOptionsParam = Exclude<Infer<typeof paymentMethodOptions>, undefined>;

export const shipping = obj({
  address: obj(addressShape).required(),
  name: str({ max: 5000 }).required(),
  carrier: str({ max: 5000 }).emptyable(),
  phone: str({ max: 5000 }).emptyable(),
  tracking_number: str({ max: 5000 }).emptyable(),
}).emptyable();
export type ShippingParam = Exclude<Infer<typeof shipping>, undefined>;

const typeList = () => arr(str({ max: 5000 }));
const captureMethod = oneOf(['automatic', 'automatic_async', 'manual'] as const);
const connect = notSupported('Connect (application fees, transfers, on_behalf_of) is not emulated.');
const unsupportedDetails = notSupported('amount details, payment details and hooks are not emulated.');

/** Fields Stripe.js adds to confirm calls besides BROWSER_TOP_FIELDS (client.md §3). */
export const BROWSER_CONFIRM_FIELDS = [...BROWSER_TOP_FIELDS, 'expected_payment_method_type', 'key', 'return_url_redirect'] as const;

export const createParams = {
  amount: int().required(),
  currency: str({ max: 3 }).required(),
  allowed_payment_method_types: typeList(),
  amount_details: unsupportedDetails,
  application_fee_amount: connect,
  automatic_payment_methods: obj({ enabled: bool().required(), allow_redirects: oneOf(['always', 'never'] as const) }),
  capture_method: captureMethod,
  confirm: bool(),
  confirmation_method: oneOf(['automatic', 'manual'] as const),
  confirmation_token: notSupported('ConfirmationTokens are not emulated; pass payment_method or payment_method_data.'),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  description: str({ max: 1000 }),
  error_on_requires_action: bool(),
  excluded_payment_method_types: typeList(),
  expand: expandParam(),
  hooks: unsupportedDetails,
  mandate: str({ max: 5000 }),
  mandate_data: mandateData,
  metadata: metadata(),
  off_session: offSession(),
  on_behalf_of: connect,
  payment_details: unsupportedDetails,
  payment_method: str({ max: 5000 }),
  payment_method_configuration: notSupported('payment method configurations are not emulated; use allowed_payment_method_types.'),
  payment_method_data: paymentMethodData(false),
  payment_method_options: paymentMethodOptions,
  payment_method_types: typeList(),
  radar_options: obj({ session: str({ max: 5000 }) }),
  receipt_email: str({ max: 800 }),
  return_url: str({ max: 5000 }),
  setup_future_usage: oneOf(['off_session', 'on_session'] as const),
  shipping,
  statement_descriptor: str(),
  statement_descriptor_suffix: str(),
  transfer_data: connect,
  transfer_group: str({ max: 5000 }),
  use_stripe_sdk: bool(),
};

export const updateParams = {
  allowed_payment_method_types: typeList(),
  amount: int(),
  amount_details: unsupportedDetails,
  application_fee_amount: connect,
  capture_method: captureMethod,
  currency: str({ max: 3 }),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  description: str({ max: 1000 }).emptyable(),
  excluded_payment_method_types: typeList().emptyable(),
  expand: expandParam(),
  hooks: unsupportedDetails,
  metadata: metadata(),
  payment_details: unsupportedDetails,
  payment_method: str({ max: 5000 }),
  payment_method_configuration: notSupported('payment method configurations are not emulated; use allowed_payment_method_types.'),
  payment_method_data: paymentMethodData(false),
  payment_method_options: paymentMethodOptions,
  payment_method_types: typeList(),
  receipt_email: str({ max: 800 }).emptyable(),
  setup_future_usage: oneOf(['off_session', 'on_session'] as const).emptyable(),
  shipping,
  statement_descriptor: str(),
  statement_descriptor_suffix: str(),
  transfer_data: connect,
  transfer_group: str({ max: 5000 }),
};

const confirmFields = (publishable: boolean) => ({
  allowed_payment_method_types: typeList(),
  amount_details: unsupportedDetails,
  capture_method: captureMethod,
  confirmation_token: notSupported('ConfirmationTokens are not emulated; pass payment_method or payment_method_data.'),
  error_on_requires_action: bool(),
  excluded_payment_method_types: typeList().emptyable(),
  expand: expandParam(),
  hooks: unsupportedDetails,
  mandate: str({ max: 5000 }),
  mandate_data: mandateData,
  off_session: offSession(),
  payment_details: unsupportedDetails,
  payment_method: str({ max: 5000 }),
  payment_method_data: paymentMethodData(publishable),
  payment_method_options: paymentMethodOptions,
  radar_options: obj({ session: str({ max: 5000 }) }),
  receipt_email: str({ max: 800 }).emptyable(),
  return_url: str({ max: 5000 }),
  setup_future_usage: oneOf(['off_session', 'on_session'] as const).emptyable(),
  shipping,
  use_stripe_sdk: bool(),
});
export const confirmParams = { ...confirmFields(false), client_secret: str({ max: 5000 }) };
export const confirmPublishableParams = { ...confirmFields(true), client_secret: str({ max: 5000 }).required() };

/**
 * Recorded at 2026-08-26.dahlia: a negative amount_to_capture is "Invalid non-negative integer" (no
 * code), and zero Stripe's range error under `param: amount`.
 */
const amountToCapture = new Field<number | undefined>((v, path) => {
  const n = int().decodeValue(v, path) as number;
  if (n < 0) throw errors.invalidRequest('Invalid non-negative integer', path);
  if (n === 0) throw errors.integerOutOfRange('amount', 'greater than or equal to 1');
  return n;
});

export const captureParams = {
  amount_details: unsupportedDetails,
  amount_to_capture: amountToCapture,
  application_fee_amount: connect,
  expand: expandParam(),
  final_capture: bool(),
  hooks: unsupportedDetails,
  metadata: metadata(),
  payment_details: unsupportedDetails,
  statement_descriptor: str(),
  statement_descriptor_suffix: str(),
  transfer_data: connect,
};

export const cancelParams = {
  cancellation_reason: oneOf(['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'] as const),
  expand: expandParam(),
};

export const retrieveParams = { client_secret: str({ max: 5000 }), expand: expandParam() };
export const listPaymentIntentParams = { ...listParams, customer: str({ max: 5000 }), customer_account: str({ max: 5000 }) };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type CreatePaymentIntent = Obj<typeof createParams>;
export type UpdatePaymentIntent = Obj<typeof updateParams>;
export type ConfirmPaymentIntent = Obj<ReturnType<typeof confirmFields>> & { client_secret?: string };
export type CapturePaymentIntent = Obj<typeof captureParams>;
export type CancelPaymentIntent = Obj<typeof cancelParams>;
export type ListPaymentIntents = Obj<typeof listPaymentIntentParams>;

import { arr, bool, expandParam, int, listParams, metadata, obj, oneOf, str, type Infer } from '../../params.js';
import { paymentMethodData } from '../payment-methods/params.js';

// https://docs.stripe.com/api/setup_intents/create
const typeList = () => arr(str({ max: 5000 }));

/** `mandate_data`: online acceptance with the customer's IP and user agent, or Stripe.js's `infer_from_client`. */
export const mandateData = obj({
  customer_acceptance: obj({
    type: oneOf(['online', 'offline'] as const).required(),
    accepted_at: int({ min: 0 }),
    online: obj({ ip_address: str({ max: 5000 }), user_agent: str({ max: 5000 }), infer_from_client: bool() }),
    offline: obj({}),
  }).required(),
}).emptyable();
export type MandateDataParam = Infer<typeof mandateData>;

// The amazon_pay options hash has no fields for SetupIntents.
const paymentMethodOptions = obj({ amazon_pay: obj({}) });
const flowDirections = arr(oneOf(['inbound', 'outbound'] as const));

const typeParams = {
  allowed_payment_method_types: typeList(),
  payment_method_types: typeList(),
  excluded_payment_method_types: typeList().emptyable(),
};

export const createSetupIntentParams = {
  ...typeParams,
  automatic_payment_methods: obj({ enabled: bool().required(), allow_redirects: oneOf(['always', 'never'] as const) }),
  confirm: bool(),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  description: str({ max: 1000 }),
  expand: expandParam(),
  flow_directions: flowDirections,
  mandate_data: mandateData,
  metadata: metadata(),
  payment_method: str({ max: 5000 }),
  payment_method_data: paymentMethodData(false),
  payment_method_options: paymentMethodOptions,
  return_url: str({ max: 5000 }),
  usage: oneOf(['off_session', 'on_session'] as const),
  use_stripe_sdk: bool(),
};

export const updateSetupIntentParams = {
  ...typeParams,
  customer: str({ max: 5000 }).emptyable(),
  customer_account: str({ max: 5000 }).emptyable(),
  description: str({ max: 1000 }).emptyable(),
  expand: expandParam(),
  flow_directions: flowDirections.emptyable(),
  metadata: metadata(),
  payment_method: str({ max: 5000 }),
  payment_method_data: paymentMethodData(false),
  payment_method_options: paymentMethodOptions,
};

export function confirmSetupIntentParams(publishable: boolean) {
  return {
    allowed_payment_method_types: typeList(),
    client_secret: str({ max: 5000 }),
    expand: expandParam(),
    mandate_data: mandateData,
    payment_method: str({ max: 5000 }),
    payment_method_data: paymentMethodData(publishable),
    payment_method_options: paymentMethodOptions,
    return_url: str({ max: 5000 }),
    use_stripe_sdk: bool(),
  };
}

export const cancelSetupIntentParams = {
  cancellation_reason: oneOf(['abandoned', 'requested_by_customer', 'duplicate'] as const),
  expand: expandParam(),
};

export const retrieveSetupIntentParams = { client_secret: str({ max: 5000 }), expand: expandParam() };

export const listSetupIntentParams = {
  ...listParams,
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  payment_method: str({ max: 5000 }),
  attach_to_self: bool(),
};

export const listSetupAttemptParams = { ...listParams, setup_intent: str({ max: 5000 }).required() };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type CreateSetupIntent = Obj<typeof createSetupIntentParams>;
export type UpdateSetupIntent = Obj<typeof updateSetupIntentParams>;
export type ConfirmSetupIntent = Obj<ReturnType<typeof confirmSetupIntentParams>>;
export type CancelSetupIntent = Obj<typeof cancelSetupIntentParams>;
export type ListSetupIntents = Obj<typeof listSetupIntentParams>;
export type ListSetupAttempts = Obj<typeof listSetupAttemptParams>;

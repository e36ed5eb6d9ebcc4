import { addressShape, expandParam, listParams, metadata, obj, oneOf, str, type Infer } from '../../params.js';

const allowRedisplay = oneOf(['always', 'limited', 'unspecified'] as const);

export const billingDetails = obj({
  address: obj(addressShape).emptyable(),
  email: str({ max: 800 }).emptyable(),
  name: str({ max: 5000 }).emptyable(),
  phone: str({ max: 5000 }).emptyable(),
  tax_id: str({ max: 5000 }),
});

/** Telemetry Stripe.js adds to PaymentMethod data; accepted and ignored for publishable keys. */
export const BROWSER_PM_FIELDS = ['payment_user_agent', 'time_on_page', 'guid', 'muid', 'sid'] as const;
/** Top-level telemetry Stripe.js sends on its calls; accepted and ignored for publishable keys. */
export const BROWSER_TOP_FIELDS = ['guid', 'muid', 'sid', 'payment_user_agent', 'time_on_page', 'referrer', 'client_attribution_metadata', 'use_stripe_sdk', 'is_stripe_sdk', 'expected_payment_method_type'] as const;

const pmDataFields = {
  type: str({ max: 5000 }).required(),
  allow_redisplay: allowRedisplay,
  amazon_pay: obj({}),
  billing_details: billingDetails,
  metadata: metadata(),
  radar_options: obj({ session: str({ max: 5000 }) }),
};

/** `payment_method_data` on intents (https://docs.stripe.com/api/setup_intents/create#create_setup_intent-payment_method_data). */
export function paymentMethodData(publishable: boolean) {
  return obj(pmDataFields, { ignore: publishable ? BROWSER_PM_FIELDS : [] });
}
export type PaymentMethodData = Exclude<Infer<ReturnType<typeof paymentMethodData>>, undefined>;

export const createPaymentMethodParams = {
  ...pmDataFields,
  customer: str({ max: 5000 }),
  payment_method: str({ max: 5000 }),
  expand: expandParam(),
};
/** Publishable keys create unattached PaymentMethods only (wire.md §1.1). */
export const createPaymentMethodPublishableParams = { ...pmDataFields, expand: expandParam() };

export const updatePaymentMethodParams = {
  allow_redisplay: allowRedisplay,
  billing_details: billingDetails,
  metadata: metadata(),
  expand: expandParam(),
};

export const listPaymentMethodParams = {
  ...listParams,
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  type: str({ max: 5000 }),
  allow_redisplay: allowRedisplay,
};

export const customerPaymentMethodListParams = { ...listParams, type: str({ max: 5000 }), allow_redisplay: allowRedisplay };

export const attachParams = { customer: str({ max: 5000 }), customer_account: str({ max: 5000 }), expand: expandParam() };
export const expandOnly = { expand: expandParam() };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type CreatePaymentMethod = Obj<typeof createPaymentMethodParams>;
export type UpdatePaymentMethod = Obj<typeof updatePaymentMethodParams>;
export type ListPaymentMethods = Obj<typeof listPaymentMethodParams>;
export type AttachPaymentMethod = Obj<typeof attachParams>;

import { addressShape, bool, expandParam, Field, int, listParams, metadata, obj, oneOf, str, type Infer } from '../../params.js';

export const updateChargeParams = {
  description: str({ max: 40000 }).emptyable(),
  expand: expandParam(),
  fraud_details: obj({ user_report: oneOf(['fraudulent', 'safe'] as const).emptyable() }),
  metadata: metadata(),
  receipt_email: str({ max: 5000 }).emptyable(),
  shipping: obj({
    address: obj(addressShape).required(),
    name: str({ max: 5000 }).required(),
    carrier: str({ max: 5000 }).emptyable(),
    phone: str({ max: 5000 }).emptyable(),
    tracking_number: str({ max: 5000 }).emptyable(),
  }).emptyable(),
  transfer_group: str({ max: 5000 }),
};
export const retrieveChargeParams = { expand: expandParam() };

/** A documented parameter of the legacy calls below, taken as given: the call is refused anyway. */
const given = () => new Field<unknown>((v) => v);

/**
 * POST /v1/charges (https://docs.stripe.com/api/charges/create): the legacy direct charge, which
 * onfile refuses as Stripe refuses it to an account on PaymentIntents (services/charges/legacy.ts).
 * `card` and `payment_method` are not in the reference; Stripe takes both (recorded).
 */
export const createChargeParams = {
  amount: int().required(),
  currency: str({ max: 3 }).required(),
  application_fee_amount: given(),
  capture: bool(),
  card: given(),
  customer: str({ max: 5000 }),
  description: str({ max: 40000 }).emptyable(),
  destination: given(),
  expand: expandParam(),
  metadata: metadata(),
  on_behalf_of: given(),
  payment_method: str({ max: 5000 }),
  radar_options: given(),
  receipt_email: str({ max: 5000 }),
  shipping: given(),
  source: given(),
  statement_descriptor: str({ max: 22 }),
  statement_descriptor_suffix: str({ max: 22 }),
  transfer_data: given(),
  transfer_group: str({ max: 5000 }),
};

/** POST /v1/charges/:id/capture (https://docs.stripe.com/api/charges/capture). */
export const captureChargeParams = {
  amount: int(),
  application_fee: given(),
  application_fee_amount: given(),
  expand: expandParam(),
  receipt_email: str({ max: 5000 }),
  statement_descriptor: str({ max: 22 }),
  statement_descriptor_suffix: str({ max: 22 }),
  transfer_data: given(),
  transfer_group: str({ max: 5000 }),
};
export const listChargeParams = { ...listParams, customer: str({ max: 5000 }), payment_intent: str({ max: 5000 }) };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type UpdateCharge = Obj<typeof updateChargeParams>;
export type ListCharges = Obj<typeof listChargeParams>;
export type CreateCharge = Obj<typeof createChargeParams>;

import { addressShape, expandParam, listParams, metadata, obj, oneOf, str, type Infer } from '../../params.js';

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
export const listChargeParams = { ...listParams, customer: str({ max: 5000 }), payment_intent: str({ max: 5000 }) };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type UpdateCharge = Obj<typeof updateChargeParams>;
export type ListCharges = Obj<typeof listChargeParams>;

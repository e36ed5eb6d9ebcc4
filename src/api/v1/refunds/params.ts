import { expandParam, int, listParams, metadata, notSupported, oneOf, str, type Infer } from '../../params.js';

const balanceRefunds = notSupported('refunds to a customer balance are not emulated; refund a charge or payment_intent.');
const connect = notSupported('Connect (application fees, transfers) is not emulated.');

// https://docs.stripe.com/api/refunds/create
export const createRefundParams = {
  amount: int({ min: 1 }),
  charge: str({ max: 5000 }),
  currency: balanceRefunds,
  customer: balanceRefunds,
  expand: expandParam(),
  instructions_email: balanceRefunds,
  metadata: metadata(),
  origin: balanceRefunds,
  payment_intent: str({ max: 5000 }),
  reason: oneOf(['duplicate', 'fraudulent', 'requested_by_customer'] as const),
  refund_application_fee: connect,
  reverse_transfer: connect,
};
export const updateRefundParams = { expand: expandParam(), metadata: metadata() };
export const expandOnly = { expand: expandParam() };
export const listRefundParams = { ...listParams, charge: str({ max: 5000 }), payment_intent: str({ max: 5000 }) };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type CreateRefund = Obj<typeof createRefundParams>;
export type UpdateRefund = Obj<typeof updateRefundParams>;
export type ListRefunds = Obj<typeof listRefundParams>;

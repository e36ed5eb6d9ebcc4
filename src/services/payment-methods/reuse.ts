import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { reuseProblem, type Owner } from '../../domain/payment-methods/payment-method.js';
import { updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import type { CallContext } from '../context.js';
import { requirePaymentMethod } from './attach.js';
import type { PaymentMethodRow } from './create.js';

/**
 * Loads a PaymentMethod an intent wants to use and enforces Stripe's reuse rules: a method used
 * once without a customer, or detached, "may not be used again"; a method attached to a customer
 * serves only intents of that customer (https://docs.stripe.com/api/payment_methods/attach).
 * `owner` is the intent's customer (null: none).
 */
export async function requireUsablePaymentMethod(
  t: Sql,
  ctx: CallContext,
  id: string,
  opts: { owner: Owner | null; intent: 'SetupIntent' | 'PaymentIntent'; param?: string },
): Promise<PaymentMethodRow> {
  const param = opts.param ?? 'payment_method';
  const row = await requirePaymentMethod(t, ctx, id, param);
  assertUsable(row, opts.owner, opts.intent, param);
  return row;
}

export function assertUsable(row: PaymentMethodRow, owner: Owner | null, intent: 'SetupIntent' | 'PaymentIntent', param = 'payment_method'): void {
  const problem = reuseProblem(row.data, row.internal, owner);
  switch (problem) {
    case null:
      return;
    case 'may_not_be_used_again':
      throw errors.paymentMethodMayNotBeUsedAgain(param);
    case 'belongs_to_customer':
      throw errors.paymentMethodOfOwnerNotNamed(intent, row.id, String(row.data.customer ?? row.data.customer_account), param);
    case 'not_owned_by_customer':
      throw errors.paymentMethodOfOtherOwner(row.id, String(owner?.customer ?? owner?.customer_account), param);
  }
}

/**
 * Marks a PaymentMethod used by an intent that had no customer: from now on it may not be used
 * again nor attached (PaymentIntents call this when such a payment is attempted).
 */
export async function consumePaymentMethod(t: Sql, ctx: CallContext, row: PaymentMethodRow): Promise<Stripe.PaymentMethod> {
  if (row.internal.consumed || row.data.customer || row.data.customer_account) return row.data;
  await updateObject(t, ctx.scope, row, { data: row.data, internal: { ...row.internal, consumed: true } });
  return row.data;
}

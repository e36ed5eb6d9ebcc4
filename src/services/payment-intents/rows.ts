import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { getObject, updateObject, type ObjectRow } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import type { PaymentIntentInternal } from '../../domain/payment-intents/payment-intent.js';
import { ownerKey } from '../customers/owner.js';
import type { Owner } from '../../domain/payment-methods/payment-method.js';
import type { CallContext } from '../context.js';

/** A PaymentIntent row: the wire object plus onfile's bookkeeping. Row column customer = owner (cus_/acct_). */
export type PaymentIntentRow = ObjectRow<Stripe.PaymentIntent, PaymentIntentInternal>;

export async function findPaymentIntent(t: Sql, ctx: CallContext, id: string): Promise<PaymentIntentRow | undefined> {
  return getObject<Stripe.PaymentIntent, PaymentIntentInternal>(t, ctx.scope, 'payment_intent', id);
}

/**
 * The intent named by the URL (a 404 naming `intent`, the path parameter of
 * `/v1/payment_intents/{intent}`), or by a request parameter `param` (a 400 naming it).
 */
export async function requirePaymentIntent(t: Sql, ctx: CallContext, id: string, param?: string): Promise<PaymentIntentRow> {
  const row = await findPaymentIntent(t, ctx, id);
  if (row) return row;
  if (param) throw errors.resourceMissing('payment_intent', id, param, 400);
  throw id.includes('_secret_') ? errors.clientSecretAsIntentId('PaymentIntent') : errors.resourceMissing('payment_intent', id, 'intent');
}

export async function savePaymentIntent(t: Sql, ctx: CallContext, row: PaymentIntentRow, data: Stripe.PaymentIntent, internal: PaymentIntentInternal): Promise<PaymentIntentRow> {
  return updateObject(t, ctx.scope, row, { data, internal, customer: ownerKey(data) });
}

export function ownerOfIntent(pi: Pick<Stripe.PaymentIntent, 'customer' | 'customer_account'>): Owner | null {
  const customer = typeof pi.customer === 'string' ? pi.customer : (pi.customer?.id ?? null);
  const customer_account = pi.customer_account ?? null;
  return customer || customer_account ? { customer, customer_account } : null;
}

export function paymentMethodIdOf(pi: Pick<Stripe.PaymentIntent, 'payment_method'>): string | null {
  return typeof pi.payment_method === 'string' ? pi.payment_method : (pi.payment_method?.id ?? null);
}

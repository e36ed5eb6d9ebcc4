import type Stripe from 'stripe';
import { newId } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { newPaymentMethod, type PaymentMethodInput, type PaymentMethodInternal } from '../../domain/payment-methods/payment-method.js';
import { insertObject, type ObjectRow } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { supportedPaymentMethodTypes } from '../../connectors/registry.js';
import { nowSeconds, type CallContext } from '../context.js';
import type { CreatePaymentMethod, PaymentMethodData } from '../../api/v1/payment-methods/params.js';

export type PaymentMethodRow = ObjectRow<Stripe.PaymentMethod, PaymentMethodInternal>;

/**
 * Creates an unattached PaymentMethod in the caller's transaction: used by POST /v1/payment_methods
 * and by `payment_method_data` on intents (Stripe emits no event for a new PaymentMethod).
 * `param` names the type field in errors (`type`, `payment_method_data[type]`).
 */
export async function insertPaymentMethod(t: Sql, ctx: CallContext, data: PaymentMethodData, param = 'type'): Promise<PaymentMethodRow> {
  if (!supportedPaymentMethodTypes().includes(data.type)) throw errors.paymentMethodTypeUnsupported(data.type, param);
  const id = newId('payment_method');
  const created = nowSeconds(ctx);
  const input: PaymentMethodInput = {
    type: data.type as 'amazon_pay',
    billing_details: data.billing_details,
    metadata: data.metadata,
    allow_redisplay: data.allow_redisplay,
    radar_options: data.radar_options,
  };
  const pm = newPaymentMethod(id, created, ctx.scope.livemode, input);
  return insertObject<Stripe.PaymentMethod, PaymentMethodInternal>(t, ctx.scope, { type: 'payment_method', id, created, data: pm, internal: {}, lookup: pm.type });
}

/** POST /v1/payment_methods (https://docs.stripe.com/api/payment_methods/create). */
export async function createPaymentMethod(ctx: CallContext, p: Omit<CreatePaymentMethod, 'customer' | 'payment_method' | 'expand'> & Partial<Pick<CreatePaymentMethod, 'customer' | 'payment_method'>>): Promise<Stripe.PaymentMethod> {
  if (p.customer !== undefined && p.payment_method === undefined) throw errors.attachDuringPaymentMethodCreation();
  // `customer` + `payment_method` clone a customer's method onto a connected account (Connect).
  if (p.customer !== undefined || p.payment_method !== undefined) {
    throw errors.invalidRequest('Cloning a PaymentMethod (customer, payment_method) is a Connect feature that onfile does not support.', p.customer !== undefined ? 'customer' : 'payment_method');
  }
  // The transaction's result is the PaymentMethod itself: a keyed request records it as its object,
  // so a retry after a crash answers it instead of making a second one.
  return ctx.deps.store.tx(async (t) => (await insertPaymentMethod(t, ctx, p)).data);
}

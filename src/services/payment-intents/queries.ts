import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { listPage } from '../../api/list.js';
import type { ListPage } from '../../api/render.js';
import type { CallContext } from '../context.js';
import type { ListPaymentIntents } from '../../api/v1/payment-intents/params.js';
import { checkClientSecret } from '../setup-intents/confirm.js';
import { requirePaymentIntent } from './rows.js';

/** GET /v1/payment_intents/:id; Stripe.js's `retrievePaymentIntent` passes the client secret. */
export async function retrievePaymentIntent(ctx: CallContext, id: string, clientSecret?: string): Promise<Stripe.PaymentIntent> {
  const row = await requirePaymentIntent(ctx.deps.store.read, ctx, id);
  checkClientSecret(ctx, row.data, clientSecret, 'PaymentIntent');
  return row.data;
}

/** GET /v1/payment_intents (https://docs.stripe.com/api/payment_intents/list): `customer`, `customer_account`, `created`. */
export async function listPaymentIntents(ctx: CallContext, p: ListPaymentIntents): Promise<ListPage<Stripe.PaymentIntent>> {
  if (p.customer && p.customer_account) throw errors.parametersExclusive('customer', 'customer_account');
  return listPage<Stripe.PaymentIntent>(ctx, { object: 'payment_intent', url: '/v1/payment_intents', filter: { customer: p.customer ?? p.customer_account } }, p);
}

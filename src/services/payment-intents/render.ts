import type Stripe from 'stripe';
import { expandObject } from '../../api/render.js';
import { checkIntentExpand, forVersion, hideExpandedPaymentMethodMetadata } from '../intents/intent-view.js';
import type { CallContext } from '../context.js';
import { viewFor } from './views.js';

export { forVersion };

/**
 * What a caller sees of a PaymentIntent: everything for a secret key; for Stripe.js (publishable
 * key) the client-safe subset, where only `payment_method` may be expanded and its metadata stays
 * private. `allowed_payment_method_types` does not exist before 2026-07-29.dahlia.
 */
export const checkPaymentIntentExpand = (ctx: CallContext, expand: string[] | undefined): void => checkIntentExpand(ctx, 'payment_intent', expand);

export async function renderPaymentIntent(ctx: CallContext, pi: Stripe.PaymentIntent, expand?: string[]): Promise<Stripe.PaymentIntent> {
  return hideExpandedPaymentMethodMetadata(ctx, await expandObject(ctx, 'payment_intent', viewFor(ctx, forVersion(ctx, pi)), expand));
}

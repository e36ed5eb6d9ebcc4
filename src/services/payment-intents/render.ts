import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { allowedPaymentMethodTypesAvailable } from '../../domain/shared/api-versions.js';
import { checkExpandPaths, expandObject } from '../../api/render.js';
import type { CallContext } from '../context.js';
import { viewFor } from './views.js';

/**
 * What a caller sees of a PaymentIntent: everything for a secret key; for Stripe.js (publishable
 * key) the client-safe subset, where only `payment_method` may be expanded and its metadata stays
 * private. `allowed_payment_method_types` does not exist before 2026-07-29.dahlia.
 */
export function checkPaymentIntentExpand(ctx: CallContext, expand: string[] | undefined): void {
  if (ctx.keyKind === 'publishable') {
    const bad = expand?.find((p) => p !== 'payment_method');
    if (bad) throw errors.cannotExpand(bad);
    return;
  }
  checkExpandPaths('payment_intent', expand);
}

export function forVersion(ctx: CallContext, pi: Stripe.PaymentIntent): Stripe.PaymentIntent {
  if (allowedPaymentMethodTypesAvailable(ctx.apiVersion)) return pi;
  const { allowed_payment_method_types: _omitted, ...rest } = pi;
  return rest as Stripe.PaymentIntent;
}

export async function renderPaymentIntent(ctx: CallContext, pi: Stripe.PaymentIntent, expand?: string[]): Promise<Stripe.PaymentIntent> {
  const out = await expandObject(ctx, 'payment_intent', viewFor(ctx, forVersion(ctx, pi)), expand);
  if (ctx.keyKind === 'publishable' && out.payment_method && typeof out.payment_method === 'object') {
    out.payment_method = { ...out.payment_method, metadata: {} };
  }
  return out;
}

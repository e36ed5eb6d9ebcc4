import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { ApiError } from '../../errors/api-error.js';
import { clientView } from '../../domain/payment-intents/payment-intent.js';
import { forVersion, withIntentInError } from '../intents/intent-view.js';
import type { CallContext } from '../context.js';

/**
 * The intent as this caller may see it, at the request's API version: whole for a secret key, the
 * client-safe subset for Stripe.js.
 */
export function viewFor(ctx: CallContext, pi: Stripe.PaymentIntent): Stripe.PaymentIntent {
  const versioned = forVersion(ctx, pi);
  return (ctx.keyKind === 'publishable' ? clientView(versioned) : versioned) as Stripe.PaymentIntent;
}

/** The PaymentIntent inside an error of a request on it (intents/intent-view.ts). */
export const withPaymentIntentInError = (ctx: CallContext, id: string, clientSecret: unknown, error: ApiError): Promise<ApiError> =>
  withIntentInError(ctx, 'payment_intent', id, clientSecret, error, viewFor);

/** `payment_intent_unexpected_state`, with the intent inside the error as Stripe includes it. */
export function unexpectedState(ctx: CallContext, message: string, pi: Stripe.PaymentIntent, param?: string): ApiError {
  const e = errors.intentUnexpectedState('PaymentIntent', message, viewFor(ctx, pi));
  return param ? new ApiError(e.status, e.type, e.message, e.code, param, e.extra) : e;
}

/** Rebuilds the error a failed attempt answers with (402 decline or 400 refusal), the intent inside. */
export function attemptError(ctx: CallContext, status: number, body: Record<string, unknown>, pi: Stripe.PaymentIntent): ApiError {
  const { type, code, message, param, doc_url: _doc, ...extra } = body as { type: string; code?: string; message: string; param?: string; doc_url?: string };
  const pm = (extra as { payment_method?: unknown }).payment_method;
  // The method's metadata is as private as the intent's (wire.md §1.1).
  if (ctx.keyKind === 'publishable' && pm && typeof pm === 'object') (extra as Record<string, unknown>).payment_method = { ...pm, metadata: {} };
  return new ApiError(status, type as ApiError['type'], message, code, param, { ...extra, payment_intent: viewFor(ctx, pi) });
}

import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { ApiError } from '../../errors/api-error.js';
import { clientView } from '../../domain/payment-intents/payment-intent.js';
import { forVersion } from '../intents/intent-view.js';
import type { CallContext } from '../context.js';
import { findPaymentIntent } from './rows.js';

/**
 * The intent as this caller may see it, at the request's API version: whole for a secret key, the
 * client-safe subset for Stripe.js.
 */
export function viewFor(ctx: CallContext, pi: Stripe.PaymentIntent): Stripe.PaymentIntent {
  const versioned = forVersion(ctx, pi);
  return (ctx.keyKind === 'publishable' ? clientView(versioned) : versioned) as Stripe.PaymentIntent;
}

/**
 * Stripe puts the PaymentIntent in an error "returned on a request involving a PaymentIntent"
 * (API reference, Errors), a refused parameter's too. Added here to an error that has not got it,
 * as the intent is after the failed request; a publishable key sees it only with the intent's
 * client secret.
 */
export async function withPaymentIntentInError(ctx: CallContext, id: string, clientSecret: unknown, error: ApiError): Promise<ApiError> {
  if (error.status >= 500 || 'payment_intent' in error.extra) return error;
  const row = await findPaymentIntent(ctx.deps.store.read, ctx, id);
  if (!row || (ctx.keyKind === 'publishable' && clientSecret !== row.data.client_secret)) return error;
  return error.withExtra({ payment_intent: viewFor(ctx, row.data) });
}

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

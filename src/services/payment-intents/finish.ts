import type Stripe from 'stripe';
import { runOperation, type Operation } from '../../reconcile/operations.js';
import type { CallContext } from '../context.js';
import { requirePaymentIntent } from './rows.js';
import { attemptError } from './views.js';

/**
 * Runs the connector half of a use case right after its first transaction committed. If the
 * processor cannot be reached the operation stays recorded, the intent stays `processing`, and
 * the reconciler finishes it later: the caller gets the intent as it is.
 */
export async function runInline(ctx: CallContext, op: Operation): Promise<void> {
  try {
    await runOperation(ctx, op);
  } catch {
    // Left for the reconciler (runOperation recorded the failure and a retry time).
  }
}

/**
 * What the request answers once its attempt was applied: the intent, or the attempt's error with
 * the intent inside (402 `card_error` for a decline, as stripe-node's StripeCardError expects).
 */
export async function answerAttempt(ctx: CallContext, id: string, reference: string): Promise<Stripe.PaymentIntent> {
  const row = await requirePaymentIntent(ctx.deps.store.read, ctx, id);
  const o = row.internal.outcome;
  if (o && o.reference === reference && o.kind !== 'ok' && o.error) throw attemptError(ctx, o.status, o.error as Record<string, unknown>, row.data);
  return row.data;
}

import type Stripe from 'stripe';
import { transition, type PaymentIntentStatus } from '../../domain/payment-intents/machine.js';
import type { BuyerDecision } from '../../connectors/connector.js';
import { claimRedirectSession, getRedirectSession, type RedirectSession } from '../../hosted/redirect-sessions.js';
import { registerRedirectCompleter, returnUrlWith, type CustomerRequest, type RedirectCompletion, type RedirectDescription } from '../../hosted/completers.js';
import { enqueueOperation, type Operation } from '../../reconcile/operations.js';
import { effectiveSetupFutureUsage, type PaymentIntentInternal } from '../../domain/payment-intents/payment-intent.js';
import type { CallContext } from '../context.js';
import { OP } from './attempts.js';
import { runInline } from './finish.js';
import { draftOf } from './results.js';
import { requirePaymentIntent, savePaymentIntent } from './rows.js';

/**
 * The customer's answer on the hosted authorization page, for PaymentIntents (flow 2 of the seed):
 * transaction 1 claims the page's session and marks the intent `processing`; the connector
 * completes the checkout session (approval makes the first charge); transaction 2 applies it
 * (operations.ts). The merchant's return_url then gets `payment_intent`,
 * `payment_intent_client_secret` and `redirect_status` (client.md §4).
 */
function redirectStatus(pi: Stripe.PaymentIntent): RedirectCompletion['redirectStatus'] {
  if (pi.status === 'succeeded' || pi.status === 'requires_capture') return 'succeeded';
  if (pi.status === 'processing') return 'processing';
  return 'failed';
}

function returnTo(internal: PaymentIntentInternal, session: RedirectSession, pi: Stripe.PaymentIntent): string | null {
  const attempt = internal.attempt;
  const url = attempt && attempt.reference === session.attemptId ? attempt.returnUrl : null;
  if (!url) return null;
  return returnUrlWith(url, { payment_intent: pi.id, payment_intent_client_secret: pi.client_secret ?? '', redirect_status: redirectStatus(pi) });
}

function closedReason(pi: Stripe.PaymentIntent, internal: PaymentIntentInternal, session: RedirectSession): string | undefined {
  if (session.state !== 'open') return session.state === 'superseded' ? 'This authorization was replaced by a newer one or canceled.' : 'This authorization was already completed.';
  if (pi.status === 'canceled') return 'The merchant canceled this payment.';
  if (pi.status === 'succeeded' || pi.status === 'requires_capture') return 'This payment was already authorized.';
  if (internal.attempt?.reference !== session.attemptId) return 'This authorization was replaced by a newer one.';
  if (pi.status !== 'requires_action') return 'This payment is not waiting for an authorization.';
  return undefined;
}

async function describe(ctx: CallContext, session: RedirectSession): Promise<RedirectDescription> {
  const row = await requirePaymentIntent(ctx.deps.store.read, ctx, session.intentId);
  const pi = row.data;
  const attempt = row.internal.attempt;
  const type = attempt?.paymentMethodType ?? pi.payment_method_types[0];
  const reason = closedReason(pi, row.internal, session);
  return {
    open: reason === undefined,
    closedReason: reason,
    purpose: { kind: 'payment', amount: attempt?.amount ?? pi.amount, currency: attempt?.currency ?? pi.currency, savesForLater: attempt?.saveForLater ?? effectiveSetupFutureUsage(pi, type) === 'off_session' },
    paymentMethodType: type,
    returnTo: returnTo(row.internal, session, pi),
  };
}

async function complete(ctx: CallContext, session: RedirectSession, decision: BuyerDecision, customer: CustomerRequest): Promise<RedirectCompletion> {
  let op: Operation | null = null;
  let closed: string | undefined;
  await ctx.deps.store.tx(async (t) => {
    op = null;
    closed = undefined;
    const fresh = (await getRedirectSession(t, session.tokenHash))!;
    const row = await requirePaymentIntent(t, ctx, session.intentId);
    const step = transition(row.data.status as PaymentIntentStatus, 'customer_answered');
    closed = closedReason(row.data, row.internal, fresh) ?? (step.ok ? undefined : 'This payment is not waiting for an authorization.');
    if (closed || !step.ok) return row.data;
    await claimRedirectSession(t, fresh, decision);
    const d = draftOf(row);
    const attempt = d.internal.attempt!;
    op = await enqueueOperation(t, ctx, OP.completeCheckout, row.id, {
      reference: attempt.reference,
      paymentMethodType: attempt.paymentMethodType,
      checkoutSessionId: attempt.checkoutSessionId,
      decision,
      tokenHash: session.tokenHash,
      customer: { ip: customer.ip, userAgent: customer.userAgent, acceptedAt: Math.floor(customer.acceptedAtMs / 1000) },
    });
    d.data.status = step.to;
    d.data.next_action = null;
    d.internal.operation = { id: op.id, kind: op.kind };
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    return d.data;
  });
  const started = op as Operation | null;
  if (started) await runInline(ctx, started);
  const row = await requirePaymentIntent(ctx.deps.store.read, ctx, session.intentId);
  return { redirectStatus: redirectStatus(row.data), returnTo: returnTo(row.internal, session, row.data), ...(closed ? { closedReason: closed } : {}) };
}

registerRedirectCompleter('payment_intent', { describe, complete });

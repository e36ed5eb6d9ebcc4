import type Stripe from 'stripe';
import { transition } from '../../domain/setup-intents/machine.js';
import { updateObject } from '../../storage/repos/objects.js';
import { connectorFor } from '../../connectors/registry.js';
import type { BuyerDecision } from '../../connectors/connector.js';
import { claimRedirectSession, completeRedirectSession, getRedirectSession, type RedirectSession } from '../../hosted/redirect-sessions.js';
import { registerRedirectCompleter, returnUrlWith, type CustomerRequest, type RedirectCompletion, type RedirectDescription } from '../../hosted/completers.js';
import { enqueueOperation, finishOperation, registerOperationHandler, runOperation, type Operation } from '../../reconcile/operations.js';
import type { CallContext } from '../context.js';
import { getSetupAttempt, requireSetupIntent } from './model.js';
import { applySetupFailure, applySetupSuccess } from './outcome.js';

/**
 * The customer's answer on the hosted authorization page, for SetupIntents: transaction 1 claims
 * the page's session and marks the intent `processing`; the connector completes the processor's
 * checkout session; transaction 2 applies success or failure (outcome.ts). The reconciler finishes
 * phase 2 after a crash.
 */
const COMPLETE = 'setup_intent.complete_redirect';

interface CompleteData {
  attemptId: string;
  tokenHash: string;
  decision: BuyerDecision;
  customer: { ip: string; userAgent: string | null; acceptedAt: number };
}

/** redirect_status for the merchant's return_url (client.md §4). */
function redirectStatus(si: Stripe.SetupIntent): RedirectCompletion['redirectStatus'] {
  if (si.status === 'succeeded') return 'succeeded';
  if (si.status === 'processing') return 'processing';
  return 'failed';
}

function returnTo(returnUrl: string | null, si: Stripe.SetupIntent): string | null {
  if (!returnUrl) return null;
  return returnUrlWith(returnUrl, { setup_intent: si.id, setup_intent_client_secret: si.client_secret ?? '', redirect_status: redirectStatus(si) });
}

function closedReason(si: Stripe.SetupIntent, session: RedirectSession): string | undefined {
  if (session.state !== 'open') return session.state === 'superseded' ? 'This authorization was replaced by a newer one or canceled.' : 'This authorization was already completed.';
  if (si.status === 'canceled') return 'The merchant canceled this setup.';
  if (si.status === 'succeeded') return 'This setup already succeeded.';
  if (si.latest_attempt !== session.attemptId) return 'This authorization was replaced by a newer one.';
  if (si.status !== 'requires_action') return 'This setup is not waiting for an authorization.';
  return undefined;
}

async function describe(ctx: CallContext, session: RedirectSession): Promise<RedirectDescription> {
  const read = ctx.deps.store.read;
  const si = (await requireSetupIntent(read, ctx, session.intentId)).data;
  const attempt = await getSetupAttempt(read, ctx, session.attemptId);
  const reason = closedReason(si, session);
  return {
    open: reason === undefined,
    closedReason: reason,
    purpose: { kind: 'setup' },
    paymentMethodType: attempt?.internal.paymentMethodType ?? si.payment_method_types[0],
    returnTo: returnTo(attempt?.internal.returnUrl ?? null, si),
  };
}

async function complete(ctx: CallContext, session: RedirectSession, decision: BuyerDecision, customer: CustomerRequest): Promise<RedirectCompletion> {
  let op: Operation | undefined;
  let closed: { reason: string; si: Stripe.SetupIntent } | undefined;
  await ctx.deps.store.tx(async (t) => {
    op = undefined;
    closed = undefined;
    const fresh = (await getRedirectSession(t, session.tokenHash))!;
    const row = await requireSetupIntent(t, ctx, session.intentId);
    const reason = closedReason(row.data, fresh);
    const step = transition(row.data.status as never, 'customer_answered');
    if (reason || !step.ok) {
      closed = { reason: reason ?? 'This setup is not waiting for an authorization.', si: row.data };
      return undefined;
    }
    await claimRedirectSession(t, fresh, decision);
    const next: Stripe.SetupIntent = { ...row.data, status: step.to, next_action: null };
    await updateObject(t, ctx.scope, row, { data: next });
    const data: CompleteData = {
      attemptId: session.attemptId,
      tokenHash: session.tokenHash,
      decision,
      customer: { ip: customer.ip, userAgent: customer.userAgent, acceptedAt: Math.floor(customer.acceptedAtMs / 1000) },
    };
    op = await enqueueOperation(t, ctx, COMPLETE, row.id, data);
    return next;
  });
  const attempt = await getSetupAttempt(ctx.deps.store.read, ctx, session.attemptId);
  if (closed) return { redirectStatus: redirectStatus(closed.si), returnTo: returnTo(attempt?.internal.returnUrl ?? null, closed.si), closedReason: closed.reason };
  await runOperation(ctx, op!).catch(() => undefined);
  const si = (await requireSetupIntent(ctx.deps.store.read, ctx, session.intentId)).data;
  return { redirectStatus: redirectStatus(si), returnTo: returnTo(attempt?.internal.returnUrl ?? null, si) };
}

registerRedirectCompleter('setup_intent', { describe, complete });

registerOperationHandler(COMPLETE, async (ctx, op) => {
  const data = op.data as unknown as CompleteData;
  const attempt = await getSetupAttempt(ctx.deps.store.read, ctx, data.attemptId);
  if (!attempt?.internal.checkoutSessionId) return void (await ctx.deps.store.tx((t) => finishOperation(t, op)));
  const result = await connectorFor(ctx.deps, attempt.internal.paymentMethodType).completeCheckoutSession(ctx.scope, {
    checkoutSessionId: attempt.internal.checkoutSessionId,
    decision: data.decision,
  });
  await ctx.deps.store.tx(async (t) => {
    if (!(await finishOperation(t, op))) return undefined;
    await completeRedirectSession(t, data.tokenHash, ctx.deps.clock.nowMs());
    const row = await requireSetupIntent(t, ctx, op.objectId);
    const att = (await getSetupAttempt(t, ctx, data.attemptId))!;
    if (row.data.status !== 'processing' || row.data.latest_attempt !== data.attemptId) return undefined;
    if (result.status === 'succeeded') {
      // Without mandate_data at confirm, the customer's own answer on the page (which shows the
      // mandate terms) is the acceptance: its time, IP and user agent.
      const acceptance = { type: 'online' as const, accepted_at: data.customer.acceptedAt, online: { ip_address: data.customer.ip, user_agent: data.customer.userAgent } };
      return applySetupSuccess(t, ctx, row, att, result.chargePermissionId, acceptance);
    }
    const failure = result.failure ?? { code: 'setup_intent_authentication_failure', message: 'The latest attempt to set up the payment method has failed because authentication failed.', processorReason: 'unknown' };
    return applySetupFailure(t, ctx, row, att, failure);
  });
});

import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { constantTimeEqual } from '../../lib/crypto.js';
import { transition } from '../../domain/setup-intents/machine.js';
import { updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { connectorFor } from '../../connectors/registry.js';
import { createRedirectSession } from '../../hosted/redirect-sessions.js';
import { enqueueOperation, finishOperation, registerOperationHandler, runOperation, type Operation } from '../../reconcile/operations.js';
import { insertPaymentMethod } from '../payment-methods/create.js';
import { requireUsablePaymentMethod } from '../payment-methods/reuse.js';
import { nowSeconds, type CallContext } from '../context.js';
import { requireLiveOwner } from '../customers/owner.js';
import { acceptanceFromMandateData } from '../mandates/acceptance.js';
import { abandonPendingAttempt, insertSetupAttempt, updateSetupAttempt } from './attempts.js';
import { getSetupAttempt, ownerOfIntent, paymentMethodIdOf, requireSetupIntent, type SetupIntentRow } from './model.js';
import { applySetupFailure, applySetupSuccess } from './outcome.js';
import { resolvePaymentMethodTypes } from './payment-method-types.js';
import { visibleTo } from './render.js';
import type { ConfirmSetupIntent, MandateDataParam } from '../../api/v1/setup-intents/params.js';
import type { PaymentMethodData } from '../../api/v1/payment-methods/params.js';

/**
 * Confirming a SetupIntent (https://docs.stripe.com/api/setup_intents/confirm), in the fixed
 * phases of STYLE.md: transaction 1 validates, picks or creates the PaymentMethod, opens a
 * SetupAttempt and marks the intent `processing`; the connector opens the processor's checkout
 * session outside any transaction; transaction 2 moves the intent to `requires_action` with the
 * hosted page's URL (`setup_intent.requires_action`). Phase 2 is a connector operation: the
 * reconciler finishes it if the process dies after transaction 1.
 */
export interface ConfirmInput {
  payment_method?: string;
  payment_method_data?: PaymentMethodData;
  payment_method_options?: { amazon_pay?: Record<string, never> };
  mandate_data?: MandateDataParam;
  return_url?: string;
  allowed_payment_method_types?: string[];
}

const CONFIRM = 'setup_intent.confirm';

export function wrongState(ctx: CallContext, si: Stripe.SetupIntent, message: string) {
  return errors.intentUnexpectedState('SetupIntent', message, visibleTo(ctx, si));
}

/** A return_url is where the customer comes back to: any absolute URL (app schemes too), never script. */
export function checkReturnUrl(url: string | undefined, param = 'return_url'): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw errors.returnUrlInvalid(param);
  }
  if (['javascript:', 'data:', 'vbscript:', 'file:', 'blob:'].includes(parsed.protocol)) throw errors.returnUrlInvalid(param);
}

/** Transaction 1 of a confirmation, inside the caller's transaction (confirm, or create with confirm=true). */
export async function beginConfirm(t: Sql, ctx: CallContext, row: SetupIntentRow, p: ConfirmInput): Promise<{ si: Stripe.SetupIntent; op: Operation }> {
  let si = row.data;
  const hasPm = p.payment_method !== undefined || p.payment_method_data !== undefined || paymentMethodIdOf(si) !== null;
  const step = transition(si.status as never, 'confirm', { hasPaymentMethod: hasPm });
  if (!step.ok) throw wrongState(ctx, si, step.message);
  if (p.payment_method !== undefined && p.payment_method_data !== undefined) throw errors.parametersExclusive('payment_method', 'payment_method_data');
  checkReturnUrl(p.return_url);

  const types = p.allowed_payment_method_types !== undefined ? resolvePaymentMethodTypes(ctx, p, false) : undefined;
  if (types) si = { ...si, ...types };
  const owner = ownerOfIntent(si);
  await requireLiveOwner(t, ctx, owner, 'SetupIntent');
  let param = 'payment_method';
  let pmRow;
  if (p.payment_method_data !== undefined) {
    param = 'payment_method_data[type]';
    pmRow = await insertPaymentMethod(t, ctx, p.payment_method_data, param);
  } else {
    pmRow = await requireUsablePaymentMethod(t, ctx, p.payment_method ?? paymentMethodIdOf(si)!, { owner, intent: 'SetupIntent' });
  }
  const pm = pmRow.data;
  if (!si.payment_method_types.includes(pm.type)) throw errors.paymentMethodNotAllowed('SetupIntent', pm.type, si.payment_method_types, param);
  const connector = connectorFor(ctx.deps, pm.type);
  if (connector.requiresRedirect && !p.return_url) throw errors.returnUrlRequired('SetupIntent', pm.type);
  const acceptance = acceptanceFromMandateData(ctx, p.mandate_data);

  await abandonPendingAttempt(t, ctx, si);
  const attempt = await insertSetupAttempt(t, ctx, { ...si, payment_method: pm.id }, pm, { returnUrl: p.return_url ?? null, acceptance });
  const next: Stripe.SetupIntent = {
    ...si,
    status: step.to,
    payment_method: pm.id,
    latest_attempt: attempt.id,
    last_setup_error: null,
    next_action: null,
    payment_method_options: p.payment_method_options?.amazon_pay ? { ...si.payment_method_options, amazon_pay: {} } : si.payment_method_options,
  };
  await updateObject(t, ctx.scope, row, { data: next, lookup: pm.id });
  const op = await enqueueOperation(t, ctx, CONFIRM, si.id, { attemptId: attempt.id });
  return { si: next, op };
}

/** Runs phase 2 now; if the connector is unreachable the intent stays `processing` for the reconciler. */
export async function finishNow(ctx: CallContext, op: Operation, id: string): Promise<Stripe.SetupIntent> {
  await runOperation(ctx, op).catch(() => undefined);
  return (await requireSetupIntent(ctx.deps.store.read, ctx, id)).data;
}

/** POST /v1/setup_intents/:id/confirm, with a secret key or (Stripe.js) a publishable key + client_secret. */
export async function confirmSetupIntent(ctx: CallContext, id: string, p: ConfirmSetupIntent): Promise<Stripe.SetupIntent> {
  let op: Operation | undefined;
  await ctx.deps.store.tx(async (t) => {
    const row = await requireSetupIntent(t, ctx, id);
    checkClientSecret(ctx, row.data, p.client_secret);
    const begun = await beginConfirm(t, ctx, row, p);
    op = begun.op;
    return begun.si;
  });
  return finishNow(ctx, op!, id);
}

/**
 * A publishable key must present the intent's client_secret (wire.md §1.1); a secret key may, and
 * then it must match too. Shared by both intent types.
 */
export function checkClientSecret(ctx: CallContext, intent: { client_secret: string | null }, given: string | undefined, kind: 'SetupIntent' | 'PaymentIntent' = 'SetupIntent'): void {
  if (given === undefined) {
    if (ctx.keyKind === 'publishable') throw errors.parameterMissing('client_secret');
    return;
  }
  if (!intent.client_secret || !constantTimeEqual(given, intent.client_secret)) throw errors.clientSecretMismatch(kind);
}

// Phase 2: open the processor's checkout session, then show the customer the hosted page.
registerOperationHandler(CONFIRM, async (ctx, op) => {
  const { attemptId } = op.data as { attemptId: string };
  const read = ctx.deps.store.read;
  const attempt = await getSetupAttempt(read, ctx, attemptId);
  const intent = await requireSetupIntent(read, ctx, op.objectId);
  if (!attempt) return void (await ctx.deps.store.tx((t) => finishOperation(t, op)));
  const session = await connectorFor(ctx.deps, attempt.internal.paymentMethodType).createCheckoutSession(ctx.scope, {
    reference: attemptId,
    purpose: 'setup',
    recurring: intent.data.usage === 'off_session',
  });
  await ctx.deps.store.tx(async (t) => {
    if (!(await finishOperation(t, op))) return undefined;
    const row = await requireSetupIntent(t, ctx, op.objectId);
    const att = (await getSetupAttempt(t, ctx, attemptId))!;
    if (row.data.status !== 'processing' || row.data.latest_attempt !== attemptId) return undefined;
    if (session.status === 'failed') return applySetupFailure(t, ctx, row, att, session.failure!);
    if (session.status === 'succeeded') {
      const acceptance = att.internal.acceptance ?? { type: 'online' as const, accepted_at: nowSeconds(ctx), online: { ip_address: null, user_agent: null } };
      return applySetupSuccess(t, ctx, row, att, session.chargePermissionId, acceptance);
    }
    const step = transition(row.data.status as never, 'redirect_ready');
    if (!step.ok) return undefined;
    const redirect = await createRedirectSession(t, ctx, { type: 'setup_intent', id: row.id, attemptId });
    await updateSetupAttempt(t, ctx, att, { status: 'requires_action' }, { checkoutSessionId: session.checkoutSessionId, redirectTokenHash: redirect.tokenHash });
    const next: Stripe.SetupIntent = {
      ...row.data,
      status: step.to,
      next_action: { type: 'redirect_to_url', redirect_to_url: { url: redirect.url, return_url: att.internal.returnUrl } },
    };
    await updateObject(t, ctx.scope, row, { data: next });
    await emitEvent(t, ctx, 'setup_intent.requires_action', next);
    return next;
  });
});

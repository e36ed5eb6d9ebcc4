import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { capturedCharge, releasedCharge } from '../../domain/charges/charge.js';
import type { BuyerDecision, ChargeResult } from '../../connectors/connector.js';
import { connectorFor } from '../../connectors/registry.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { finishOperation, registerOperationHandler, type Operation } from '../../reconcile/operations.js';
import { completeRedirectSession, createRedirectSession } from '../../hosted/redirect-sessions.js';
import { requirePaymentMethod } from '../payment-methods/attach.js';
import { requireCharge, saveCharge } from '../charges/charges.js';
import { insertBalanceTransaction } from '../charges/balance-transactions.js';
import type { CallContext } from '../context.js';
import { OP } from './attempts.js';
import { applyPaymentResult, draftOf, failAttempt, move, outcomeOk, paymentError } from './results.js';
import { findPaymentIntent, savePaymentIntent, type PaymentIntentRow } from './rows.js';
import type { Draft } from './changes.js';
import type { ReleaseOpData } from './cancel.js';

/**
 * Second halves of the PaymentIntent use cases: each handler makes its connector call (outside
 * any transaction; connectors are idempotent per reference) and applies the answer in one
 * transaction with its events. The request that recorded the operation runs it right away; the
 * reconciler runs whatever a crash left behind (reconcile/operations.ts).
 */

/** Applies `fn` only if the intent still waits on this operation and nobody applied it first. */
async function applyOnce(ctx: CallContext, op: Operation, fn: (t: Sql, row: PaymentIntentRow, d: Draft) => Promise<unknown>): Promise<void> {
  await ctx.deps.store.tx(async (t) => {
    if (!(await finishOperation(t, op))) return undefined;
    const row = await findPaymentIntent(t, ctx, op.objectId);
    if (!row || row.internal.operation?.id !== op.id) return row?.data;
    const d = draftOf(row);
    await fn(t, row, d);
    return d.data;
  });
}

interface ChargeOpData {
  reference: string;
  paymentMethodType: string;
  amount: number;
  currency: string;
  capture: boolean;
}

// Redirect: open a checkout session at the processor, then send the customer to the hosted page.
registerOperationHandler(OP.openCheckout, async (ctx, op) => {
  const data = op.data as unknown as ChargeOpData & { recurring: boolean };
  const session = await connectorFor(ctx.deps, data.paymentMethodType).createCheckoutSession(ctx.scope, {
    reference: data.reference,
    purpose: 'payment',
    recurring: data.recurring,
    amount: data.amount,
    currency: data.currency,
    capture: data.capture,
  });
  await applyOnce(ctx, op, async (t, row, d) => {
    const attempt = d.internal.attempt!;
    if (session.status === 'failed') {
      const pm = await requirePaymentMethod(t, ctx, attempt.paymentMethodId, 'payment_method');
      const f = session.failure ?? { code: 'payment_intent_authentication_failure', message: 'The payment could not be started.' };
      return failAttempt(t, ctx, row, d, paymentError('invalid_request_error', f, pm.data), 400);
    }
    const { url, tokenHash } = await createRedirectSession(t, ctx, { type: 'payment_intent', id: d.data.id, attemptId: attempt.reference });
    attempt.checkoutSessionId = session.checkoutSessionId;
    attempt.redirectTokenHash = tokenHash;
    move(d, 'redirect_ready');
    d.data.next_action = { type: 'redirect_to_url', redirect_to_url: { url, return_url: attempt.returnUrl } };
    d.internal.operation = null;
    d.internal.outcome = outcomeOk(attempt.reference);
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    await emitEvent(t, ctx, 'payment_intent.requires_action', d.data);
  });
});

// The customer answered on the hosted page: complete the session; on approval the first charge exists.
registerOperationHandler(OP.completeCheckout, async (ctx, op) => {
  const data = op.data as {
    reference: string;
    paymentMethodType: string;
    checkoutSessionId: string;
    decision: BuyerDecision;
    tokenHash: string | null;
    customer: { ip: string; userAgent: string | null; acceptedAt: number };
  };
  const result = await connectorFor(ctx.deps, data.paymentMethodType).completeCheckoutSession(ctx.scope, { checkoutSessionId: data.checkoutSessionId, decision: data.decision });
  await applyOnce(ctx, op, async (t, row, d) => {
    const attempt = d.internal.attempt!;
    if (data.tokenHash) await completeRedirectSession(t, data.tokenHash, ctx.deps.clock.nowMs());
    const pm = await requirePaymentMethod(t, ctx, attempt.paymentMethodId, 'payment_method');
    if (result.status === 'failed' || !result.charge) {
      // The customer did not approve: no authorization was attempted, so no Charge.
      const f = result.failure ?? { code: 'payment_intent_authentication_failure', message: 'The customer did not approve the payment.' };
      return failAttempt(t, ctx, row, d, paymentError('invalid_request_error', f, pm.data), 400);
    }
    if (result.status === 'requires_action') throw new Error(`checkout session ${data.checkoutSessionId} is still open`);
    const saved = result.chargePermissionId
      ? { agreementId: result.chargePermissionId, fallbackAcceptance: { type: 'online' as const, accepted_at: data.customer.acceptedAt, online: { ip_address: data.customer.ip, user_agent: data.customer.userAgent } } }
      : null;
    return applyPaymentResult(t, ctx, row, d, pm, result.charge, saved);
  });
});

// Off-session: a merchant-initiated charge against the mandate's agreement.
registerOperationHandler(OP.charge, async (ctx, op) => {
  const data = op.data as unknown as ChargeOpData & { agreementId: string };
  const result = await connectorFor(ctx.deps, data.paymentMethodType).createCharge(ctx.scope, {
    reference: data.reference,
    chargePermissionId: data.agreementId,
    amount: data.amount,
    currency: data.currency,
    capture: data.capture,
  });
  // Still being decided at the processor: leave the operation for the reconciler to ask again.
  if (result.status === 'pending') throw new Error(`charge ${result.chargeId} is pending at the processor`);
  await applyOnce(ctx, op, async (t, row, d) => {
    const pm = await requirePaymentMethod(t, ctx, d.internal.attempt!.paymentMethodId, 'payment_method');
    return applyPaymentResult(t, ctx, row, d, pm, result, null);
  });
});

interface AuthorizationOpData {
  paymentMethodType: string;
  chargeId: string;
  connectorChargeId: string;
  amount: number;
  reference: string;
}

// Manual capture of all or part of the authorization.
registerOperationHandler(OP.capture, async (ctx, op) => {
  const data = op.data as unknown as AuthorizationOpData;
  const result = await connectorFor(ctx.deps, data.paymentMethodType).captureCharge(ctx.scope, { chargeId: data.connectorChargeId, amount: data.amount, reference: data.reference });
  await applyOnce(ctx, op, async (t, row, d) => {
    d.internal.operation = null;
    if (result.status !== 'captured') {
      move(d, 'capture_refused');
      d.internal.outcome = { reference: op.id, kind: 'refused', error: errors.captureRefused().toBody(), status: 400 };
      return savePaymentIntent(t, ctx, row, d.data, d.internal);
    }
    const chargeRow = await requireCharge(t, ctx, data.chargeId);
    const bt = await insertBalanceTransaction(t, ctx, { kind: 'charge', amount: result.capturedAmount, currency: chargeRow.data.currency, source: chargeRow.id, description: chargeRow.data.description });
    // A descriptor given at capture is the one on the statement.
    const charge: Stripe.Charge = { ...capturedCharge(chargeRow.data, result.capturedAmount, bt), statement_descriptor: d.data.statement_descriptor };
    if (d.data.statement_descriptor) charge.calculated_statement_descriptor = d.data.statement_descriptor;
    await saveCharge(t, ctx, chargeRow, charge);
    await emitEvent(t, ctx, 'charge.captured', charge);
    move(d, 'succeed');
    d.data.amount_received = result.capturedAmount;
    d.data.amount_capturable = 0;
    d.internal.outcome = outcomeOk(op.id);
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    await emitEvent(t, ctx, 'payment_intent.succeeded', d.data);
  });
});

// Cancel of an uncaptured payment, or its authorization lapsing: release the authorization, then the intent is canceled.
registerOperationHandler(OP.release, async (ctx, op) => {
  const data = op.data as unknown as ReleaseOpData;
  const result: ChargeResult = await connectorFor(ctx.deps, data.paymentMethodType).cancelCharge(ctx.scope, { chargeId: data.connectorChargeId, reason: data.cancellationReason ?? 'requested_by_customer' });
  await applyOnce(ctx, op, async (t, row, d) => {
    d.internal.operation = null;
    if (result.status === 'captured') {
      // Captured in the meantime at the processor: nothing to release; the intent keeps its state.
      move(d, 'capture_refused');
      d.internal.outcome = { reference: op.id, kind: 'refused', error: errors.authorizationNotReleasable().toBody(), status: 400 };
      return savePaymentIntent(t, ctx, row, d.data, d.internal);
    }
    const chargeRow = await requireCharge(t, ctx, data.chargeId);
    const charge = releasedCharge(chargeRow.data);
    await saveCharge(t, ctx, chargeRow, charge);
    // "Occurs whenever an uncaptured charge expires" (https://docs.stripe.com/api/events/types#event_types-charge.expired).
    await emitEvent(t, ctx, data.expired ? 'charge.expired' : 'charge.refunded', charge);
    move(d, 'released');
    d.data.amount_capturable = 0;
    d.data.canceled_at = data.canceledAt;
    d.data.cancellation_reason = data.cancellationReason;
    d.internal.outcome = outcomeOk(op.id);
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    await emitEvent(t, ctx, 'payment_intent.canceled', d.data);
  });
});

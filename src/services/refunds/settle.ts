import type Stripe from 'stripe';
import { withRefunded } from '../../domain/charges/charge.js';
import { canRefund, settledRefund, type RefundInternal, type RefundStatus } from '../../domain/refunds/refund.js';
import type { RefundResult } from '../../connectors/connector.js';
import { connectorFor } from '../../connectors/registry.js';
import { getObject, updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { requireCharge, saveCharge } from '../charges/charges.js';
import { insertBalanceTransaction } from '../charges/balance-transactions.js';
import type { CallContext, Deps } from '../context.js';
import { errors } from '../../errors/catalogue.js';
import { requireRefund } from './refunds.js';
import { runDue } from '../due-queue.js';
import { pollingWorker } from '../../lib/polling-worker.js';

/**
 * Refund settlement (flows.md §8, webhooks.md Flow E): a pending refund is asked about at the
 * processor once it is due, and its final status applied in one transaction with `refund.updated`
 * and `charge.refund.updated` (plus `refund.failed` and the Charge given back its amount when it
 * failed). The queue is a table (refund_settlements), so a refund pending when the process stops
 * settles after the next start; several processes may run the worker (the applying transaction
 * deletes the row first and only one can).
 *
 * In test mode the processor settles when asked (connector.settleRefund), after
 * ONFILE_REFUND_SETTLE_MS (default 1000 ms: "shortly after", as Stripe's test mode does).
 */
const settleDelayMs = () => Number(process.env.ONFILE_REFUND_SETTLE_MS ?? 1_000);

export async function scheduleSettlement(t: Sql, ctx: CallContext, refundId: string): Promise<void> {
  await t.run('INSERT INTO refund_settlements (refund_id, account_id, livemode, due_ms, attempts) VALUES (?, ?, ?, ?, 0)', [
    refundId,
    ctx.scope.accountId,
    ctx.scope.livemode ? 1 : 0,
    ctx.deps.clock.nowMs() + settleDelayMs(),
  ]);
}

/** One pass: settles every due refund (processor unreachable: asked again later); returns how many reached a final status. */
export function settleDueRefunds(deps: Deps, limit = 50): Promise<number> {
  return runDue(deps, { table: 'refund_settlements', idColumn: 'refund_id' }, limit, settleOne);
}

/**
 * onfile's test helper (`POST /_onfile/refunds/:id/fail`, test mode): the processor declines a
 * pending refund now, and it settles `failed` as a declined refund does (the money back on the
 * Charge and the balance, `refund.failed`), so an integration's handling of that can be tried.
 * Stripe's test mode has no Amazon Pay refund that fails.
 */
export async function failRefundNow(ctx: CallContext, refundId: string): Promise<Stripe.Refund> {
  if (ctx.scope.livemode) throw errors.testModeOnly();
  const row = await requireRefund(ctx.deps.store.read, ctx, refundId);
  if (row.data.status !== 'pending') {
    throw errors.invalidRequest(`This refund could not be failed because it has a status of ${row.data.status}. Only a refund with a status of pending may be failed.`);
  }
  await settleOne(ctx, refundId, 'failed');
  // A settlement that won the race (the worker's, already `succeeded`) stands: the answer says which.
  return (await requireRefund(ctx.deps.store.read, ctx, refundId)).data;
}

async function settleOne(ctx: CallContext, refundId: string, outcome: 'succeeded' | 'failed' = 'succeeded'): Promise<boolean> {
  const row = await getObject<Stripe.Refund, RefundInternal>(ctx.deps.store.read, ctx.scope, 'refund', refundId);
  if (!row || row.data.status !== 'pending') {
    await ctx.deps.store.tx((t) => t.run('DELETE FROM refund_settlements WHERE refund_id = ?', [refundId]));
    return false;
  }
  const connector = connectorFor(ctx.deps, row.internal.paymentMethodType);
  // Idempotent per reference: finds the processor's refund made at creation, or makes it now.
  let result: RefundResult | undefined = await connector.createRefund(ctx.scope, { chargeId: row.internal.connectorChargeId, amount: row.data.amount, reference: refundId });
  if (result.status === 'pending' && connector.settleRefund) result = (await connector.settleRefund(ctx.scope, result.refundId, outcome)) ?? result;
  if (result.status === 'pending') throw new Error(`refund ${refundId} still pending at the processor`);
  const final = result;
  return ctx.deps.store.tx(async (t) => {
    const { changes } = await t.run('DELETE FROM refund_settlements WHERE refund_id = ?', [refundId]);
    if (changes !== 1) return false;
    const current = await getObject<Stripe.Refund, RefundInternal>(t, ctx.scope, 'refund', refundId);
    if (!current || !canRefund(current.data.status as RefundStatus, final.status === 'succeeded' ? 'succeed' : 'fail')) return false;
    await applySettlement(t, ctx, current, final);
    return true;
  });
}

async function applySettlement(t: Sql, ctx: CallContext, row: NonNullable<Awaited<ReturnType<typeof getObject<Stripe.Refund, RefundInternal>>>>, result: RefundResult): Promise<void> {
  const before = row.data;
  const outcome = result.status === 'succeeded' ? 'succeeded' : 'failed';
  // A failed refund returns the money to the balance: a balance transaction of its own.
  const failureBt =
    outcome === 'failed' ? await insertBalanceTransaction(t, ctx, { kind: 'refund_failure', amount: before.amount, currency: before.currency, source: before.id, description: 'REFUND FAILURE' }) : null;
  const next = settledRefund(before, outcome, failureBt ? { balanceTransaction: failureBt, reason: 'declined' } : undefined);
  await updateObject(t, ctx.scope, row, { data: next, internal: { ...row.internal, connectorRefundId: result.refundId } });
  const prev: Record<string, unknown> = { status: before.status };
  if (before.pending_reason) prev.pending_reason = before.pending_reason;
  if (outcome === 'failed') {
    const charge = await requireCharge(t, ctx, before.charge as string);
    const restored = withRefunded(charge.data, -before.amount);
    await saveCharge(t, ctx, charge, restored);
    await emitEvent(t, ctx, 'refund.failed', next);
    await emitEvent(t, ctx, 'charge.updated', restored, { amount_refunded: charge.data.amount_refunded, refunded: charge.data.refunded });
  }
  await emitEvent(t, ctx, 'refund.updated', next, prev);
  await emitEvent(t, ctx, 'charge.refund.updated', next, prev);
}

/** The background worker (registered in plugins.ts): a pass every ONFILE_REFUND_POLL_MS (250 ms). */
export function refundSettlementWorker(deps: Deps): () => Promise<void> {
  return pollingWorker('refund settlement', Number(process.env.ONFILE_REFUND_POLL_MS ?? 250), () => settleDueRefunds(deps));
}

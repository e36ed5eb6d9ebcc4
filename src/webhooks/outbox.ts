import type Stripe from 'stripe';
import type { Sql } from '../storage/sql.js';
import type { CallContext } from '../services/context.js';
import { randomBytes } from 'node:crypto';
import { onEventInserted } from '../events/hooks.js';
import { queueSubscribedDeliveries } from '../storage/repos/deliveries.js';
import { outboxWritten } from './wake.js';

/**
 * onfile's own id for one (event, endpoint) delivery; not a Stripe object. The outbox statements make
 * theirs in SQL (storage/repos/deliveries.ts) in the same shape: 32 lowercase hex digits.
 */
export function newDeliveryId(): string {
  return `whdel_${randomBytes(16).toString('hex')}`;
}

/**
 * Runs inside the transaction that inserts the event: the outbox rows commit or roll back with it, so an
 * event is never recorded without its deliveries, nor delivered without being recorded.
 */
export async function enqueueDeliveries(t: Sql, ctx: CallContext, event: Stripe.Event): Promise<void> {
  const nowMs = ctx.deps.clock.nowMs();
  const queuedFor = (queued: number) => {
    if (!queued) return;
    event.pending_webhooks += queued;
    // The rows are not committed yet; on SQLite the dispatcher's claim queues behind this transaction, on
    // PostgreSQL a claim that runs first simply finds nothing and the poll picks the rows up.
    setTimeout(outboxWritten, 5).unref();
  };
  await queueSubscribedDeliveries(t, { scope: ctx.scope, eventId: event.id, eventType: event.type, nowMs }, queuedFor);
}

onEventInserted(enqueueDeliveries);

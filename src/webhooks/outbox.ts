import type Stripe from 'stripe';
import type { Sql } from '../storage/sql.js';
import type { CallContext } from '../services/context.js';
import { onEventInserted } from '../events/hooks.js';
import { queueSubscribedDeliveries } from '../storage/repos/deliveries.js';
import { outboxWritten } from './wake.js';

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

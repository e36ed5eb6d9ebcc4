import type Stripe from 'stripe';
import type { Sql } from '../storage/sql.js';
import type { CallContext } from '../services/context.js';
import { newToken } from '../lib/ids.js';
import { onEventInserted } from '../events/hooks.js';
import { endpointsOf } from '../storage/repos/webhooks.js';
import { insertDelivery, queueSubscribedDeliveries } from '../storage/repos/deliveries.js';
import { addPendingWebhooks } from '../storage/repos/events.js';
import { outboxWritten } from './wake.js';

/** onfile's own id for one (event, endpoint) delivery; not a Stripe object. */
export function newDeliveryId(): string {
  return `whdel_${newToken(24)}`;
}

/**
 * An endpoint receives an event when it is enabled at the time the event is created and lists the type
 * or `*` (https://docs.stripe.com/webhooks#events-overview). Modes never mix: the scope is the event's.
 */
export function subscribes(endpoint: Stripe.WebhookEndpoint, type: string): boolean {
  return endpoint.status === 'enabled' && (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type));
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
  if (t.dialect === 'postgres') {
    // One statement, answered with the COMMIT instead of a round trip of its own.
    await queueSubscribedDeliveries(t, { scope: ctx.scope, eventId: event.id, eventType: event.type, nowMs }, queuedFor);
    return;
  }
  const endpoints = await endpointsOf(t, ctx.scope);
  let queued = 0;
  for (const ep of endpoints) {
    if (!subscribes(ep.data, event.type)) continue;
    if (await insertDelivery(t, { id: newDeliveryId(), scope: ctx.scope, eventId: event.id, endpointId: ep.id, apiVersion: ep.data.api_version, nowMs })) queued++;
  }
  if (queued) await addPendingWebhooks(t, event.id, queued);
  queuedFor(queued);
}

onEventInserted(enqueueDeliveries);

import { newId } from '../lib/ids.js';
import type { Sql } from '../storage/sql.js';
import type { CallContext } from '../services/context.js';
import { insertV2Event } from '../storage/repos/events.js';
import { queueDestinationDeliveries } from '../storage/repos/deliveries.js';
import { outboxWritten } from '../webhooks/wake.js';
import { rfc3339 } from '../domain/accounts/v2-account.js';
import type { RelatedObject, V2Changes, V2Event, V2EventType } from '../domain/events/v2-event.js';

/**
 * Records a v2 (thin) event in the caller's transaction, with its deliveries to the account's event
 * destinations: the change, the event and its outbox rows commit or vanish together, as for v1
 * events (emit.ts). v1 webhook endpoints never receive v2 events, nor destinations v1 ones.
 * `only`: deliver to this destination alone, whatever it enabled (a ping).
 */
export async function emitV2Event(
  t: Sql,
  ctx: CallContext,
  type: V2EventType,
  related: RelatedObject,
  opts: { only?: string; changes?: V2Changes } = {},
): Promise<V2Event> {
  const nowMs = ctx.deps.clock.nowMs();
  const event: V2Event = {
    id: newId('event'),
    object: 'v2.core.event',
    // undefined when the type carries none: JSON leaves the key out.
    changes: opts.changes,
    created: rfc3339(nowMs),
    livemode: ctx.scope.livemode,
    related_object: related,
    type,
  };
  if (ctx.request) {
    const request: { id: string; idempotency_key?: string } = { id: ctx.request.id };
    if (ctx.request.idempotencyKey) request.idempotency_key = ctx.request.idempotencyKey;
    event.reason = { type: 'request', request };
  }
  await insertV2Event(t, ctx.scope, event, Math.floor(nowMs / 1000));
  const queued = await queueDestinationDeliveries(t, { scope: ctx.scope, eventId: event.id, eventType: type, nowMs, only: opts.only });
  // Not committed yet: the nudge only shortens the dispatcher's wait (see webhooks/outbox.ts).
  if (queued) setTimeout(outboxWritten, 5).unref();
  return event;
}

export const accountObject = (id: string): RelatedObject => ({ id, type: 'v2.core.account', url: `/v2/core/accounts/${id}` });
export const destinationObject = (id: string): RelatedObject => ({ id, type: 'v2.core.event_destination', url: `/v2/core/event_destinations/${id}` });

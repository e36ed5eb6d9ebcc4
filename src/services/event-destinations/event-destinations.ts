import { newId, newWebhookSecret } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { rfc3339 } from '../../domain/accounts/v2-account.js';
import { isV2EventType, type V2Event } from '../../domain/events/v2-event.js';
import type { StoredEventDestination } from '../../domain/event-destinations/event-destination.js';
import { getObject, insertObject, updateObject, type StoredObject } from '../../storage/repos/objects.js';
import { cancelPendingForEndpoint } from '../../storage/repos/deliveries.js';
import { currentSecret, deleteEndpointRow, type EndpointInternal } from '../../storage/repos/webhooks.js';
import type { Sql } from '../../storage/sql.js';
import { destinationObject, emitV2Event } from '../../events/emit-v2.js';
import { checkUrl } from '../webhook-endpoints/webhook-endpoints.js';
import type { CallContext } from '../context.js';
import type { CreateEventDestination, UpdateEventDestination } from '../../api/v2/core/event-destinations/params.js';

export const EVENT_DESTINATION_TYPE = 'v2.core.event_destination' as const;

type Row = StoredObject<StoredEventDestination, EndpointInternal>;

/** Only the v2 events onfile emits can be enabled (a typo would otherwise subscribe to nothing, silently). */
function checkEnabledEvents(list: string[]): string[] {
  if (!list.length) throw errors.parameterMissing('enabled_events');
  list.forEach((type, i) => {
    if (!isV2EventType(type)) throw errors.invalidEnabledEvent(type, `enabled_events[${i}]`);
  });
  return [...new Set(list)];
}

async function requireDestination(t: Sql, ctx: CallContext, id: string): Promise<Row> {
  const row = await getObject<StoredEventDestination, EndpointInternal>(t, ctx.scope, EVENT_DESTINATION_TYPE, id);
  if (!row) throw errors.resourceMissing('event_destination', id);
  return row;
}

/** The new destination and its signing secret, which the create response alone may show. */
export async function createEventDestination(ctx: CallContext, p: CreateEventDestination): Promise<{ destination: StoredEventDestination; secret: string }> {
  if (p.type !== 'webhook_endpoint') throw errors.destinationTypeNotSupported(p.type, 'type');
  if (p.event_payload !== 'thin') throw errors.snapshotDestinationNotSupported();
  if (p.snapshot_api_version !== undefined) throw errors.invalidRequest('snapshot_api_version is for snapshot payloads only.', 'snapshot_api_version');
  if (!p.webhook_endpoint) throw errors.parameterMissing('webhook_endpoint');
  checkUrl(p.webhook_endpoint.url, 'webhook_endpoint.url');
  // Connect's scopes (`@accounts`, organizations) need accounts onfile does not emulate.
  const from = p.events_from ?? ['@self'];
  from.forEach((f, i) => {
    if (f !== '@self') throw errors.invalidRequest(`Invalid events_from[${i}]: onfile routes events of the destination's own account only (@self).`, `events_from[${i}]`);
  });
  const enabled = checkEnabledEvents(p.enabled_events);
  const nowMs = ctx.deps.clock.nowMs();
  const id = newId('event_destination');
  const secret = newWebhookSecret();
  const destination: StoredEventDestination = {
    id,
    object: 'v2.core.event_destination',
    created: rfc3339(nowMs),
    description: p.description ?? '',
    enabled_events: enabled,
    event_payload: 'thin',
    events_from: [...new Set(from)],
    livemode: ctx.scope.livemode,
    metadata: applyMetadata({}, p.metadata ?? undefined),
    name: p.name,
    status: 'enabled',
    status_details: null,
    type: 'webhook_endpoint',
    updated: rfc3339(nowMs),
    webhook_endpoint: { url: p.webhook_endpoint.url },
  };
  const internal: EndpointInternal = { secrets: [{ secret, expires_at: null }], failing_since: null };
  // The transaction's result is the destination: a keyed request records it as its object, so a
  // retry after a crash answers it instead of making a second one.
  await ctx.deps.store.tx(async (t) => {
    await insertObject(t, ctx.scope, { type: EVENT_DESTINATION_TYPE, id, created: Math.floor(nowMs / 1000), data: destination, internal });
    return destination;
  });
  return { destination, secret };
}

/**
 * For a retry whose first attempt committed but never stored its answer: the destination and its
 * current signing secret. Only a create may include the secret, so a recovered create shows it as
 * its first answer would have; undefined when the destination is gone.
 */
export async function recoveredEventDestination(ctx: CallContext, id: string): Promise<{ destination: StoredEventDestination; secret?: string } | undefined> {
  const row = await getObject<StoredEventDestination, EndpointInternal>(ctx.deps.store.read, ctx.scope, EVENT_DESTINATION_TYPE, id);
  return row && { destination: row.data, secret: currentSecret(row.internal) };
}

export async function retrieveEventDestination(ctx: CallContext, id: string): Promise<StoredEventDestination> {
  return (await requireDestination(ctx.deps.store.read, ctx, id)).data;
}

export async function updateEventDestination(ctx: CallContext, id: string, p: UpdateEventDestination): Promise<StoredEventDestination> {
  if (p.webhook_endpoint) checkUrl(p.webhook_endpoint.url, 'webhook_endpoint.url');
  const enabled = p.enabled_events === undefined ? undefined : checkEnabledEvents(p.enabled_events);
  return ctx.deps.store.tx(async (t) => {
    const row = await requireDestination(t, ctx, id);
    const next: StoredEventDestination = { ...row.data, updated: rfc3339(ctx.deps.clock.nowMs()) };
    if (p.description !== undefined) next.description = p.description;
    if (enabled) next.enabled_events = enabled;
    if (p.metadata !== undefined) next.metadata = applyMetadata(row.data.metadata, p.metadata ?? undefined);
    if (p.name !== undefined) next.name = p.name;
    if (p.webhook_endpoint) next.webhook_endpoint = { url: p.webhook_endpoint.url };
    await updateObject(t, ctx.scope, row, { data: next });
    return next;
  });
}

/** `disable` stops deliveries (those already queued are canceled when their turn comes); `enable` resumes them for new events. */
export async function setEventDestinationStatus(ctx: CallContext, id: string, status: 'enabled' | 'disabled'): Promise<StoredEventDestination> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requireDestination(t, ctx, id);
    if (row.data.status === status) return row.data;
    const next: StoredEventDestination = {
      ...row.data,
      status,
      status_details: status === 'disabled' ? { disabled: { reason: 'user' } } : null,
      updated: rfc3339(ctx.deps.clock.nowMs()),
    };
    await updateObject(t, ctx.scope, row, { data: next, internal: { ...row.internal, failing_since: null } });
    return next;
  });
}

export async function deleteEventDestination(ctx: CallContext, id: string): Promise<{ id: string; object: 'v2.core.event_destination' }> {
  return ctx.deps.store.tx(async (t) => {
    await requireDestination(t, ctx, id);
    await deleteEndpointRow(t, ctx.scope, id, EVENT_DESTINATION_TYPE);
    await cancelPendingForEndpoint(t, id, ctx.deps.clock.nowMs());
    return { id, object: 'v2.core.event_destination' as const };
  });
}

/** `v2.core.event_destination.ping`, delivered to this destination alone (https://docs.stripe.com/api/v2/core/event_destinations/ping). */
export async function pingEventDestination(ctx: CallContext, id: string): Promise<V2Event> {
  return ctx.deps.store.tx(async (t) => {
    await requireDestination(t, ctx, id);
    return emitV2Event(t, ctx, 'v2.core.event_destination.ping', destinationObject(id), { only: id });
  });
}

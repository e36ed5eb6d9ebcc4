import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { getObject } from '../../storage/repos/objects.js';
import { addPendingWebhooks, eventTypesOf, getEvent } from '../../storage/repos/events.js';
import {
  attemptsOf,
  getDelivery,
  getDeliveryFor,
  insertDelivery,
  listDeliveries,
  scheduleResend,
  type Attempt,
  type Delivery,
  type DeliveryStatus,
} from '../../storage/repos/deliveries.js';
import type { Sql } from '../../storage/sql.js';
import type { CallContext } from '../context.js';
import { newDeliveryId } from '../../lib/ids.js';
import { getDeliveryTargetAnyScope } from '../../storage/repos/webhooks.js';
import { outboxWritten } from '../../webhooks/wake.js';
import { loadWebhookSettings, retryScheduleOf } from '../../webhooks/settings.js';

/**
 * onfile's own view of webhook deliveries (not a Stripe API): what the Dashboard's "event deliveries" page
 * and `stripe events resend` give Stripe users.
 */
export interface DeliveryView {
  id: string;
  object: 'onfile.webhook_delivery';
  created: number;
  event: string;
  event_type: string | null;
  livemode: boolean;
  webhook_endpoint: string;
  status: DeliveryStatus;
  attempt_count: number;
  /** unix seconds of the next automatic attempt, null when none is scheduled */
  next_attempt_at: number | null;
  api_version: string | null;
  attempts: AttemptView[];
}

export interface AttemptView {
  attempt: number;
  created: number;
  url: string;
  http_status: number | null;
  duration_ms: number;
  /** first KiB of the response body */
  response_body: string | null;
  error: string | null;
  dispatcher: string | null;
}

const secs = (ms: number) => Math.floor(ms / 1000);

function view(d: Delivery, attempts: Attempt[], type: string | null): DeliveryView {
  return {
    id: d.id,
    object: 'onfile.webhook_delivery',
    created: secs(d.created),
    event: d.eventId,
    event_type: type,
    livemode: d.livemode,
    webhook_endpoint: d.endpointId,
    status: d.status,
    // Counted from the attempts shown, not the row's counter: on PostgreSQL the row and its attempts
    // are two reads, and an attempt committed between them would be listed but not counted.
    attempt_count: attempts.length,
    next_attempt_at: d.status === 'pending' ? secs(Math.max(d.nextAttemptAt, d.leaseUntil)) : null,
    api_version: d.apiVersion,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      created: secs(a.startedAt),
      url: a.url,
      http_status: a.httpStatus,
      duration_ms: a.durationMs,
      response_body: a.responseBody,
      error: a.error,
      dispatcher: a.dispatcher,
    })),
  };
}

async function render(t: Sql, items: Delivery[]): Promise<DeliveryView[]> {
  const [attempts, types] = await Promise.all([attemptsOf(t, items.map((d) => d.id)), eventTypesOf(t, [...new Set(items.map((d) => d.eventId))])]);
  return items.map((d) => view(d, attempts.filter((a) => a.deliveryId === d.id), types.get(d.eventId) ?? null));
}

export async function listDeliveryViews(
  ctx: CallContext,
  q: { event?: string; endpoint?: string; status?: DeliveryStatus; limit?: number; starting_after?: string },
): Promise<{ object: 'list'; data: DeliveryView[]; has_more: boolean; url: string }> {
  const read = ctx.deps.store.read;
  let startingAfterSeq: number | undefined;
  if (q.starting_after) {
    const cursor = await getDelivery(read, ctx.scope, q.starting_after);
    if (!cursor) throw errors.resourceMissing('webhook delivery', q.starting_after, 'starting_after', 400);
    startingAfterSeq = cursor.seq;
  }
  const { items, hasMore } = await listDeliveries(read, ctx.scope, { eventId: q.event, endpointId: q.endpoint, status: q.status, limit: q.limit ?? 10, startingAfterSeq });
  return { object: 'list', data: await render(read, items), has_more: hasMore, url: '/_onfile/webhook_deliveries' };
}

export async function retrieveDeliveryView(ctx: CallContext, id: string): Promise<DeliveryView> {
  const d = await getDelivery(ctx.deps.store.read, ctx.scope, id);
  if (!d) throw errors.resourceMissing('webhook delivery', id);
  return (await render(ctx.deps.store.read, [d]))[0];
}

/**
 * Sends a delivery once more, now, whatever its state (failed, canceled or even succeeded), like the
 * Dashboard's "Resend". A resend that fails is not retried automatically.
 */
export async function resendDelivery(ctx: CallContext, id: string): Promise<DeliveryView> {
  const retryEnd = retryScheduleOf(loadWebhookSettings(), ctx.scope.livemode).length;
  await ctx.deps.store.tx(async (t) => {
    const d = await getDelivery(t, ctx.scope, id);
    if (!d) throw errors.resourceMissing('webhook delivery', id);
    // A v1 event's delivery goes to a webhook endpoint, a v2 event's to an event destination.
    const target = await getDeliveryTargetAnyScope(t, d.endpointId);
    const noun = target?.type === 'v2.core.event_destination' ? 'event destination' : 'webhook endpoint';
    if (!target) throw errors.resourceMissing(noun, d.endpointId);
    if (!target.enabled) throw errors.invalidRequest(`The ${noun} ${d.endpointId} is disabled; enable it before resending events to it.`);
    await scheduleResend(t, d.id, ctx.deps.clock.nowMs(), retryEnd);
  });
  outboxWritten();
  return retrieveDeliveryView(ctx, id);
}

/** `stripe events resend evt_… --webhook-endpoint=we_…`: also reaches an endpoint created after the event. */
export async function resendEventTo(ctx: CallContext, eventId: string, endpointId: string): Promise<DeliveryView> {
  const retryEnd = retryScheduleOf(loadWebhookSettings(), ctx.scope.livemode).length;
  const id = await ctx.deps.store.tx(async (t) => {
    const event = await getEvent(t, ctx.scope, eventId);
    if (!event) throw errors.resourceMissing('event', eventId);
    const endpoint = await requireLiveEndpoint(t, ctx, endpointId, 'webhook_endpoint');
    const nowMs = ctx.deps.clock.nowMs();
    let d = await getDeliveryFor(t, ctx.scope, eventId, endpointId);
    if (!d) {
      await insertDelivery(t, { id: newDeliveryId(), scope: ctx.scope, eventId, endpointId, apiVersion: endpoint.api_version, nowMs });
      await addPendingWebhooks(t, eventId, 1);
      d = (await getDeliveryFor(t, ctx.scope, eventId, endpointId))!;
    }
    await scheduleResend(t, d.id, nowMs, retryEnd);
    return d.id;
  });
  outboxWritten();
  return retrieveDeliveryView(ctx, id);
}

async function requireLiveEndpoint(t: Sql, ctx: CallContext, id: string, param = 'id'): Promise<Stripe.WebhookEndpoint> {
  const row = await getObject<Stripe.WebhookEndpoint>(t, ctx.scope, 'webhook_endpoint', id);
  if (!row) throw errors.resourceMissing('webhook endpoint', id, param, param === 'id' ? 404 : 400);
  if (row.data.status !== 'enabled') throw errors.invalidRequest(`The webhook endpoint ${id} is disabled; enable it before resending events to it.`, param);
  return row.data;
}

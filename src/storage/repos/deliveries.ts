import { inList, limitClause, parseJson, type Sql, type SqlValue } from '../sql.js';
import type { Scope } from './objects.js';
import { addPendingWebhooks } from './events.js';
import { DELIVERY_ID_PREFIX, newDeliveryId } from '../../lib/ids.js';

const lm = (s: Scope) => (s.livemode ? 1 : 0);

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

/** One outbox row: the delivery of one event to one endpoint, with its retry state. Times in ms. */
export interface Delivery {
  seq: number;
  id: string;
  accountId: string;
  livemode: boolean;
  eventId: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  retryIndex: number;
  nextAttemptAt: number;
  leaseUntil: number;
  leaseOwner: string | null;
  apiVersion: string | null;
  created: number;
  updated: number;
}

export interface Attempt {
  seq: number;
  deliveryId: string;
  eventId: string;
  endpointId: string;
  url: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  httpStatus: number | null;
  responseBody: string | null;
  error: string | null;
  dispatcher: string | null;
}

interface DeliveryRow {
  seq: number;
  id: string;
  account_id: string;
  livemode: number;
  event_id: string;
  endpoint_id: string;
  status: string;
  attempts: number;
  retry_index: number;
  next_attempt_at: number;
  lease_until: number;
  lease_owner: string | null;
  api_version: string | null;
  created: number;
  updated: number;
}

const DELIVERY_COLUMNS = 'seq, id, account_id, livemode, event_id, endpoint_id, status, attempts, retry_index, next_attempt_at, lease_until, lease_owner, api_version, created, updated';

const toDelivery = (r: DeliveryRow): Delivery => ({
  seq: Number(r.seq),
  id: r.id,
  accountId: r.account_id,
  livemode: Number(r.livemode) === 1,
  eventId: r.event_id,
  endpointId: r.endpoint_id,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  retryIndex: Number(r.retry_index),
  nextAttemptAt: Number(r.next_attempt_at),
  leaseUntil: Number(r.lease_until),
  leaseOwner: r.lease_owner,
  apiVersion: r.api_version,
  created: Number(r.created),
  updated: Number(r.updated),
});

const ENDPOINT_EXISTS = "SELECT 1 FROM objects WHERE account_id = ? AND livemode = ? AND type = 'webhook_endpoint' LIMIT 1";

/**
 * Queues a delivery of the event to every endpoint of the scope that subscribes to `eventType` (enabled,
 * and listing the type or `*`: https://docs.stripe.com/webhooks#events-overview), and adds their number
 * to the event's `pending_webhooks`. On PostgreSQL that is one statement that needs no answer before
 * the COMMIT (`writeReturning`): reading the endpoints first would cost the transaction a round trip per
 * event. The subscription rule lives here only, in each engine's SQL. `then` gets how many deliveries
 * were queued.
 */
export async function queueSubscribedDeliveries(
  t: Sql,
  d: { scope: Scope; eventId: string; eventType: string; nowMs: number },
  then: (queued: number) => void,
): Promise<void> {
  if (t.dialect === 'sqlite') {
    // An INSERT opens the deliveries table and its four indexes even when it inserts nothing, which cost
    // an account without endpoints more than the lookup of its endpoints: look first, insert if any.
    const endpoints = await t.one(ENDPOINT_EXISTS, [d.scope.accountId, lm(d.scope)]);
    if (!endpoints) return then(0);
    // A statement costs no round trip here: the inserted rows are read at once, and the event is touched
    // only when there were any. (`WHERE true`: without it SQLite's parser takes ON CONFLICT for a join
    // constraint of the SELECT.)
    const queued = await t.all<{ id: string }>(
      `WITH subscribed AS (
         SELECT id, account_id, livemode, json_extract(data, '$.api_version') AS api_version FROM objects
         WHERE account_id = ? AND livemode = ? AND type = 'webhook_endpoint' AND json_extract(data, '$.status') = 'enabled'
           AND EXISTS (SELECT 1 FROM json_each(data, '$.enabled_events') WHERE value = '*' OR value = ?)
       )
       INSERT INTO webhook_deliveries (id, account_id, livemode, event_id, endpoint_id, status, next_attempt_at, api_version, created, updated)
       SELECT '${DELIVERY_ID_PREFIX}' || lower(hex(randomblob(16))), account_id, livemode, ?, id, 'pending', ?, api_version, ?, ? FROM subscribed WHERE true
       ON CONFLICT DO NOTHING RETURNING id`,
      [d.scope.accountId, lm(d.scope), d.eventType, d.eventId, d.nowMs, d.nowMs, d.nowMs],
    );
    if (queued.length) await addPendingWebhooks(t, d.eventId, queued.length);
    then(queued.length);
    return;
  }
  await t.writeReturning<{ queued: number | string }>(
    `WITH subscribed AS (
       SELECT id, account_id, livemode, (data::jsonb) ->> 'api_version' AS api_version FROM objects
       WHERE account_id = ? AND livemode = ? AND type = 'webhook_endpoint' AND (data::jsonb) ->> 'status' = 'enabled'
         AND ((data::jsonb) -> 'enabled_events' @> '["*"]' OR (data::jsonb) -> 'enabled_events' @> jsonb_build_array(?::text))
     ), queued AS (
       INSERT INTO webhook_deliveries (id, account_id, livemode, event_id, endpoint_id, status, next_attempt_at, api_version, created, updated)
       SELECT '${DELIVERY_ID_PREFIX}' || replace(gen_random_uuid()::text, '-', ''), account_id, livemode, ?, id, 'pending', ?, api_version, ?, ? FROM subscribed
       ON CONFLICT DO NOTHING RETURNING 1
     ), counted AS (
       SELECT count(*) AS n FROM queued
     ), counted_on_event AS (
       UPDATE events SET pending_webhooks = pending_webhooks + (SELECT n FROM counted) WHERE id = ? AND (SELECT n FROM counted) > 0
     )
     SELECT n AS queued FROM counted`,
    [d.scope.accountId, lm(d.scope), d.eventType, d.eventId, d.nowMs, d.nowMs, d.nowMs, d.eventId],
    (rows) => then(Number(rows[0]?.queued ?? 0)),
  );
}

/** Returns false when the (event, endpoint) pair already has a delivery. */
export async function insertDelivery(
  t: Sql,
  d: { id: string; scope: Scope; eventId: string; endpointId: string; apiVersion: string | null; nowMs: number },
): Promise<boolean> {
  const r = await t.run(
    `INSERT INTO webhook_deliveries (id, account_id, livemode, event_id, endpoint_id, status, next_attempt_at, api_version, created, updated)
     VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [d.id, d.scope.accountId, lm(d.scope), d.eventId, d.endpointId, d.nowMs, d.apiVersion, d.nowMs, d.nowMs],
  );
  return r.changes === 1;
}

/**
 * Leases up to `limit` due deliveries to `owner`. On PostgreSQL the candidate rows are locked with SKIP
 * LOCKED, so concurrent dispatchers (several onfile processes) pass over each other's rows instead of
 * waiting; the lease then keeps a row away from everyone else after this transaction commits. On SQLite
 * the transaction is the single writer (BEGIN IMMEDIATE). An expired lease — a dispatcher that died
 * mid-delivery — makes the row due again: delivery is at-least-once.
 */
export async function claimDueDeliveries(t: Sql, nowMs: number, limit: number, owner: string, leaseUntil: number): Promise<Delivery[]> {
  const lock = t.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const rows = await t.all<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
     WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
     ORDER BY next_attempt_at, seq ${limitClause(limit)}${lock}`,
    [nowMs, nowMs],
  );
  if (!rows.length) return [];
  const { marks, values } = inList(rows.map((r) => r.id));
  await t.run(`UPDATE webhook_deliveries SET lease_until = ?, lease_owner = ? WHERE id IN (${marks})`, [leaseUntil, owner, ...values]);
  return rows.map((r) => ({ ...toDelivery(r), leaseUntil, leaseOwner: owner }));
}

/** The earliest time a pending delivery becomes due, so an idle dispatcher knows when to look again. */
export async function nextDueAt(t: Sql): Promise<number | null> {
  const r = await t.one<{ at: number | null }>("SELECT MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END) AS at FROM webhook_deliveries WHERE status = 'pending'");
  return r?.at === null || r?.at === undefined ? null : Number(r.at);
}

/**
 * Records the outcome of an attempt made under a lease. Returns false (and changes nothing) if the lease
 * was lost meanwhile: another dispatcher owns the row now and will record its own attempt.
 */
export async function finishAttempt(
  t: Sql,
  d: Delivery,
  next: { status: DeliveryStatus; retryIndex: number; nextAttemptAt: number; nowMs: number },
): Promise<boolean> {
  const r = await t.run(
    // A delivery canceled while its attempt was in flight (endpoint deleted) stays canceled.
    `UPDATE webhook_deliveries SET status = CASE WHEN status = 'canceled' THEN status ELSE ? END, attempts = attempts + 1, retry_index = ?,
       next_attempt_at = ?, lease_until = 0, lease_owner = NULL, updated = ?
     WHERE id = ? AND lease_owner = ?`,
    [next.status, next.retryIndex, next.nextAttemptAt, next.nowMs, d.id, d.leaseOwner],
  );
  return r.changes === 1;
}

/** Ends a delivery without an attempt (its endpoint is gone or disabled); `owner` guards a leased row. */
export async function setDeliveryStatus(t: Sql, id: string, owner: string | null, status: DeliveryStatus, nowMs: number): Promise<boolean> {
  const guard = owner === null ? '' : ' AND lease_owner = ?';
  const params: SqlValue[] = [status, nowMs, id];
  if (owner !== null) params.push(owner);
  const r = await t.run(`UPDATE webhook_deliveries SET status = ?, lease_until = 0, lease_owner = NULL, updated = ? WHERE id = ?${guard}`, params);
  return r.changes === 1;
}

/** Gives a leased delivery back untouched (shutdown, or nothing to decide yet): it is due again at once. */
export async function releaseLease(t: Sql, id: string, owner: string): Promise<void> {
  await t.run('UPDATE webhook_deliveries SET lease_until = 0, lease_owner = NULL WHERE id = ? AND lease_owner = ?', [id, owner]);
}

/**
 * A manual resend: one attempt now, and no automatic retries after it (`retryIndex` = end of schedule). A lease
 * in force is left alone, so a resend never runs beside an attempt already in flight.
 */
export async function scheduleResend(t: Sql, id: string, nowMs: number, retryIndex: number): Promise<void> {
  await t.run(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, retry_index = ?, updated = ? WHERE id = ?`, [nowMs, retryIndex, nowMs, id]);
}

/** Stripe stops retrying for an endpoint that is deleted (https://docs.stripe.com/webhooks#retries). */
export async function cancelPendingForEndpoint(t: Sql, endpointId: string, nowMs: number): Promise<void> {
  // Leases stay: an attempt in flight finishes and is recorded, and the row stays canceled (finishAttempt).
  await t.run(`UPDATE webhook_deliveries SET status = 'canceled', updated = ? WHERE endpoint_id = ? AND status = 'pending'`, [nowMs, endpointId]);
}

export async function insertAttempt(t: Sql, scope: Scope, a: Omit<Attempt, 'seq'>): Promise<void> {
  await t.run(
    `INSERT INTO webhook_attempts (delivery_id, account_id, livemode, event_id, endpoint_id, url, attempt, started_at, duration_ms, http_status, response_body, error, dispatcher)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [a.deliveryId, scope.accountId, lm(scope), a.eventId, a.endpointId, a.url, a.attempt, a.startedAt, a.durationMs, a.httpStatus, a.responseBody, a.error, a.dispatcher],
  );
}

export async function getDelivery(t: Sql, scope: Scope, id: string): Promise<Delivery | undefined> {
  const r = await t.one<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ? AND account_id = ? AND livemode = ?`, [id, scope.accountId, lm(scope)]);
  return r && toDelivery(r);
}

export async function getDeliveryFor(t: Sql, scope: Scope, eventId: string, endpointId: string): Promise<Delivery | undefined> {
  const r = await t.one<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE event_id = ? AND endpoint_id = ? AND account_id = ? AND livemode = ?`, [
    eventId,
    endpointId,
    scope.accountId,
    lm(scope),
  ]);
  return r && toDelivery(r);
}

export interface DeliveryQuery {
  eventId?: string;
  endpointId?: string;
  status?: DeliveryStatus;
  limit: number;
  startingAfterSeq?: number;
}

export async function listDeliveries(t: Sql, scope: Scope, q: DeliveryQuery): Promise<{ items: Delivery[]; hasMore: boolean }> {
  const where = ['account_id = ?', 'livemode = ?'];
  const params: SqlValue[] = [scope.accountId, lm(scope)];
  if (q.eventId) {
    where.push('event_id = ?');
    params.push(q.eventId);
  }
  if (q.endpointId) {
    where.push('endpoint_id = ?');
    params.push(q.endpointId);
  }
  if (q.status) {
    where.push('status = ?');
    params.push(q.status);
  }
  if (q.startingAfterSeq !== undefined) {
    where.push('seq < ?');
    params.push(q.startingAfterSeq);
  }
  const rows = await t.all<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE ${where.join(' AND ')} ORDER BY seq DESC ${limitClause(q.limit + 1)}`, params);
  return { items: rows.slice(0, q.limit).map(toDelivery), hasMore: rows.length > q.limit };
}

interface AttemptRow {
  seq: number;
  delivery_id: string;
  event_id: string;
  endpoint_id: string;
  url: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  http_status: number | null;
  response_body: string | null;
  error: string | null;
  dispatcher: string | null;
}

export async function attemptsOf(t: Sql, deliveryIds: readonly string[]): Promise<Attempt[]> {
  if (!deliveryIds.length) return [];
  const { marks, values } = inList(deliveryIds);
  const rows = await t.all<AttemptRow>(
    `SELECT seq, delivery_id, event_id, endpoint_id, url, attempt, started_at, duration_ms, http_status, response_body, error, dispatcher
     FROM webhook_attempts WHERE delivery_id IN (${marks}) ORDER BY seq`,
    values,
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    deliveryId: r.delivery_id,
    eventId: r.event_id,
    endpointId: r.endpoint_id,
    url: r.url,
    attempt: Number(r.attempt),
    startedAt: Number(r.started_at),
    durationMs: Number(r.duration_ms),
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    responseBody: r.response_body,
    error: r.error,
    dispatcher: r.dispatcher,
  }));
}

/** What the outbox needs of an API v2 event destination (services/event-destinations). */
interface DestinationRow {
  id: string;
  data: string;
}

/**
 * Queues a v2 event for the account's enabled event destinations that enabled its type (or for
 * `only`, a ping's destination, whatever it enabled). Destinations are few and v2 events rare, so the
 * match is made here rather than in SQL; the inserts share the event's transaction like every delivery.
 */
export async function queueDestinationDeliveries(
  t: Sql,
  d: { scope: Scope; eventId: string; eventType: string; nowMs: number; only?: string },
): Promise<number> {
  const rows = await t.all<DestinationRow>("SELECT id, data FROM objects WHERE account_id = ? AND livemode = ? AND type = 'v2.core.event_destination'", [
    d.scope.accountId,
    lm(d.scope),
  ]);
  let queued = 0;
  for (const r of rows) {
    const dest = parseJson<{ status: string; type: string; event_payload: string; enabled_events: string[] }>(r.data);
    if (dest.status !== 'enabled' || dest.type !== 'webhook_endpoint' || dest.event_payload !== 'thin') continue;
    if (d.only !== undefined ? r.id !== d.only : !dest.enabled_events.includes(d.eventType)) continue;
    const inserted = await insertDelivery(t, { id: newDeliveryId(), scope: d.scope, eventId: d.eventId, endpointId: r.id, apiVersion: null, nowMs: d.nowMs });
    if (inserted) queued++;
  }
  return queued;
}

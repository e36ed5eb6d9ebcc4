import type Stripe from 'stripe';
import { inList, limitClause, parseJson, type Sql, type SqlValue } from '../sql.js';
import { addRange, type RangeFilter, type Scope } from './objects.js';
import { textAsStored } from './written-text.js';
import type { V2Event } from '../../domain/events/v2-event.js';

const lm = (s: Scope) => (s.livemode ? 1 : 0);

export interface StoredEvent {
  seq: number;
  accountId: string;
  livemode: boolean;
  event: Stripe.Event;
}

interface Row {
  seq: number;
  account_id: string;
  livemode: number;
  data: string;
  pending_webhooks: number;
}

const COLUMNS = 'seq, account_id, livemode, data, pending_webhooks';

/**
 * v1 (snapshot) and v2 (thin) events share the table, its outbox and its retention; v2 types start
 * with `v2.` (domain/events/v2-event.ts). `/v1/events` and the live tail see v1 events only.
 */
const V1_ONLY = "type NOT LIKE 'v2.%'";

/**
 * The stored JSON is the event as created; `pending_webhooks` changes as endpoints acknowledge it, so it
 * lives in its own column and is put back into the event (same key position) whenever one is read.
 */
function toStored(r: Row): StoredEvent {
  const event = parseJson<Stripe.Event>(r.data);
  return {
    seq: Number(r.seq),
    accountId: r.account_id,
    livemode: Number(r.livemode) === 1,
    event: { ...event, pending_webhooks: Number(r.pending_webhooks) },
  };
}

const OBJECT_MARK = '\u0000onfile:data.object\u0000';

/**
 * The event's JSON, with `data.object` spliced in as the text its row was stored as when it is the
 * object just written (written-text.ts): the same text JSON.stringify would give.
 */
function eventText(event: Stripe.Event): string {
  const objectText = textAsStored(event.data?.object);
  if (objectText === undefined) return JSON.stringify(event);
  const text = JSON.stringify({ ...event, data: { ...event.data, object: OBJECT_MARK } });
  return text.replace(JSON.stringify(OBJECT_MARK), () => objectText);
}

export async function insertEvent(t: Sql, scope: Scope, event: Stripe.Event, objectId: string | null): Promise<void> {
  await t.write(
    `INSERT INTO events (id, account_id, livemode, type, created, object_id, request_id, idempotency_key, data, pending_webhooks)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [event.id, scope.accountId, lm(scope), event.type, event.created, objectId, event.request?.id ?? null, event.request?.idempotency_key ?? null, eventText(event), event.pending_webhooks],
  );
}

/** A v1 event (`/v1/events`); a v2 event of the same store is not one. */
export async function getEvent(t: Sql, scope: Scope, id: string): Promise<StoredEvent | undefined> {
  const r = await t.one<Row>(`SELECT ${COLUMNS} FROM events WHERE id = ? AND account_id = ? AND livemode = ? AND ${V1_ONLY}`, [id, scope.accountId, lm(scope)]);
  return r && toStored(r);
}

/** For the dispatcher, which works across accounts: the delivery row already names the event. */
export async function getEventAnyScope(t: Sql, id: string): Promise<StoredEvent | undefined> {
  const r = await t.one<Row>(`SELECT ${COLUMNS} FROM events WHERE id = ?`, [id]);
  return r && toStored(r);
}

export interface EventQuery {
  limit: number;
  types?: string[];
  /** `type` with `*` wildcards (`payment_intent.*`) */
  typePattern?: string;
  created?: RangeFilter;
  /** true: every targeted endpoint acknowledged; false: some endpoint still pending or failed */
  deliverySuccess?: boolean;
  startingAfterSeq?: number;
  endingBeforeSeq?: number;
}

/** `payment_intent.*` → a LIKE pattern; `_` and `%` in names are escaped so only `*` is a wildcard. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

export async function listEvents(t: Sql, scope: Scope, q: EventQuery): Promise<{ items: StoredEvent[]; hasMore: boolean }> {
  const where = ['account_id = ?', 'livemode = ?', V1_ONLY];
  const params: SqlValue[] = [scope.accountId, lm(scope)];
  if (q.types?.length) {
    const { marks, values } = inList(q.types);
    where.push(`type IN (${marks})`);
    params.push(...values);
  }
  if (q.typePattern !== undefined && q.typePattern !== '*') {
    if (q.typePattern.includes('*')) {
      where.push("type LIKE ? ESCAPE '\\'");
      params.push(likePattern(q.typePattern));
    } else {
      where.push('type = ?');
      params.push(q.typePattern);
    }
  }
  addRange(where, params, 'created', q.created);
  if (q.deliverySuccess !== undefined) where.push(q.deliverySuccess ? 'pending_webhooks = 0' : 'pending_webhooks > 0');
  let order = 'DESC';
  if (q.startingAfterSeq !== undefined) {
    where.push('seq < ?');
    params.push(q.startingAfterSeq);
  } else if (q.endingBeforeSeq !== undefined) {
    where.push('seq > ?');
    params.push(q.endingBeforeSeq);
    order = 'ASC';
  }
  const rows = await t.all<Row>(`SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${order} ${limitClause(q.limit + 1)}`, params);
  const hasMore = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map(toStored);
  if (order === 'ASC') page.reverse();
  return { items: page, hasMore };
}

/**
 * Events after a sequence number, oldest first: what a live tail (`onfile listen`) has not yet seen.
 * v2 (thin) events only when asked for (`listen --forward-thin-to`).
 */
export async function eventsAfter(t: Sql, scope: Scope, afterSeq: number, limit: number, withV2 = false): Promise<StoredEvent[]> {
  const rows = await t.all<Row>(`SELECT ${COLUMNS} FROM events WHERE account_id = ? AND livemode = ? AND seq > ?${withV2 ? '' : ` AND ${V1_ONLY}`} ORDER BY seq ${limitClause(limit)}`, [
    scope.accountId,
    lm(scope),
    afterSeq,
  ]);
  return rows.map(toStored);
}

export async function latestEventSeq(t: Sql, scope: Scope): Promise<number> {
  const r = await t.one<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM events WHERE account_id = ? AND livemode = ?', [scope.accountId, lm(scope)]);
  return Number(r?.seq ?? 0);
}

export async function addPendingWebhooks(t: Sql, eventId: string, delta: number): Promise<void> {
  // Never below zero: a resend that succeeds again must not count an endpoint twice.
  await t.write('UPDATE events SET pending_webhooks = CASE WHEN pending_webhooks + ? < 0 THEN 0 ELSE pending_webhooks + ? END WHERE id = ?', [delta, delta, eventId]);
}

/** Where a retention walk stands: how many rows went, and the seq the next batch starts after (none: done). */
export interface PruneStep {
  deleted: number;
  next?: number;
}

/**
 * Deletes the events created before `createdBefore` (unix seconds) among the next `batch` events
 * after seq `afterSeq`, with their deliveries and attempts. Events are written in the order of one
 * clock, so the walk goes on only while a batch ends in an event past retention; one whose
 * `created` is out of order (a clock set back) is kept until the walk passes it. No index on
 * `created`: every event insert paid for one, for an hourly prune.
 *
 * The newest event of the store always stays: a new event's seq is one more than the largest left
 * (SQLite's rowid), and event streams resume after a seq, so the largest must never go back.
 */
export async function pruneEvents(t: Sql, createdBefore: number, batch: number, afterSeq = 0): Promise<PruneStep> {
  const rows = await t.all<{ seq: number; id: string; created: number }>(
    `SELECT seq, id, created FROM events WHERE seq > ? AND seq < (SELECT MAX(seq) FROM events) ORDER BY seq ${limitClause(batch)}`,
    [afterSeq],
  );
  const ids = rows.filter((r) => Number(r.created) < createdBefore).map((r) => r.id);
  if (ids.length) {
    const { marks, values } = inList(ids);
    await t.run(`DELETE FROM webhook_attempts WHERE event_id IN (${marks})`, values);
    await t.run(`DELETE FROM webhook_deliveries WHERE event_id IN (${marks})`, values);
    await t.run(`DELETE FROM events WHERE id IN (${marks})`, values);
  }
  const last = rows[rows.length - 1];
  return { deleted: ids.length, next: rows.length === batch && Number(last.created) < createdBefore ? Number(last.seq) : undefined };
}

export async function eventCursorSeq(t: Sql, scope: Scope, id: string): Promise<number | undefined> {
  const r = await t.one<{ seq: number }>('SELECT seq FROM events WHERE id = ? AND account_id = ? AND livemode = ?', [id, scope.accountId, lm(scope)]);
  return r ? Number(r.seq) : undefined;
}

/** Types of the given events, for listings that show deliveries. */
export async function eventTypesOf(t: Sql, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { marks, values } = inList(ids);
  const rows = await t.all<{ id: string; type: string }>(`SELECT id, type FROM events WHERE id IN (${marks})`, values);
  return new Map(rows.map((r) => [r.id, r.type]));
}

/** A v2 event, recorded in the transaction of the change it reports (events/emit-v2.ts). */
export async function insertV2Event(t: Sql, scope: Scope, event: V2Event, createdSeconds: number): Promise<void> {
  await t.write(
    `INSERT INTO events (id, account_id, livemode, type, created, object_id, request_id, idempotency_key, data, pending_webhooks)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    [
      event.id,
      scope.accountId,
      lm(scope),
      event.type,
      createdSeconds,
      event.related_object.id,
      event.reason?.request.id ?? null,
      event.reason?.request.idempotency_key ?? null,
      JSON.stringify(event),
    ],
  );
}

interface V2Row {
  seq: number;
  data: string;
}

export async function getV2Event(t: Sql, scope: Scope, id: string): Promise<V2Event | undefined> {
  const r = await t.one<V2Row>("SELECT seq, data FROM events WHERE id = ? AND account_id = ? AND livemode = ? AND type LIKE 'v2.%'", [id, scope.accountId, lm(scope)]);
  return r && parseJson<V2Event>(r.data);
}

/** For the dispatcher: a v2 event's stored JSON, or undefined for a v1 event. */
export function asV2Event(stored: StoredEvent): V2Event | undefined {
  const e = stored.event as unknown as { object?: string };
  return e.object === 'v2.core.event' ? (stored.event as unknown as V2Event) : undefined;
}

export interface V2EventQuery {
  limit: number;
  objectId?: string;
  types?: string[];
  created?: RangeFilter;
  /** seq cursor: 'n' = older than seq, 'p' = newer than seq */
  page?: { seq: number; dir: 'n' | 'p' };
}

/** v2 events of the account, newest first (`GET /v2/core/events`). */
export async function listV2Events(t: Sql, scope: Scope, q: V2EventQuery): Promise<{ items: { seq: number; event: V2Event }[]; hasMore: boolean }> {
  const where = ['account_id = ?', 'livemode = ?', "type LIKE 'v2.%'"];
  const params: SqlValue[] = [scope.accountId, lm(scope)];
  if (q.objectId !== undefined) {
    where.push('object_id = ?');
    params.push(q.objectId);
  }
  if (q.types?.length) {
    const { marks, values } = inList(q.types);
    where.push(`type IN (${marks})`);
    params.push(...values);
  }
  addRange(where, params, 'created', q.created);
  let order = 'DESC';
  if (q.page?.dir === 'n') {
    where.push('seq < ?');
    params.push(q.page.seq);
  } else if (q.page?.dir === 'p') {
    where.push('seq > ?');
    params.push(q.page.seq);
    order = 'ASC';
  }
  const rows = await t.all<V2Row>(`SELECT seq, data FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${order} ${limitClause(q.limit + 1)}`, params);
  const hasMore = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map((r) => ({ seq: Number(r.seq), event: parseJson<V2Event>(r.data) }));
  if (order === 'ASC') page.reverse();
  return { items: page, hasMore };
}

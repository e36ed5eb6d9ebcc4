import type Stripe from 'stripe';
import { parseJson, type Sql, type SqlValue } from '../sql.js';
import { addRange, type RangeFilter, type Scope } from './objects.js';

const lm = (s: Scope) => (s.livemode ? 1 : 0);

export async function insertEvent(t: Sql, scope: Scope, event: Stripe.Event, objectId: string | null): Promise<void> {
  await t.run(
    `INSERT INTO events (id, account_id, livemode, type, created, object_id, request_id, idempotency_key, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [event.id, scope.accountId, lm(scope), event.type, event.created, objectId, event.request?.id ?? null, event.request?.idempotency_key ?? null, JSON.stringify(event)],
  );
}

export async function getEvent(t: Sql, scope: Scope, id: string): Promise<{ seq: number; event: Stripe.Event } | undefined> {
  const r = await t.one<{ seq: number; data: string }>('SELECT seq, data FROM events WHERE id = ? AND account_id = ? AND livemode = ?', [
    id,
    scope.accountId,
    lm(scope),
  ]);
  return r && { seq: Number(r.seq), event: parseJson<Stripe.Event>(r.data) };
}

export interface EventQuery {
  limit: number;
  types?: string[];
  /** `payment_intent.*` style prefix */
  typePrefix?: string;
  created?: RangeFilter;
  startingAfterSeq?: number;
  endingBeforeSeq?: number;
  /** extra SQL condition on the events row (used by delivery_success), with its params */
  extraWhere?: { sql: string; params: SqlValue[] };
}

export async function listEvents(t: Sql, scope: Scope, q: EventQuery): Promise<{ items: { seq: number; event: Stripe.Event }[]; hasMore: boolean }> {
  const where = ['account_id = ?', 'livemode = ?'];
  const params: SqlValue[] = [scope.accountId, lm(scope)];
  if (q.types?.length) {
    where.push(`type IN (${q.types.map(() => '?').join(', ')})`);
    params.push(...q.types);
  }
  if (q.typePrefix) {
    // substr, not LIKE: `_` in type names would be a LIKE wildcard.
    where.push('substr(type, 1, ?) = ?');
    params.push(q.typePrefix.length, q.typePrefix);
  }
  addRange(where, params, 'created', q.created);
  if (q.extraWhere) {
    where.push(q.extraWhere.sql);
    params.push(...q.extraWhere.params);
  }
  let order = 'DESC';
  if (q.startingAfterSeq !== undefined) {
    where.push('seq < ?');
    params.push(q.startingAfterSeq);
  } else if (q.endingBeforeSeq !== undefined) {
    where.push('seq > ?');
    params.push(q.endingBeforeSeq);
    order = 'ASC';
  }
  params.push(q.limit + 1);
  const rows = await t.all<{ seq: number; data: string }>(
    `SELECT seq, data FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT ?`,
    params,
  );
  const hasMore = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map((r) => ({ seq: Number(r.seq), event: parseJson<Stripe.Event>(r.data) }));
  if (order === 'ASC') page.reverse();
  return { items: page, hasMore };
}

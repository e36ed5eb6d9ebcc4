import { ConflictError, limitClause, parseJson, type Sql, type SqlValue } from '../sql.js';
import { storedText } from './written-text.js';

/** Which account and mode a caller acts in: every read and write is scoped by it. */
export interface Scope {
  accountId: string;
  livemode: boolean;
}

export interface StoredObject<D = Record<string, unknown>, I = Record<string, unknown>> {
  seq: number;
  id: string;
  type: string;
  version: number;
  data: D;
  internal: I;
}

/**
 * An object as a service holds it to change it. `seq`, its place in lists, is left out: only list
 * cursors need it, and an insert does not read it back (see insertObject).
 */
export type ObjectRow<D = Record<string, unknown>, I = Record<string, unknown>> = Omit<StoredObject<D, I>, 'seq'>;

/** Filter columns; their meaning per type is chosen by each resource's repository. */
export interface IndexColumns {
  customer?: string | null;
  parent?: string | null;
  lookup?: string | null;
}

export interface NewObject<D, I> extends IndexColumns {
  type: string;
  id: string;
  created: number;
  data: D;
  internal: I;
}

interface Row {
  seq: number;
  id: string;
  type: string;
  version: number;
  data: string;
  internal: string;
}

const lm = (s: Scope) => (s.livemode ? 1 : 0);
const toObject = <D, I>(r: Row): StoredObject<D, I> => ({
  seq: Number(r.seq),
  id: r.id,
  type: r.type,
  version: Number(r.version),
  data: parseJson<D>(r.data),
  internal: parseJson<I>(r.internal),
});

/**
 * Queued with `write` (Sql.write): nothing the caller needs comes back, so on PostgreSQL the insert
 * travels with the transaction's next statement. The new row's `seq` is not read back; a fresh
 * object is nobody's list cursor yet.
 */
export async function insertObject<D, I>(t: Sql, scope: Scope, o: NewObject<D, I>): Promise<ObjectRow<D, I>> {
  await t.write(
    `INSERT INTO objects (id, account_id, livemode, type, created, version, customer, parent, lookup, data, internal)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    [o.id, scope.accountId, lm(scope), o.type, o.created, o.customer ?? null, o.parent ?? null, o.lookup ?? null, storedText(o.data), JSON.stringify(o.internal)],
  );
  return { id: o.id, type: o.type, version: 1, data: o.data, internal: o.internal };
}

const GET_OBJECT = 'SELECT seq, id, type, version, data, internal FROM objects WHERE id = ? AND account_id = ? AND livemode = ? AND type = ?';
const GET_OBJECT_FOR_UPDATE = `${GET_OBJECT} FOR UPDATE`;

export async function getObject<D, I = Record<string, unknown>>(
  t: Sql,
  scope: Scope,
  type: string,
  id: string,
): Promise<StoredObject<D, I> | undefined> {
  // In a transaction the row is read to be changed: lock it (see Sql.locksRows).
  const r = await t.one<Row>(t.locksRows ? GET_OBJECT_FOR_UPDATE : GET_OBJECT, [id, scope.accountId, lm(scope), type]);
  return r && toObject<D, I>(r);
}

/** An object and whose it is, for a page reached by a link rather than a key (a charge's receipt). */
export async function getObjectAnyScope<D>(t: Sql, type: string, id: string): Promise<{ scope: Scope; data: D } | undefined> {
  const r = await t.one<{ account_id: string; livemode: number; data: string }>('SELECT account_id, livemode, data FROM objects WHERE id = ? AND type = ?', [id, type]);
  return r && { scope: { accountId: r.account_id, livemode: Number(r.livemode) === 1 }, data: parseJson<D>(r.data) };
}

/** The stored wire text of an object (`data` only, unparsed), for reads that send it as is. */
export async function getObjectText(t: Sql, scope: Scope, type: string, id: string): Promise<string | undefined> {
  const [text] = await t.column<string>(GET_OBJECT_TEXT, [id, scope.accountId, lm(scope), type]);
  return text;
}
const GET_OBJECT_TEXT = 'SELECT data FROM objects WHERE id = ? AND account_id = ? AND livemode = ? AND type = ?';

/**
 * Writes a new state of an object read earlier in the same transaction. The version check makes a
 * concurrent writer's change impossible to overwrite: the loser's transaction is run again.
 */
export async function updateObject<D, I>(
  t: Sql,
  scope: Scope,
  prev: ObjectRow<D, I>,
  next: { data: D; internal?: I } & IndexColumns,
): Promise<ObjectRow<D, I>> {
  const internal = next.internal ?? prev.internal;
  const sets = ['version = version + 1', 'data = ?', 'internal = ?'];
  const params: SqlValue[] = [storedText(next.data), JSON.stringify(internal)];
  for (const col of ['customer', 'parent', 'lookup'] as const) {
    if (next[col] !== undefined) {
      sets.push(`${col} = ?`);
      params.push(next[col] ?? null);
    }
  }
  await t.write(
    `UPDATE objects SET ${sets.join(', ')} WHERE id = ? AND account_id = ? AND livemode = ? AND version = ?`,
    [...params, prev.id, scope.accountId, lm(scope), prev.version],
    { changes: 1, error: () => new ConflictError(prev.id) },
  );
  return { ...prev, version: prev.version + 1, data: next.data, internal };
}

export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface ListQuery extends IndexColumns {
  type: string;
  limit: number;
  /** seq of the cursor object */
  startingAfterSeq?: number;
  endingBeforeSeq?: number;
  created?: RangeFilter;
}

/**
 * Newest first by insertion sequence. Each filter column has its own index ending in seq, so a page
 * costs the same on a store of a hundred objects or of millions.
 */
export async function listObjects<D, I = Record<string, unknown>>(
  t: Sql,
  scope: Scope,
  q: ListQuery,
): Promise<{ items: StoredObject<D, I>[]; hasMore: boolean }> {
  const { rows, hasMore, ascending } = await listRows<Row>(t, scope, q, 'seq, id, type, version, data, internal');
  const page = rows.map((r) => toObject<D, I>(r));
  if (ascending) page.reverse();
  return { items: page, hasMore };
}

/** The same page as listObjects, as the stored wire texts (unparsed, `internal` not read). */
export async function listObjectTexts(t: Sql, scope: Scope, q: ListQuery): Promise<{ items: string[]; hasMore: boolean }> {
  const { sql, params, ascending } = listQuery(scope, q, 'data');
  const texts = await t.column<string>(sql, params);
  const page = texts.slice(0, q.limit);
  if (ascending) page.reverse();
  return { items: page, hasMore: texts.length > q.limit };
}

async function listRows<R>(t: Sql, scope: Scope, q: ListQuery, columns: string): Promise<{ rows: R[]; hasMore: boolean; ascending: boolean }> {
  const { sql, params, ascending } = listQuery(scope, q, columns);
  const rows = await t.all<R>(sql, params);
  return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit, ascending };
}

/** One page and the row after it (which only says whether there is more), newest first unless `ascending`. */
function listQuery(scope: Scope, q: ListQuery, columns: string): { sql: string; params: SqlValue[]; ascending: boolean } {
  const where = ['account_id = ?', 'livemode = ?', 'type = ?'];
  const params: SqlValue[] = [scope.accountId, lm(scope), q.type];
  for (const col of ['customer', 'parent', 'lookup'] as const) {
    const v = q[col];
    if (v !== undefined && v !== null) {
      where.push(`${col} = ?`);
      params.push(v);
    }
  }
  addRange(where, params, 'created', q.created);
  let order = 'DESC';
  if (q.startingAfterSeq !== undefined) {
    where.push('seq < ?');
    params.push(q.startingAfterSeq);
  } else if (q.endingBeforeSeq !== undefined) {
    where.push('seq > ?');
    params.push(q.endingBeforeSeq);
    order = 'ASC';
  }
  return { sql: `SELECT ${columns} FROM objects WHERE ${where.join(' AND ')} ORDER BY seq ${order} ${limitClause(q.limit + 1)}`, params, ascending: order === 'ASC' };
}

export function addRange(where: string[], params: SqlValue[], col: string, r?: RangeFilter): void {
  if (!r) return;
  const ops: [keyof RangeFilter, string][] = [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']];
  for (const [k, op] of ops) {
    if (r[k] !== undefined) {
      where.push(`${col} ${op} ?`);
      params.push(r[k]!);
    }
  }
}

/** How many objects of `type` hang off `parent` (a Charge's refunds): an embedded list's `total_count`. */
export async function countChildren(t: Sql, scope: Scope, type: string, parent: string): Promise<number> {
  const r = await t.one<{ n: number | string }>(
    'SELECT COUNT(*) AS n FROM objects WHERE account_id = ? AND livemode = ? AND type = ? AND parent = ?',
    [scope.accountId, lm(scope), type, parent],
  );
  return Number(r?.n ?? 0);
}

/** Resolves a pagination cursor id to its seq, or undefined if no such object is visible. */
export async function cursorSeq(t: Sql, scope: Scope, type: string, id: string): Promise<number | undefined> {
  const r = await t.one<{ seq: number }>(
    'SELECT seq FROM objects WHERE id = ? AND account_id = ? AND livemode = ? AND type = ?',
    [id, scope.accountId, lm(scope), type],
  );
  return r ? Number(r.seq) : undefined;
}

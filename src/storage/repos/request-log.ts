import { limitClause, type Sql, type SqlValue, type Statement } from '../sql.js';
import type { Scope } from './objects.js';

/** One API request as `onfile logs` shows it. Times in ms. */
export interface RequestLogEntry {
  requestId: string;
  accountId: string | null;
  livemode: boolean | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  createdMs: number;
  idempotencyKey: string | null;
  stripeVersion: string | null;
}

export interface StoredRequestLogEntry extends RequestLogEntry {
  seq: number;
}

/**
 * The statements that insert a batch of entries (the request log is written in batches, off the
 * request path), many entries each. A batch goes out in chunks of 128, 64, ..., 1 rows, so that
 * whatever its size only eight statement texts exist: each engine prepares a text once (PostgreSQL
 * per pooled connection, under a bounded number of names), and a text per batch size made nearly
 * every batch a new, large statement to prepare.
 */
export function requestLogInserts(entries: readonly RequestLogEntry[]): Statement[] {
  const statements: Statement[] = [];
  for (let from = 0; from < entries.length; ) {
    let size = LOG_CHUNK;
    while (size > entries.length - from) size /= 2;
    const params: SqlValue[] = [];
    for (const e of entries.slice(from, from + size)) {
      params.push(e.requestId, e.accountId, e.livemode === null ? null : e.livemode ? 1 : 0, e.method, e.path, e.status, e.durationMs, e.createdMs, e.idempotencyKey, e.stripeVersion);
    }
    statements.push({ sql: insertRows(size), params });
    from += size;
  }
  return statements;
}

/** requestLogInserts run in the caller's transaction, queued (on PostgreSQL they go out with its COMMIT). */
export async function insertRequestLogEntries(t: Sql, entries: readonly RequestLogEntry[]): Promise<void> {
  for (const { sql, params } of requestLogInserts(entries)) await t.write(sql, params);
}

const LOG_CHUNK = 128;
const insertStatements = new Map<number, string>();
function insertRows(n: number): string {
  let sql = insertStatements.get(n);
  if (sql === undefined) {
    sql = `INSERT INTO request_log (request_id, account_id, livemode, method, path, status, duration_ms, created_ms, idempotency_key, stripe_version) VALUES ${Array(n).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
    insertStatements.set(n, sql);
  }
  return sql;
}

interface Row {
  seq: number;
  request_id: string;
  account_id: string | null;
  livemode: number | null;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  created_ms: number;
  idempotency_key: string | null;
  stripe_version: string | null;
}

/** Newest first; `afterSeq` turns it into "what is new since" (oldest first) for a live tail. */
export async function listRequestLog(t: Sql, scope: Scope, q: { limit: number; beforeSeq?: number; afterSeq?: number }): Promise<{ items: StoredRequestLogEntry[]; hasMore: boolean }> {
  const where = ['account_id = ?', 'livemode = ?'];
  const params: SqlValue[] = [scope.accountId, scope.livemode ? 1 : 0];
  let order = 'DESC';
  if (q.afterSeq !== undefined) {
    where.push('seq > ?');
    params.push(q.afterSeq);
    order = 'ASC';
  } else if (q.beforeSeq !== undefined) {
    where.push('seq < ?');
    params.push(q.beforeSeq);
  }
  const rows = await t.all<Row>(
    `SELECT seq, request_id, account_id, livemode, method, path, status, duration_ms, created_ms, idempotency_key, stripe_version
     FROM request_log WHERE ${where.join(' AND ')} ORDER BY seq ${order} ${limitClause(q.limit + 1)}`,
    params,
  );
  return {
    hasMore: rows.length > q.limit,
    items: rows.slice(0, q.limit).map((r) => ({
      seq: Number(r.seq),
      requestId: r.request_id,
      accountId: r.account_id,
      livemode: r.livemode === null ? null : Number(r.livemode) === 1,
      method: r.method,
      path: r.path,
      status: Number(r.status),
      durationMs: Number(r.duration_ms),
      createdMs: Number(r.created_ms),
      idempotencyKey: r.idempotency_key,
      stripeVersion: r.stripe_version,
    })),
  };
}

export async function pruneRequestLog(t: Sql, olderThanMs: number): Promise<number> {
  return (await t.run('DELETE FROM request_log WHERE created_ms < ?', [olderThanMs])).changes;
}

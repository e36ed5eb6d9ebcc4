import { ConflictError, inList, limitClause, type Sql } from '../sql.js';
import type { PruneStep } from './events.js';
import type { Scope } from './objects.js';

export interface IdempotencyRecord {
  method: string;
  path: string;
  fingerprint: string;
  state: 'running' | 'done';
  lockedUntil: number;
  requestId: string;
  responseStatus: number | null;
  responseBody: string | null;
  /** The object the request's state change wrote, recorded in that same transaction. */
  objectType: string | null;
  objectId: string | null;
}

interface Row {
  method: string;
  path: string;
  fingerprint: string;
  state: string;
  locked_until: number;
  request_id: string;
  response_status: number | null;
  response_body: string | null;
  object_type: string | null;
  object_id: string | null;
}

const lm = (s: Scope) => (s.livemode ? 1 : 0);

const SELECT_RECORD =
  'SELECT method, path, fingerprint, state, locked_until, request_id, response_status, response_body, object_type, object_id FROM idempotency_keys WHERE account_id = ? AND livemode = ? AND key = ?';

function toRecord(r: Row): IdempotencyRecord {
  return {
    method: r.method,
    path: r.path,
    fingerprint: r.fingerprint,
    state: r.state as IdempotencyRecord['state'],
    lockedUntil: Number(r.locked_until),
    requestId: r.request_id,
    responseStatus: r.response_status === null ? null : Number(r.response_status),
    responseBody: r.response_body,
    objectType: r.object_type,
    objectId: r.object_id,
  };
}

/** What a request stores about its key when it first writes it. */
export interface KeyClaim {
  method: string;
  path: string;
  fingerprint: string;
  requestId: string;
  lockedUntil: number;
  /** Unix seconds. */
  created: number;
}

/** Whether another request than `requestId` has written the key. */
export async function keyHeldByAnother(t: Sql, scope: Scope, key: string, requestId: string): Promise<boolean> {
  const found = await t.one('SELECT 1 AS found FROM idempotency_keys WHERE account_id = ? AND livemode = ? AND key = ? AND request_id <> ?', [scope.accountId, lm(scope), key, requestId]);
  return found !== undefined;
}

/**
 * Claims a key for a request. Returns undefined when this request now owns the key, or the
 * existing record when another request had it first (a unique key makes the race safe on both engines).
 */
export async function claimIdempotencyKey(t: Sql, scope: Scope, key: string, rec: KeyClaim): Promise<IdempotencyRecord | undefined> {
  let r: Row | undefined;
  for (let attempt = 1; !r; attempt++) {
    const inserted = await t.run(
      `INSERT INTO idempotency_keys (account_id, livemode, key, method, path, fingerprint, state, locked_until, request_id, created)
       VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?) ON CONFLICT DO NOTHING`,
      [scope.accountId, lm(scope), key, rec.method, rec.path, rec.fingerprint, rec.lockedUntil, rec.requestId, rec.created],
    );
    if (inserted.changes === 1) return undefined;
    r = await t.one<Row>(SELECT_RECORD, [scope.accountId, lm(scope), key]);
    // The holder released the key between the two statements (they need not share a transaction,
    // and PostgreSQL's read committed sees the release either way): try to claim it again.
    if (!r && attempt >= 3) throw new ConflictError(`idempotency key ${key}`);
  }
  return toRecord(r);
}

/**
 * A claim made at commit: the key is written for the first time, already done with its response,
 * inside the transaction of the request's state change. When another request's key is there first
 * (a retry of a finished request, or another process's request), the transaction fails with `taken()`
 * and must not commit.
 */
export async function insertCompletedIdempotencyKey(
  t: Sql,
  scope: Scope,
  key: string,
  rec: KeyClaim,
  object: { type: string; id: string } | null,
  response: { status: number; body: string },
  taken: () => Error,
): Promise<void> {
  await t.write(
    `INSERT INTO idempotency_keys (account_id, livemode, key, method, path, fingerprint, state, locked_until, request_id, created, object_type, object_id, response_status, response_body)
     VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [
      scope.accountId,
      lm(scope),
      key,
      rec.method,
      rec.path,
      rec.fingerprint,
      rec.lockedUntil,
      rec.requestId,
      rec.created,
      object?.type ?? null,
      object?.id ?? null,
      response.status,
      response.body,
    ],
    { changes: 1, error: taken },
  );
}

/**
 * Stores the response of a request whose key is claimed at commit, when no transaction stored it
 * (the request failed, or answered with something other than its transaction's result): writes the
 * key done, or overwrites the response its own transaction stored. Another request's key is left
 * alone, and the answer is false.
 */
export async function storeIdempotentResponse(t: Sql, scope: Scope, key: string, rec: KeyClaim, response: { status: number; body: string }): Promise<boolean> {
  const r = await t.run(
    `INSERT INTO idempotency_keys (account_id, livemode, key, method, path, fingerprint, state, locked_until, request_id, created, response_status, response_body)
     VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, livemode, key) DO UPDATE SET state = 'done', response_status = excluded.response_status, response_body = excluded.response_body
     WHERE idempotency_keys.request_id = excluded.request_id`,
    [scope.accountId, lm(scope), key, rec.method, rec.path, rec.fingerprint, rec.lockedUntil, rec.requestId, rec.created, response.status, response.body],
  );
  return r.changes === 1;
}

/**
 * Called inside a state-change transaction of the request that owns the key: records the object it
 * wrote (when known) and proves the key is still this request's. If another request took the key
 * over (this one outlived its lock), the transaction fails with `lost()` and must not commit.
 * Queued with `write`: on PostgreSQL it goes out with the COMMIT.
 */
export async function recordIdempotentCommit(
  t: Sql,
  scope: Scope,
  key: string,
  requestId: string,
  object: { type: string; id: string } | null,
  lost: () => Error,
): Promise<void> {
  await t.write(
    `UPDATE idempotency_keys SET object_type = COALESCE(?, object_type), object_id = COALESCE(?, object_id)
     WHERE account_id = ? AND livemode = ? AND key = ? AND request_id = ? AND state = 'running'`,
    [object?.type ?? null, object?.id ?? null, scope.accountId, lm(scope), key, requestId],
    { changes: 1, error: lost },
  );
}

/**
 * recordIdempotentCommit for a request whose response is this transaction's result: also stores
 * that response, so the change and its stored answer commit together (no completion commit after).
 */
export async function completeIdempotentCommit(
  t: Sql,
  scope: Scope,
  key: string,
  requestId: string,
  object: { type: string; id: string } | null,
  response: { status: number; body: string },
  lost: () => Error,
): Promise<void> {
  await t.write(
    `UPDATE idempotency_keys SET object_type = COALESCE(?, object_type), object_id = COALESCE(?, object_id), state = 'done', response_status = ?, response_body = ?
     WHERE account_id = ? AND livemode = ? AND key = ? AND request_id = ? AND state = 'running'`,
    [object?.type ?? null, object?.id ?? null, response.status, response.body, scope.accountId, lm(scope), key, requestId],
    { changes: 1, error: lost },
  );
}

/** Takes over a key whose first request died while running (its lock expired). */
export async function takeOverIdempotencyKey(t: Sql, scope: Scope, key: string, staleRequestId: string, requestId: string, lockedUntil: number): Promise<boolean> {
  const r = await t.run(
    `UPDATE idempotency_keys SET request_id = ?, locked_until = ? WHERE account_id = ? AND livemode = ? AND key = ? AND state = 'running' AND request_id = ?`,
    [requestId, lockedUntil, scope.accountId, lm(scope), key, staleRequestId],
  );
  return r.changes === 1;
}

export async function completeIdempotencyKey(t: Sql, scope: Scope, key: string, status: number, body: string): Promise<void> {
  await t.run(
    `UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? WHERE account_id = ? AND livemode = ? AND key = ?`,
    [status, body, scope.accountId, lm(scope), key],
  );
}

/**
 * Releases a key whose request failed before it began executing, so a retry runs afresh. A key whose
 * request already committed a change (object recorded) is kept: once its lock lapses, a retry
 * answers with that object instead of running the request again.
 */
export async function releaseIdempotencyKey(t: Sql, scope: Scope, key: string, requestId: string): Promise<void> {
  await t.run(`DELETE FROM idempotency_keys WHERE account_id = ? AND livemode = ? AND key = ? AND request_id = ? AND state = 'running' AND object_id IS NULL`, [
    scope.accountId,
    lm(scope),
    key,
    requestId,
  ]);
}

/**
 * Deletes the keys past their window among the next `batch` keys after seq `afterSeq`: v1 keys
 * created before `v1Before`, v2 keys (paths under /v2/) before `v2Before` (unix seconds). Keys are
 * walked in the order they were written, and the walk goes on while a batch ends in a key past the
 * v1 window (see pruneEvents; v2 keys inside their longer window are stepped over).
 */
export async function pruneIdempotencyKeys(t: Sql, v1Before: number, v2Before: number, batch = 500, afterSeq = 0): Promise<PruneStep> {
  const rows = await t.all<{ seq: number; path: string; created: number }>(
    `SELECT seq, path, created FROM idempotency_keys WHERE seq > ? ORDER BY seq ${limitClause(batch)}`,
    [afterSeq],
  );
  const expired = rows.filter((r) => Number(r.created) < (r.path.startsWith('/v2/') ? v2Before : v1Before)).map((r) => Number(r.seq));
  if (expired.length) {
    const { marks, values } = inList(expired);
    await t.run(`DELETE FROM idempotency_keys WHERE seq IN (${marks})`, values);
  }
  const last = rows[rows.length - 1];
  return { deleted: expired.length, next: rows.length === batch && Number(last.created) < v1Before ? Number(last.seq) : undefined };
}

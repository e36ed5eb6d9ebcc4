import { sha256Hex } from '../lib/crypto.js';
import { errors } from '../errors/catalogue.js';
import type { Sql, Store } from '../storage/sql.js';
import type { Scope } from '../storage/repos/objects.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  completeIdempotentCommit,
  recordIdempotentCommit,
  releaseIdempotencyKey,
  takeOverIdempotencyKey,
} from '../storage/repos/idempotency.js';

/** How long a running request holds its key before a retry may take it over (the first one died). */
const LOCK_MS = 60_000;

export type IdempotencyOutcome =
  | { kind: 'execute' }
  | { kind: 'replay'; status: number; body: string; originalRequestId: string }
  /** The first request committed its change and died before storing its response: answer with the object. */
  | { kind: 'recover'; objectType: string; objectId: string; originalRequestId: string };

/**
 * Stripe's idempotency contract (https://docs.stripe.com/api/idempotent_requests): the first
 * request with a key runs; later ones with the same parameters get its stored response; other
 * parameters are an idempotency_error; a retry while the first still runs is a 409.
 */
export async function beginIdempotent(
  store: Store,
  scope: Scope,
  key: string,
  req: { method: string; path: string; params: unknown; requestId: string; nowMs: number },
): Promise<IdempotencyOutcome> {
  if (key.length > 255) throw errors.idempotencyKeyTooLong();
  const fingerprint = sha256Hex(stableStringify(req.params));
  // Single-row statements, each atomic on its own: no BEGIN/COMMIT round trips on this hot path. A
  // fresh claim may come back before it commits: every transaction of this request checks the claim
  // (storeRecordingCommits) and commits after it, and the response is sent only after one of them.
  const claim = { method: req.method, path: req.path, fingerprint, requestId: req.requestId, lockedUntil: req.nowMs + LOCK_MS, created: Math.floor(req.nowMs / 1000) };
  const existing = await store.claim((t) => claimIdempotencyKey(t, scope, key, claim), (found) => found === undefined);
  if (!existing) return { kind: 'execute' };
  if (existing.method !== req.method || existing.path !== req.path || existing.fingerprint !== fingerprint) {
    throw errors.idempotencyMismatch(key);
  }
  if (existing.state === 'done' && existing.responseStatus !== null && existing.responseBody !== null) {
    return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody, originalRequestId: existing.requestId };
  }
  if (existing.lockedUntil > req.nowMs) throw errors.idempotencyKeyInUse(key);
  // The first request died mid-flight. If its state change committed, it recorded the object it
  // wrote in that transaction: answer with that object rather than executing a second time.
  // Otherwise nothing it did is visible and running it again is the retry the client asked for.
  const took = await takeOverIdempotencyKey(store.autocommit, scope, key, existing.requestId, req.requestId, req.nowMs + LOCK_MS);
  if (!took) throw errors.idempotencyKeyInUse(key);
  if (existing.objectType && existing.objectId) {
    return { kind: 'recover', objectType: existing.objectType, objectId: existing.objectId, originalRequestId: existing.requestId };
  }
  return { kind: 'execute' };
}

/**
 * For a route whose answer is its one transaction's result (RouteDef.answersWithTransaction): that
 * transaction also stores the response, and `result`/`body` say what it stored once it committed.
 */
export interface CompletionInTx {
  result?: unknown;
  body?: string;
}

/**
 * The store a keyed request's services see: every transaction also records, before it commits, the
 * object it returned and that the key is still this request's (one primary-key UPDATE), so the
 * change and the proof of it commit together. With `completion`, that same UPDATE stores the
 * response too (JSON of the result, status 200), saving the completion commit.
 */
export function storeRecordingCommits(store: Store, scope: Scope, key: string, requestId: string, completion?: CompletionInTx): Store {
  return {
    dialect: store.dialect,
    read: store.read,
    autocommit: store.autocommit,
    claim: (fn, early) => store.claim(fn, early),
    close: () => store.close(),
    base: store.base ?? store,
    async tx<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
      let body: string | undefined;
      const result = await store.tx(async (t) => {
        const result = await fn(t);
        body = completion ? JSON.stringify(result) : undefined;
        const lost = () => errors.idempotencyKeyInUse(key);
        if (body === undefined) await recordIdempotentCommit(t, scope, key, requestId, primaryObject(result), lost);
        else await completeIdempotentCommit(t, scope, key, requestId, primaryObject(result), { status: 200, body }, lost);
        return result;
      });
      if (completion) Object.assign(completion, { result, body });
      return result;
    },
  };
}

function primaryObject(result: unknown): { type: string; id: string } | null {
  if (!result || typeof result !== 'object') return null;
  const { id, object } = result as { id?: unknown; object?: unknown };
  return typeof id === 'string' && typeof object === 'string' && object !== 'list' ? { type: object, id } : null;
}

export async function finishIdempotent(store: Store, scope: Scope, key: string, requestId: string, status: number, body: string, store_: boolean): Promise<void> {
  if (store_) await completeIdempotencyKey(store.autocommit, scope, key, status, body);
  else await releaseIdempotencyKey(store.autocommit, scope, key, requestId);
}

/**
 * Whether a response is the result of a request that began executing (Stripe stores those, 402s and
 * 500s included) rather than one refused up front (auth, parameter validation, conflicts).
 */
export function shouldStoreResponse(status: number, errorCode?: string, errorType?: string): boolean {
  if (status === 401 || status === 403 || status === 409 || status === 429) return false;
  if (status === 400 && (errorType === 'idempotency_error' || (errorCode ?? '').startsWith('parameter') || errorCode === 'parameters_exclusive')) return false;
  return true;
}

export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

import { sha256Hex } from '../lib/crypto.js';
import { errors } from '../errors/catalogue.js';
import type { Sql, Store } from '../storage/sql.js';
import type { Scope } from '../storage/repos/objects.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  completeIdempotentCommit,
  keyHeldByAnother,
  insertCompletedIdempotencyKey,
  recordIdempotentCommit,
  releaseIdempotencyKey,
  storeIdempotentResponse,
  takeOverIdempotencyKey,
  type IdempotencyRecord,
  type KeyClaim,
} from '../storage/repos/idempotency.js';
import { textAsStored } from '../storage/repos/written-text.js';

/** How long a running request holds its key before a retry may take it over (the first one died). */
const LOCK_MS = 60_000;

export interface Replay {
  kind: 'replay';
  status: number;
  body: string;
  originalRequestId: string;
}

export type IdempotencyOutcome =
  | { kind: 'execute'; deferred?: DeferredClaim }
  | Replay
  /** The first request committed its change and died before storing its response: answer with the object. */
  | { kind: 'recover'; objectType: string; objectId: string; originalRequestId: string };

/**
 * A key this request will write only when its state change commits, done and with its response,
 * in that same transaction (insertCompletedIdempotencyKey). Until then, this process's KeysInFlight
 * holds it; `release` once the response is stored or the request failed.
 */
export interface DeferredClaim {
  claim: KeyClaim;
  release: () => void;
}

/**
 * The keys claimed at commit by the requests running in this process. A second request with such a
 * key meets the holder here, as it would meet a claimed row. Another process cannot see it: its
 * request runs, and meets the first one's key at its own commit (IdempotencyKeyTaken).
 */
export class KeysInFlight {
  private readonly held = new Map<string, KeyClaim>();

  /** Holds the key for `claim`, or throws what a request meeting the holder's claimed row would get. */
  hold(scope: Scope, key: string, claim: KeyClaim): DeferredClaim {
    const id = `${scope.accountId}|${scope.livemode ? 1 : 0}|${key}`;
    const holder = this.held.get(id);
    if (holder) {
      if (holder.method !== claim.method || holder.path !== claim.path || holder.fingerprint !== claim.fingerprint) throw errors.idempotencyMismatch(key);
      throw errors.idempotencyKeyInUse(key);
    }
    this.held.set(id, claim);
    return { claim, release: () => this.held.get(id) === claim && this.held.delete(id) };
  }
}

/**
 * Thrown inside a transaction whose key, claimed at commit, another request wrote first (a retry of a
 * request that has finished, or another process's request): the transaction rolls back.
 */
export class IdempotencyKeyTaken extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} was taken by another request`);
  }
}

/**
 * Stripe's idempotency contract (https://docs.stripe.com/api/idempotent_requests): the first
 * request with a key runs; later ones with the same parameters get its stored response; other
 * parameters are an idempotency_error; a retry while the first still runs is a 409.
 *
 * With `inFlight`, for a request whose whole effect is one transaction that also stores its response
 * (storeRecordingCommits with a completion): the key is claimed at that commit (DeferredClaim), and a
 * key that is there already makes the transaction roll back (the caller then begins again without
 * `inFlight`). It saves the claim's own statements and savepoint. A look-up first, on the read
 * connection, cost more than the claim: the key's index page is a random one, just rewritten in the
 * WAL, and read anew after each commit. A request with effects outside its transaction (a processor
 * call) must claim its key first, so that no retry can repeat them.
 */
export async function beginIdempotent(
  store: Store,
  scope: Scope,
  key: string,
  req: { method: string; path: string; params: unknown; requestId: string; nowMs: number },
  inFlight?: KeysInFlight,
): Promise<IdempotencyOutcome> {
  if (key.length > 255) throw errors.idempotencyKeyTooLong();
  const fingerprint = sha256Hex(stableStringify(req.params));
  const claim: KeyClaim = { method: req.method, path: req.path, fingerprint, requestId: req.requestId, lockedUntil: req.nowMs + LOCK_MS, created: Math.floor(req.nowMs / 1000) };
  // No look-up: the key's insert at the commit finds a key that is there already (IdempotencyKeyTaken).
  if (inFlight) return { kind: 'execute', deferred: inFlight.hold(scope, key, claim) };
  // Single-row statements, each atomic on its own: no BEGIN/COMMIT round trips on this hot path. A
  // fresh claim may come back before it commits: every transaction of this request checks the claim
  // (storeRecordingCommits) and commits after it, and the response is sent only after one of them.
  const existing = await store.claim((t) => claimIdempotencyKey(t, scope, key, claim), (found) => found === undefined);
  if (!existing) return { kind: 'execute' };
  return settleExisting(store, scope, key, existing, claim, req.nowMs);
}

/** What a request gets whose key another request has already written. */
async function settleExisting(store: Store, scope: Scope, key: string, existing: IdempotencyRecord, claim: KeyClaim, nowMs: number): Promise<IdempotencyOutcome> {
  if (existing.method !== claim.method || existing.path !== claim.path || existing.fingerprint !== claim.fingerprint) {
    throw errors.idempotencyMismatch(key);
  }
  if (existing.state === 'done' && existing.responseStatus !== null && existing.responseBody !== null) {
    return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody, originalRequestId: existing.requestId };
  }
  if (existing.lockedUntil > nowMs) throw errors.idempotencyKeyInUse(key);
  // The first request died mid-flight. If its state change committed, it recorded the object it
  // wrote in that transaction: answer with that object rather than executing a second time.
  // Otherwise nothing it did is visible and running it again is the retry the client asked for.
  const took = await takeOverIdempotencyKey(store.autocommit, scope, key, existing.requestId, claim.requestId, claim.lockedUntil);
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
 * response too (JSON of the result, status 200), saving the completion commit. With `deferred` (a
 * key claimed at commit), the key is inserted there instead, done, with that response.
 */
export function storeRecordingCommits(store: Store, scope: Scope, key: string, requestId: string, completion?: CompletionInTx, deferred?: DeferredClaim): Store {
  if (deferred && !completion) throw new Error('a key claimed at commit needs the response stored in the transaction');
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
        body = completion ? (textAsStored(result) ?? JSON.stringify(result)) : undefined;
        const lost = () => errors.idempotencyKeyInUse(key);
        if (deferred && body !== undefined) {
          const taken = () => new IdempotencyKeyTaken(key);
          await insertCompletedIdempotencyKey(t, scope, key, deferred.claim, primaryObject(result), { status: 200, body }, taken);
        } else if (body === undefined) await recordIdempotentCommit(t, scope, key, requestId, primaryObject(result), lost);
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

/**
 * Stores (or releases) the key of a request that did not store its response in its transaction.
 * False when the key, claimed at commit, turns out to be another request's: the request must start
 * over and claim it first (its own answer would be a second execution).
 */
export async function finishIdempotent(store: Store, scope: Scope, key: string, requestId: string, status: number, body: string, store_: boolean, deferred?: DeferredClaim): Promise<boolean> {
  if (deferred) {
    if (store_) return storeIdempotentResponse(store.autocommit, scope, key, deferred.claim, { status, body });
    return !(await keyHeldByAnother(store.autocommit, scope, key, requestId));
  }
  if (store_) await completeIdempotencyKey(store.autocommit, scope, key, status, body);
  else await releaseIdempotencyKey(store.autocommit, scope, key, requestId);
  return true;
}

/**
 * v1: whether a response is the result of a request that began executing (Stripe stores those, 402s
 * and 500s included) rather than one refused up front (auth, parameter validation, conflicts).
 *
 * v2 keeps successes only: "retries don't repeat successful operations. Stripe retries failed or
 * partially failed work to completion when possible" (https://docs.stripe.com/api/idempotent_requests).
 * A failed v2 request leaves its key free, so a retry runs again and may succeed (a PaymentMethod it
 * named attached since, say); one whose change committed is answered with that object (`recover`).
 */
export function shouldStoreResponse(status: number, errorCode?: string, errorType?: string, v2 = false): boolean {
  if (v2) return status < 400;
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

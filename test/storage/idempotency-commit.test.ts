import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../support/harness.js';
import { useEngineStore } from './engine-store.js';
import type { Store } from '../../src/storage/sql.js';
import { ApiError } from '../../src/errors/api-error.js';
import { beginIdempotent, IdempotencyKeyTaken, KeysInFlight, storeRecordingCommits, type CompletionInTx } from '../../src/http/idempotency.js';
import { getObject, insertObject } from '../../src/storage/repos/objects.js';
import { releaseIdempotencyKey } from '../../src/storage/repos/idempotency.js';
import { pruneIdempotencyOnce } from '../../src/http/idempotency-retention.js';

// The storage half of idempotency durability, on each engine: a keyed request's state change
// records its object in the same transaction, and cannot commit once another request has taken
// its key over.
for (const engine of engines()) {
  describe(`storage: idempotent commits [${engine}]`, () => {
    let store: Store;
    useEngineStore(engine, (opened) => (store = opened));
    const scope = { accountId: 'acct_storagetest0001', livemode: false };
    const claim = (key: string, requestId: string, nowMs: number) =>
      beginIdempotent(store, scope, key, { method: 'POST', path: '/v1/customers', params: { a: '1' }, requestId, nowMs });
    const insert = (s: Store, id: string) =>
      s.tx(async (t) => {
        await insertObject(t, scope, { type: 'customer', id, created: 1, data: { id, object: 'customer' }, internal: {} });
        return { id, object: 'customer' };
      });

    it('records the object a keyed transaction returns, in that transaction', async () => {
      assert.equal((await claim('k1', 'req_a', 1_000)).kind, 'execute');
      await insert(storeRecordingCommits(store, scope, 'k1', 'req_a'), 'cus_recorded00001');
      const row = await store.read.one<{ object_type: string; object_id: string; state: string }>(
        'SELECT object_type, object_id, state FROM idempotency_keys WHERE account_id = ? AND key = ?',
        [scope.accountId, 'k1'],
      );
      assert.deepEqual({ ...row }, { object_type: 'customer', object_id: 'cus_recorded00001', state: 'running' });
      // A retry after the lock expired is told to recover that object, not to run again.
      const retry = await claim('k1', 'req_b', 1_000 + 61_000);
      assert.deepEqual(retry, { kind: 'recover', objectType: 'customer', objectId: 'cus_recorded00001', originalRequestId: 'req_a' });
    });

    it('stores the response in the transaction itself when the route answers with its result', async () => {
      assert.equal((await claim('k5', 'req_g', 1_000)).kind, 'execute');
      const completion: CompletionInTx = {};
      const result = await insert(storeRecordingCommits(store, scope, 'k5', 'req_g', completion), 'cus_completed0001');
      assert.equal(completion.result, result);
      assert.equal(completion.body, JSON.stringify(result));
      // No completion commit after it: a retry (even at once) replays the stored answer.
      const retry = await claim('k5', 'req_h', 1_001);
      assert.deepEqual(retry, { kind: 'replay', status: 200, body: JSON.stringify(result), originalRequestId: 'req_g' });
      // A key taken over meanwhile: nothing commits, nothing is stored.
      assert.equal((await claim('k6', 'req_i', 1_000)).kind, 'execute');
      assert.equal((await claim('k6', 'req_j', 1_000 + 61_000)).kind, 'execute');
      const late: CompletionInTx = {};
      await assert.rejects(insert(storeRecordingCommits(store, scope, 'k6', 'req_i', late), 'cus_late000000002'), (e: unknown) => e instanceof ApiError && e.status === 409);
      assert.equal(late.body, undefined);
      assert.equal(await getObject(store.read, scope, 'customer', 'cus_late000000002'), undefined);
    });

    it('refuses to commit for a request whose key was taken over, and leaves nothing behind', async () => {
      assert.equal((await claim('k2', 'req_slow', 1_000)).kind, 'execute');
      assert.equal((await claim('k2', 'req_retry', 1_000 + 61_000)).kind, 'execute', 'the slow request outlived its lock');
      await assert.rejects(insert(storeRecordingCommits(store, scope, 'k2', 'req_slow'), 'cus_late000000001'), (e: unknown) => e instanceof ApiError && e.status === 409);
      assert.equal(await getObject(store.read, scope, 'customer', 'cus_late000000001'), undefined);
      await insert(storeRecordingCommits(store, scope, 'k2', 'req_retry'), 'cus_retry00000001');
      assert.ok(await getObject(store.read, scope, 'customer', 'cus_retry00000001'));
    });

    it('keeps the key of a request that committed a change even if its response is not stored', async () => {
      assert.equal((await claim('k3', 'req_c', 1_000)).kind, 'execute');
      await insert(storeRecordingCommits(store, scope, 'k3', 'req_c'), 'cus_committed0001');
      // e.g. the handler failed with a parameter error after its transaction had committed
      await store.tx((t) => releaseIdempotencyKey(t, scope, 'k3', 'req_c'));
      const retry = await claim('k3', 'req_d', 1_000 + 61_000);
      assert.equal(retry.kind, 'recover');
      assert.equal(await claim('k4', 'req_e', 1_000).then((o) => o.kind), 'execute');
      await store.tx((t) => releaseIdempotencyKey(t, scope, 'k4', 'req_e'));
      assert.equal((await claim('k4', 'req_f', 2_000)).kind, 'execute', 'a key with nothing committed is released at once');
    });

    it('claims a key at commit: written done with the response in the transaction, or the transaction fails when the key is there', async () => {
      const inFlight = new KeysInFlight();
      const begin = (key: string, requestId: string) =>
        beginIdempotent(store, scope, key, { method: 'POST', path: '/v1/customers', params: { a: '1' }, requestId, nowMs: 5_000 }, inFlight);
      const first = await begin('k7', 'req_k');
      assert.equal(first.kind, 'execute');
      const deferred = first.kind === 'execute' ? first.deferred : undefined;
      assert.ok(deferred, 'claimed at commit');
      assert.equal(await store.read.one('SELECT 1 AS found FROM idempotency_keys WHERE account_id = ? AND key = ?', [scope.accountId, 'k7']), undefined, 'nothing written before the commit');
      // A second request of this process meets the first one's claim before executing.
      await assert.rejects(begin('k7', 'req_l'), (e: unknown) => e instanceof ApiError && e.status === 409 && e.code === 'idempotency_key_in_use');
      const completion: CompletionInTx = {};
      const result = await insert(storeRecordingCommits(store, scope, 'k7', 'req_k', completion, deferred), 'cus_deferred00001');
      deferred.release();
      const row = await store.read.one<Record<string, unknown>>(
        'SELECT state, request_id, object_type, object_id, response_status, response_body FROM idempotency_keys WHERE account_id = ? AND key = ?',
        [scope.accountId, 'k7'],
      );
      assert.deepEqual(
        { ...row, response_status: Number(row?.response_status) },
        { state: 'done', request_id: 'req_k', object_type: 'customer', object_id: 'cus_deferred00001', response_status: 200, response_body: JSON.stringify(result) },
      );
      // Another process's request with the same key, claimed at its commit too: its transaction
      // finds the key and rolls back, leaving nothing behind.
      const elsewhere = await begin('k7', 'req_m');
      assert.ok(elsewhere.kind === 'execute' && elsewhere.deferred, 'this process holds the key no more');
      await assert.rejects(insert(storeRecordingCommits(store, scope, 'k7', 'req_m', {}, elsewhere.deferred), 'cus_deferred00002'), (e: unknown) => e instanceof IdempotencyKeyTaken);
      elsewhere.deferred.release();
      assert.equal(await getObject(store.read, scope, 'customer', 'cus_deferred00002'), undefined);
      // Begun the usual way, it finds the first request's answer.
      assert.deepEqual(await claim('k7', 'req_n', 5_001), { kind: 'replay', status: 200, body: JSON.stringify(result), originalRequestId: 'req_k' });
    });

    it('prunes v1 keys after 24 hours and v2 keys after 30 days, not before', async () => {
      const now = Date.UTC(2026, 10, 1);
      const hour = 3600_000;
      const at = (key: string, path: string, ageMs: number) =>
        beginIdempotent(store, scope, key, { method: 'POST', path, params: {}, requestId: `req_${key}`, nowMs: now - ageMs });
      await at('v1-fresh', '/v1/customers', 23 * hour);
      await at('v1-old', '/v1/customers', 25 * hour);
      await at('v2-day', '/v2/core/accounts', 25 * hour);
      await at('v2-old', '/v2/core/accounts', 31 * 24 * hour);
      const deps = { store, clock: { nowMs: () => now }, publicUrl: () => '' };
      assert.ok((await pruneIdempotencyOnce(deps)) >= 2);
      const left = (await store.read.all<{ key: string }>('SELECT key FROM idempotency_keys WHERE account_id = ? ORDER BY key', [scope.accountId])).map((r) => r.key);
      for (const k of ['v1-fresh', 'v2-day']) assert.ok(left.includes(k), k);
      for (const k of ['v1-old', 'v2-old']) assert.ok(!left.includes(k), k);
    });
  });
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../support/harness.js';
import { useEngineStore } from './engine-store.js';
import type { Store } from '../../src/storage/sql.js';
import { pruneEvents } from '../../src/storage/repos/events.js';
import { pruneIdempotencyKeys } from '../../src/storage/repos/idempotency.js';
import { beginIdempotent } from '../../src/http/idempotency.js';

// Retention walks events and idempotency keys in the order they were written (no index on
// `created`), batch by batch, and stops where retention starts.
for (const engine of engines()) {
  describe(`storage: retention walks [${engine}]`, () => {
    let store: Store;
    useEngineStore(engine, (opened) => (store = opened));

    it('prunes events batch by batch and stops at the first batch that ends inside retention', async () => {
      const insert = (id: string, created: number) =>
        store.tx((t) => t.run("INSERT INTO events (id, account_id, livemode, type, created, data) VALUES (?, 'acct_retention01', 0, 'customer.created', ?, '{}')", [id, created]));
      // evt_e and evt_f were written after evt_d but carry older times (a clock set back).
      for (const [id, created] of [['evt_a', 100], ['evt_b', 101], ['evt_c', 102], ['evt_d', 5_000], ['evt_e', 103], ['evt_f', 104], ['evt_newest', 105]] as const) await insert(id, created);
      const ids = async () => (await store.read.all<{ id: string }>('SELECT id FROM events ORDER BY seq')).map((r) => r.id);

      const first = await store.tx((t) => pruneEvents(t, 1_000, 2));
      assert.equal(first.deleted, 2);
      assert.ok(first.next !== undefined, 'a full batch past retention: the walk goes on');
      const second = await store.tx((t) => pruneEvents(t, 1_000, 2, first.next));
      assert.deepEqual(second, { deleted: 1, next: undefined }, 'the batch ends with an event inside retention');
      assert.deepEqual(await ids(), ['evt_d', 'evt_e', 'evt_f', 'evt_newest']);

      // Within one batch, every event past retention goes; the newest event of the store never does.
      assert.deepEqual(await store.tx((t) => pruneEvents(t, 1_000, 500)), { deleted: 2, next: undefined });
      assert.deepEqual(await ids(), ['evt_d', 'evt_newest']);
    });

    it('walks idempotency keys past v2 keys still inside their window', async () => {
      const now = Date.UTC(2026, 10, 1);
      const hour = 3600_000;
      const scope = { accountId: 'acct_retention02', livemode: false };
      const at = (key: string, path: string, ageMs: number) =>
        beginIdempotent(store, scope, key, { method: 'POST', path, params: {}, requestId: `req_${key}`, nowMs: now - ageMs });
      for (const k of ['v2-a', 'v2-b', 'v2-c']) await at(k, '/v2/core/accounts', 30 * hour);
      await at('v1-old-a', '/v1/customers', 26 * hour);
      await at('v1-old-b', '/v1/customers', 25 * hour);
      await at('v1-fresh', '/v1/customers', 23 * hour);
      const v1Before = Math.floor((now - 24 * hour) / 1000);
      const v2Before = Math.floor((now - 30 * 24 * hour) / 1000);

      const steps = [];
      let after: number | undefined = 0;
      while (after !== undefined) {
        const from: number = after;
        const step = await store.tx((t) => pruneIdempotencyKeys(t, v1Before, v2Before, 2, from));
        steps.push(step.deleted);
        after = step.next;
      }
      assert.deepEqual(steps, [0, 1, 1], 'two batches of v2 keys and old v1 keys, then one that ends with a fresh key');
      const left = (await store.read.all<{ key: string }>('SELECT key FROM idempotency_keys WHERE account_id = ? ORDER BY seq', [scope.accountId])).map((r) => r.key);
      assert.deepEqual(left, ['v2-a', 'v2-b', 'v2-c', 'v1-fresh']);
    });
  });
}

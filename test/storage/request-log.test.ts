import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../support/harness.js';
import { useEngineStore } from './engine-store.js';
import type { Store } from '../../src/storage/sql.js';
import { insertRequestLogEntries, listRequestLog, requestLogInserts, type RequestLogEntry } from '../../src/storage/repos/request-log.js';

// The request log's batch insert, on each engine, through the connection the server writes it with.
for (const engine of engines()) {
  describe(`storage: request log batches [${engine}]`, () => {
    let store: Store;
    useEngineStore(engine, (opened) => (store = opened));
    const scope = { accountId: `acct_log${engine}`, livemode: false };
    const entry = (i: number): RequestLogEntry => ({
      requestId: `req_${String(i).padStart(6, '0')}`,
      accountId: scope.accountId,
      livemode: false,
      method: i % 2 ? 'POST' : 'GET',
      path: `/v1/customers/${i}`,
      status: 200 + (i % 3),
      durationMs: i % 50,
      createdMs: 1_000_000 + i,
      idempotencyKey: i % 2 ? `key-${i}` : null,
      stripeVersion: '2026-10-28.endive',
    });

    it('writes batches of any size whole and in order, with a handful of statement texts', async () => {
      const texts = new Set<string>();
      let next = 0;
      for (const size of [1, 7, 128, 200, 333, 1000, 999, 2, 3, 5, 11, 13, 64, 65, 127, 129, 255, 256, 511, 512]) {
        const batch = Array.from({ length: size }, () => entry(next++));
        for (const { sql } of requestLogInserts(batch)) texts.add(sql);
        // As the server writes it: SQLite's detached writer, or a transaction.
        if (store.detached) await store.detached.batch(requestLogInserts(batch));
        else await store.tx((t) => insertRequestLogEntries(t, batch));
      }
      assert.ok(texts.size <= 8, `${texts.size} statement texts for 20 batch sizes`);
      const { items } = await listRequestLog(store.read, scope, { limit: 100, afterSeq: 0 });
      assert.equal(items.length, 100);
      assert.deepEqual({ ...items[5], seq: 0 }, { ...entry(5), seq: 0 });
      let all: RequestLogEntry[] = [];
      for (let after = 0; ; ) {
        const page = await listRequestLog(store.read, scope, { limit: 100, afterSeq: after });
        if (!page.items.length) break;
        all = all.concat(page.items);
        after = page.items[page.items.length - 1].seq;
      }
      assert.equal(all.length, next);
      assert.deepEqual(all.map((e) => e.requestId), Array.from({ length: next }, (_, i) => entry(i).requestId));
    });
  });
}

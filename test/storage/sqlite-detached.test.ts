import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/sql.js';
import { requestLogInserts, type RequestLogEntry } from '../../src/storage/repos/request-log.js';

// SQLite's detached writer: batches of statements on a worker thread's own connection to the file.
describe('storage: SQLite detached writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onfile-detached-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const entry = (i: number): RequestLogEntry => ({
    requestId: `req_${i}`,
    accountId: 'acct_1',
    livemode: false,
    method: 'GET',
    path: '/v1/customers',
    status: 200,
    durationMs: 1,
    createdMs: 1000 + i,
    idempotencyKey: null,
    stripeVersion: null,
  });
  const entries = (from: number, n: number) => Array.from({ length: n }, (_, i) => entry(from + i));
  const count = (store: Store) => store.read.one<{ n: number }>("SELECT COUNT(*) AS n FROM request_log WHERE account_id = 'acct_1'").then((r) => r!.n);

  it('commits on its own connection what the main connections then read, while the writer goes on', async () => {
    const store = await openStore({ dataDir: dir });
    try {
      assert.ok(store.detached, 'the SQLite store has a detached writer');
      const logged = store.detached.batch(requestLogInserts(entries(0, 300)));
      // The API's writer is not held up by it.
      await store.tx((t) => t.run("INSERT INTO accounts (id, created, data) VALUES ('acct_1', 1, '{}')"));
      await logged;
      assert.equal(await count(store), 300);
    } finally {
      await store.close();
    }
  });

  it("runs a batch in one transaction: a failing statement rejects with SQLite's error and leaves none of it", async () => {
    const store = await openStore({ dataDir: dir });
    try {
      const statements = [...requestLogInserts(entries(300, 5)), { sql: 'INSERT INTO no_such_table VALUES (?)', params: [1] }];
      await assert.rejects(store.detached!.batch(statements), (err: Error & { code?: string }) => /no such table/.test(err.message) && err.code === 'SQLITE_ERROR');
      assert.equal(await count(store), 300, 'the rows before the failing statement were rolled back');
      await store.detached!.batch(requestLogInserts(entries(300, 1)));
      assert.equal(await count(store), 301, 'and the writer keeps working');
    } finally {
      await store.close();
    }
  });

  it('finishes the batches sent before close', async () => {
    const store = await openStore({ dataDir: dir });
    const writes = [];
    for (let i = 0; i < 20; i++) writes.push(store.detached!.batch(requestLogInserts(entries(1000 + i * 50, 50))));
    await store.close();
    await Promise.all(writes);
    const reopened = await openStore({ dataDir: dir });
    try {
      assert.equal(await count(reopened), 1301);
    } finally {
      await reopened.close();
    }
  });
});

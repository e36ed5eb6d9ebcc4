import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/storage/open.js';
import { insertRequestLogEntries, type RequestLogEntry } from '../../src/storage/repos/request-log.js';

// SQLite's detached writer: statements on a worker thread's own connection to the store's file.
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
  const count = (store: Awaited<ReturnType<typeof openStore>>) => store.read.one<{ n: number }>("SELECT COUNT(*) AS n FROM request_log WHERE account_id = 'acct_1'").then((r) => r!.n);

  it('commits on its own connection what the main connections then read, while the writer goes on', async () => {
    const store = await openStore({ dataDir: dir });
    try {
      assert.ok(store.detached, 'the SQLite store has a detached writer');
      const logged = insertRequestLogEntries(store.detached, Array.from({ length: 300 }, (_, i) => entry(i)));
      // The API's writer is not held up by it.
      await store.tx((t) => t.run("INSERT INTO accounts (id, created, data) VALUES ('acct_1', 1, '{}')"));
      await logged;
      assert.equal(await count(store), 300);
      assert.equal((await store.detached.one<{ n: number }>('SELECT COUNT(*) AS n FROM accounts'))?.n, 1, 'and it reads what the writer committed');
    } finally {
      await store.close();
    }
  });

  it('rejects a failing statement with SQLite\'s error, and keeps working', async () => {
    const store = await openStore({ dataDir: dir });
    try {
      await assert.rejects(store.detached!.run('INSERT INTO no_such_table VALUES (1)'), (err: Error & { code?: string }) => /no such table/.test(err.message) && err.code === 'SQLITE_ERROR');
      await insertRequestLogEntries(store.detached!, [entry(1000)]);
      assert.equal(await count(store), 301);
    } finally {
      await store.close();
    }
  });

  it('finishes the statements sent before close', async () => {
    const store = await openStore({ dataDir: dir });
    const writes = [];
    for (let i = 0; i < 20; i++) writes.push(insertRequestLogEntries(store.detached!, Array.from({ length: 50 }, (_, j) => entry(2000 + i * 50 + j))));
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

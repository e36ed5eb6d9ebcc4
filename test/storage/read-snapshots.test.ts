import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/storage/open.js';
import { requestLogInserts } from '../../src/storage/repos/request-log.js';

// SQLite's reads of one event-loop turn share one snapshot (storage/sqlite/read-snapshots.ts); a
// commit of this process ends it, a turn later everything committed is seen.
describe('storage: SQLite read snapshots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onfile-snapshots-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const insertAccount = (id: string) => `INSERT INTO accounts (id, created, data) VALUES ('${id}', 1, '{}')`;

  it("sees this process's group commit at once, even in the turn whose snapshot began before it", async () => {
    const store = await openStore({ dataDir: dir });
    try {
      const find = (id: string) => store.read.one<{ id: string }>('SELECT id FROM accounts WHERE id = ?', [id]);
      const committed = store.tx((t) => t.run(insertAccount('acct_snap1')));
      // This read begins the turn's snapshot, before the group above commits (later in this turn).
      assert.equal(await find('acct_snap1'), undefined);
      await committed;
      assert.equal((await find('acct_snap1'))?.id, 'acct_snap1');
    } finally {
      await store.close();
    }
  });

  it("sees the detached writer's batch once it is done", async () => {
    const store = await openStore({ dataDir: dir });
    try {
      const count = () => store.read.one<{ n: number }>("SELECT COUNT(*) AS n FROM request_log WHERE account_id = 'acct_snap2'").then((r) => r!.n);
      const entry = { requestId: 'req_snap2', accountId: 'acct_snap2', livemode: false, method: 'GET', path: '/v1/customers', status: 200, durationMs: 1, createdMs: 1, idempotencyKey: null, stripeVersion: null };
      const logged = store.detached!.batch(requestLogInserts([entry]));
      assert.equal(await count(), 0);
      await logged;
      assert.equal(await count(), 1);
    } finally {
      await store.close();
    }
  });

  it("sees another process's commit from the next turn on", async () => {
    const store = await openStore({ dataDir: dir });
    const other = new Database(join(dir, 'onfile.db'));
    try {
      const find = (id: string) => store.read.one<{ id: string }>('SELECT id FROM accounts WHERE id = ?', [id]);
      assert.equal(await find('acct_snap3'), undefined);
      other.exec(insertAccount('acct_snap3'));
      assert.equal(await find('acct_snap3'), undefined, 'the snapshot of this turn');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal((await find('acct_snap3'))?.id, 'acct_snap3');
    } finally {
      other.close();
      await store.close();
    }
  });

  it("begins a new snapshot for the first request of an I/O batch: it sees another process's commit made before it arrived", async () => {
    const store = await openStore({ dataDir: dir });
    const other = new Database(join(dir, 'onfile.db'));
    try {
      const find = (id: string) => store.read.one<{ id: string }>('SELECT id FROM accounts WHERE id = ?', [id]);
      // A read earlier in this turn (a timer's) began a snapshot; then another process commits.
      assert.equal(await find('acct_snap4'), undefined);
      other.exec(insertAccount('acct_snap4'));
      store.requestArrived!();
      assert.equal((await find('acct_snap4'))?.id, 'acct_snap4');
      // The other requests of the same batch share that snapshot.
      other.exec(insertAccount('acct_snap5'));
      store.requestArrived!();
      assert.equal(await find('acct_snap5'), undefined);
      await new Promise((resolve) => setImmediate(resolve));
      store.requestArrived!();
      assert.equal((await find('acct_snap5'))?.id, 'acct_snap5', 'a batch of the next turn');
    } finally {
      other.close();
      await store.close();
    }
  });
});

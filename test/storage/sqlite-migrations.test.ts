import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations } from '../../src/storage/migrate.js';
import { openStore } from '../../src/storage/open.js';
import { pruneEvents } from '../../src/storage/repos/events.js';

const REBUILD = '0006_objects_events_without_autoincrement.sql';

// A store written by an onfile from before the objects and events tables lost AUTOINCREMENT, opened
// by this one: its rows survive, and seqs go on growing from where they were.
describe('storage: SQLite migration of objects and events to plain rowids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onfile-migrate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every row and index, and new rows follow the old seqs', async () => {
    const old = new Database(join(dir, 'onfile.db'));
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
    for (const m of loadMigrations('sqlite')) {
      if (m.name >= REBUILD) continue;
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(m.name, 0);
    }
    const insertObject = old.prepare(
      "INSERT INTO objects (id, account_id, livemode, type, created, version, customer, lookup, data, internal) VALUES (?, 'acct_1', 0, 'customer', ?, 1, NULL, ?, ?, '{}')",
    );
    const insertEvent = old.prepare("INSERT INTO events (id, account_id, livemode, type, created, object_id, data, pending_webhooks) VALUES (?, 'acct_1', 0, 'customer.created', ?, ?, '{}', 1)");
    for (let i = 0; i < 50; i++) {
      insertObject.run(`cus_${i}`, 1000 + i, `c${i}@example.com`, JSON.stringify({ id: `cus_${i}` }));
      insertEvent.run(`evt_${i}`, 1000 + i, `cus_${i}`);
    }
    // Rows deleted before the migration leave gaps that stay gaps.
    old.exec("DELETE FROM objects WHERE id = 'cus_20'; DELETE FROM events WHERE id = 'evt_20'");
    old.exec("DELETE FROM objects WHERE id = 'cus_49'");
    old.close();

    const store = await openStore({ dataDir: dir });
    try {
      const schema = await store.read.all<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name IN ('objects', 'events')");
      assert.equal(schema.length, 2);
      for (const { sql } of schema) assert.doesNotMatch(sql, /AUTOINCREMENT/i);
      const indexes = (await store.read.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('objects', 'events') AND name NOT LIKE 'sqlite_%' ORDER BY name")).map((r) => r.name);
      assert.deepEqual(indexes, ['events_list', 'events_type', 'events_v2', 'objects_customer', 'objects_list', 'objects_lookup', 'objects_parent']);
      const objects = await store.read.all<{ seq: number; id: string; lookup: string; data: string }>('SELECT seq, id, lookup, data FROM objects ORDER BY seq');
      assert.equal(objects.length, 48);
      assert.deepEqual(objects[10], { seq: 11, id: 'cus_10', lookup: 'c10@example.com', data: '{"id":"cus_10"}' });
      const events = await store.read.all<{ seq: number; id: string; pending_webhooks: number }>('SELECT seq, id, pending_webhooks FROM events ORDER BY seq');
      assert.equal(events.length, 49);
      assert.equal(events.some((e) => e.id === 'evt_20'), false);
      assert.deepEqual(events[48], { seq: 50, id: 'evt_49', pending_webhooks: 1 });
      // The query a list page runs is still answered from its index.
      const plan = await store.read.all<{ detail: string }>(
        "EXPLAIN QUERY PLAN SELECT data FROM objects WHERE account_id = 'acct_1' AND livemode = 0 AND type = 'customer' ORDER BY seq DESC LIMIT 11",
      );
      assert.match(plan.map((p) => p.detail).join('\n'), /objects_list/);
      // And a v2 events list (for one object or not), from the partial index of v2 events.
      for (const objectFilter of ['', " AND object_id = 'acct_2'"]) {
        const v2plan = await store.read.all<{ detail: string }>(
          `EXPLAIN QUERY PLAN SELECT seq, data FROM events WHERE account_id = 'acct_1' AND livemode = 0 AND type LIKE 'v2.%'${objectFilter} ORDER BY seq DESC LIMIT 21`,
        );
        assert.match(v2plan.map((p) => p.detail).join('\n'), /events_v2\b/);
      }

      await store.tx(async (t) => {
        await t.run("INSERT INTO events (id, account_id, livemode, type, created, data) VALUES ('evt_new', 'acct_1', 0, 'customer.created', 2000, '{}')");
      });
      const added = await store.read.one<{ seq: number }>("SELECT seq FROM events WHERE id = 'evt_new'");
      assert.equal(added?.seq, 51, 'one more than the largest seq');
    } finally {
      await store.close();
    }
  });

  it('never prunes the newest event, so event seqs never go back', async () => {
    const store = await openStore({ dataDir: mkdtempSync(join(dir, 'prune-')) });
    try {
      const insert = (id: string, created: number) =>
        store.tx((t) => t.run("INSERT INTO events (id, account_id, livemode, type, created, data) VALUES (?, 'acct_1', 0, 'customer.created', ?, '{}')", [id, created]));
      for (let i = 0; i < 5; i++) await insert(`evt_old_${i}`, 100 + i);
      const newest = await store.read.one<{ seq: number }>('SELECT MAX(seq) AS seq FROM events');
      // Every event is past retention.
      assert.equal((await store.tx((t) => pruneEvents(t, 10_000, 500))).deleted, 4);
      const left = await store.read.all<{ id: string }>('SELECT id FROM events');
      assert.deepEqual(left.map((r) => r.id), ['evt_old_4']);
      await insert('evt_next', 20_000);
      const next = await store.read.one<{ seq: number }>("SELECT seq FROM events WHERE id = 'evt_next'");
      assert.ok(next!.seq > newest!.seq, `seq ${next!.seq} follows ${newest!.seq}`);
    } finally {
      await store.close();
    }
  });
});

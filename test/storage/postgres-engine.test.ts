import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { useEngineStore } from './engine-store.js';
import { toPg } from '../../src/storage/postgres/engine.js';
import { insertObject, listObjects } from '../../src/storage/repos/objects.js';
import type { Sql, Store } from '../../src/storage/sql.js';

const skip = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set (PostgreSQL only)';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The PostgreSQL engine's own machinery (storage/postgres/): reads and claims pipelined on shared
// connections, planner statistics kept current, list pages planned for their values.
describe('storage: PostgreSQL engine', { skip }, () => {
  let store: Store;
  if (!skip) useEngineStore('postgres', (opened) => (store = opened));
  const scope = { accountId: 'acct_pgengine0000001', livemode: false };

  it('answers each of many reads sent together with its own rows', async () => {
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => store.read.one<{ n: number }>('SELECT ?::int * 2 AS n', [i])));
    assert.deepEqual(
      answers.map((a) => a?.n),
      Array.from({ length: 300 }, (_, i) => i * 2),
    );
  });

  it('keeps answering reads after the database ends its shared connections', async () => {
    const before = new Set<number>();
    for (let i = 0; i < 10; i++) before.add((await store.read.one<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid);
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [[...before]]);
    } finally {
      await admin.end();
    }
    // A read in flight at that moment may fail; those after it reach a new connection.
    let answered = 0;
    const after = new Set<number>();
    for (const deadline = Date.now() + 10_000; answered < 5 && Date.now() < deadline; ) {
      try {
        after.add((await store.read.one<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid);
        answered++;
      } catch {
        await sleep(50);
      }
    }
    assert.equal(answered, 5);
    for (const pid of after) assert.ok(!before.has(pid), `backend ${pid} was ended`);
  });

  it('never gives a transaction a connection that the database ended under an earlier one', async () => {
    const backendOf = (t: Sql) => t.one<{ pid: number }>('SELECT pg_backend_pid() AS pid').then((r) => r!.pid);
    let ended = 0;
    await assert.rejects(
      store.tx(async (t) => {
        ended = await backendOf(t);
        await t.one('SELECT pg_terminate_backend(?::int)', [ended]);
      }),
    );
    assert.ok(ended > 0);
    // More transactions at once than the pool holds connections: every one commits, none on the ended backend.
    const used = await Promise.all(
      Array.from({ length: 25 }, () =>
        store.tx(async (t) => {
          const pid = await backendOf(t);
          await sleep(5);
          return pid;
        }),
      ),
    );
    assert.equal(used.length, 25);
    assert.ok(!used.includes(ended), `backend ${ended} was ended, yet a transaction ran on it`);
  });

  it('analyzes a table that filled since its last ANALYZE, without waiting for autovacuum', async () => {
    // Autovacuum off for the table: only the engine's own check can analyze it now.
    await store.autocommit.run('ALTER TABLE objects SET (autovacuum_enabled = false)');
    const analyzed = () =>
      store.read.one<{ at: string | null }>("SELECT last_analyze AS at FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'objects'");
    assert.equal((await analyzed())?.at, null, 'never analyzed yet');
    await store.tx(async (t) => {
      for (let i = 0; i < 300; i++) {
        const id = `cus_pgstats${String(i).padStart(8, '0')}`;
        await insertObject(t, scope, { type: 'customer', id, created: 1, data: { id }, internal: {} });
      }
    });
    // Statistics reach pg_stat_user_tables within seconds (the backend's report), then the next check.
    let at: string | null | undefined = null;
    for (const deadline = Date.now() + 30_000; !at && Date.now() < deadline; await sleep(250)) at = (await analyzed())?.at;
    assert.ok(at, 'objects was analyzed');
  });

  it('plans each page of a list for its own values, and prepares lookups once', async () => {
    // A generic plan would walk the whole table in seq order for a small account among a large one's rows.
    const page = toPg("SELECT seq, data FROM objects WHERE account_id = ? AND livemode = ? AND type = ? ORDER BY seq DESC LIMIT 11");
    assert.equal(page.name, undefined);
    assert.equal(page.text, 'SELECT seq, data FROM objects WHERE account_id = $1 AND livemode = $2 AND type = $3 ORDER BY seq DESC LIMIT 11');
    assert.ok(toPg('SELECT data FROM objects WHERE id = ? AND account_id = ?').name, 'a lookup is a named statement');
    // And a real page through the repository still pages correctly.
    const { items } = await listObjects(store.read, scope, { type: 'customer', limit: 3 });
    assert.equal(items.length, 3);
  });
});

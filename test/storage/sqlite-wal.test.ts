import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommitter } from '../../src/storage/sqlite/group-commit.js';
import { startCheckpointer } from '../../src/storage/sqlite/checkpointer.js';
import type { Sql, SqlValue } from '../../src/storage/sql.js';

// The SQLite engine's writer machinery on a real database file: group commit with early-answered
// claims, and the checkpointer's WAL restart.
describe('storage: SQLite group commit and WAL restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onfile-wal-'));
  const file = join(dir, 'wal.db');
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  writer.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
  // As the engine sets it: the committer waits for a lock held elsewhere itself.
  writer.pragma('busy_timeout = 0');
  const reader = new Database(file, { readonly: true });
  const sql: Sql = {
    dialect: 'sqlite',
    one: async (q: string, p: readonly SqlValue[] = []) => writer.prepare(q).get(...p) as never,
    all: async (q: string, p: readonly SqlValue[] = []) => writer.prepare(q).all(...p) as never,
    run: async (q: string, p: readonly SqlValue[] = []) => ({ changes: writer.prepare(q).run(...p).changes }),
    write: async (q: string, p: readonly SqlValue[] = []) => void writer.prepare(q).run(...p),
    writeReturning: async <T>(q: string, p: readonly SqlValue[], then: (rows: T[]) => void) => then(writer.prepare(q).all(...p) as T[]),
    column: async <T>(q: string, p: readonly SqlValue[] = []) => writer.prepare(q).pluck().all(...p) as T[],
  };
  const committer = new GroupCommitter(writer, sql);
  const visible = (k: string) => reader.prepare('SELECT v FROM t WHERE k = ?').get(k) !== undefined;
  const insert = (k: string) => (t: Sql) => t.run('INSERT INTO t (k, v) VALUES (?, ?)', [k, 'x'.repeat(2000)]);

  after(() => {
    reader.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a claim early, and commits it with the transaction its caller runs next', async () => {
    const claimed = await committer.run(insert('claim-1'), () => true);
    assert.deepEqual(claimed, { changes: 1 });
    // The caller's next transaction, queued while the claim's group is still open, joins its commit.
    await committer.run(insert('change-1'));
    assert.equal(visible('claim-1'), true, 'the claim is durable once the next transaction is answered');
    assert.equal(visible('change-1'), true);
  });

  it('keeps the group open while early-answered callers keep queueing their next transactions', async () => {
    // The callers' next transactions come after different numbers of promise turns: each answer sets
    // its caller going at another point of the group, and every one of them should still join it.
    const commit = (committer as unknown as { commit: Database.Statement }).commit;
    let commits = 0;
    const counted = { run: () => (commits++, commit.run()) };
    (committer as unknown as { commit: unknown }).commit = counted;
    try {
      await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          await committer.run(insert(`claim-join-${i}`), () => true);
          for (let turn = 0; turn < i * 4; turn++) await undefined;
          await committer.run(insert(`change-join-${i}`));
        }),
      );
    } finally {
      (committer as unknown as { commit: unknown }).commit = commit;
    }
    assert.equal(commits, 1, 'twelve claims and the twelve changes after them in one commit');
    for (let i = 0; i < 12; i++) assert.equal(visible(`change-join-${i}`), true);
  });

  it('answers a claim whose result does not qualify only after its commit', async () => {
    const seen = await committer.run(insert('claim-2'), () => false).then(() => visible('claim-2'));
    assert.equal(seen, true);
  });

  it('rolls back a claim that throws, and rejects it', async () => {
    await assert.rejects(
      committer.run(async (t) => {
        await insert('claim-3')(t);
        throw new Error('refused');
      }, () => true),
      /refused/,
    );
    await committer.run(insert('after-3'));
    assert.equal(visible('claim-3'), false);
    assert.equal(visible('after-3'), true);
  });

  it('holds new groups while paused, then commits what queued meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    committer.pause(() => held);
    const queued = committer.run(insert('during-pause'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(visible('during-pause'), false, 'no group ran while paused');
    release();
    await queued;
    assert.equal(visible('during-pause'), true);
  });

  it('waits for a write lock another connection holds, without blocking the event loop', async () => {
    // Another process's writer (a cluster worker, the CLI) in the middle of its transaction.
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      other.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('other-writer', 'x');
      const queued = committer.run(insert('while-locked'));
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 2);
      await new Promise((resolve) => setTimeout(resolve, 60));
      clearInterval(ticker);
      assert.ok(ticks >= 5, `timers kept firing while the group waited (${ticks})`);
      assert.equal(visible('while-locked'), false, 'nothing committed while the other writer held the lock');
      other.exec('COMMIT');
      await queued;
      assert.equal(visible('while-locked'), true);
      assert.equal(visible('other-writer'), true);
    } finally {
      other.close();
    }
  });

  it('lets the WAL start over after a restart checkpoint', async () => {
    // One checkpoint when the worker starts, then none during the test.
    const checkpointer = startCheckpointer(file, 60_000);
    await new Promise<void>((resolve) => (checkpointer.onProgress = () => resolve()));
    // mxFrame of the wal-index header (https://www.sqlite.org/walformat.html#the_wal_index_file_format),
    // read without touching the database: a checkpoint here would itself let the WAL restart.
    // nBackfill of the checkpoint info that follows the two header copies: frames already copied.
    const walIndex = () => {
      const header = Buffer.alloc(100);
      const fd = openSync(`${file}-shm`, 'r');
      try {
        readSync(fd, header, 0, 100, 0);
      } finally {
        closeSync(fd);
      }
      return { frames: header.readUInt32LE(16), backfilled: header.readUInt32LE(96) };
    };
    const walFrames = () => walIndex().frames;
    try {
      for (let i = 0; i < 20; i++) await committer.run(insert(`bulk-${i}`));
      const written = walIndex();
      assert.ok(written.backfilled < written.frames, 'frames written since the last checkpoint');
      // Catching up copies them while the writer goes on (no pause).
      await checkpointer.catchUp();
      assert.deepEqual(walIndex(), { frames: written.frames, backfilled: written.frames });
      for (let i = 20; i < 40; i++) await committer.run(insert(`bulk-${i}`));
      const before = walFrames();
      await committer.run(insert('bulk-more'));
      assert.ok(walFrames() > before, 'without a checkpoint the WAL only grows');
      committer.pause(() => checkpointer.restart());
      await committer.run(insert('after-restart'));
      const afterRestart = walFrames();
      assert.ok(afterRestart < before, `the first write after the restart checkpoint started the WAL over (${before} frames, then ${afterRestart})`);
      assert.equal(visible('after-restart'), true);
      assert.equal(visible('bulk-39'), true);
    } finally {
      await checkpointer.stop();
    }
  });
});

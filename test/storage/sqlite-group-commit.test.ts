import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommitter } from '../../src/storage/sqlite/group-commit.js';
import type { Sql } from '../../src/storage/sql.js';

// A SQLite group without a savepoint undoes a failed transaction by a ROLLBACK, which lets SQLite's
// write lock go until its next BEGIN (storage/sqlite/group-commit.ts). Another connection may take the
// lock in that moment; the group must then wait for it, and nothing may wait on the group for ever.
describe('storage: SQLite group commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onfile-group-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for a lock another connection took between its rollback and its next BEGIN, and lets a pause asked for meanwhile run', async () => {
    const file = join(dir, 'lock-taken.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0)');
    // As in the engine: the committer waits for a lock held elsewhere with timers, not SQLite's sleeps.
    db.pragma('busy_timeout = 0');
    const other = new Database(file);
    // The group's ROLLBACK statement, and right after it another connection takes the write lock for a
    // few milliseconds: what another process can do in that moment.
    let takeLockAfterRollback = false;
    let lockTaken = 0;
    const prepare = db.prepare.bind(db);
    db.prepare = ((source: string) => {
      const statement = prepare(source);
      if (source !== 'ROLLBACK') return statement;
      const run = statement.run.bind(statement);
      return Object.assign(statement, {
        run: (...params: unknown[]) => {
          const result = run(...params);
          if (takeLockAfterRollback) {
            takeLockAfterRollback = false;
            other.prepare('BEGIN IMMEDIATE').run();
            lockTaken++;
            setTimeout(() => other.prepare('COMMIT').run(), 5);
          }
          return result;
        },
      });
    }) as typeof db.prepare;
    const committer = new GroupCommitter(db, {} as Sql);

    const increment = db.prepare('UPDATE counter SET n = n + 1 WHERE id = 1');
    let paused = 0;
    let pauseAccepted = false;
    const jobs = Array.from({ length: 10 }, (_, i) =>
      committer.run(async () => {
        increment.run();
        if (i === 4) {
          // A WAL restart asks for a pause while the group runs (checkpointer.ts).
          pauseAccepted = committer.pause(async () => {
            paused++;
          });
          takeLockAfterRollback = true;
          throw new Error('refused after writing');
        }
        return i;
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.allSettled(jobs),
      new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), 5000))),
    ]);
    clearTimeout(timer);
    try {
      assert.notEqual(settled, 'stuck', 'every transaction settled');
      assert.equal(lockTaken, 1, 'the other connection held the lock at the group\u2019s BEGIN');
      assert.deepEqual(
        (settled as PromiseSettledResult<number>[]).map((r) => r.status),
        Array.from({ length: 10 }, (_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
      );
      assert.equal(pauseAccepted, true);
      assert.equal(paused, 1, 'the pause ran');
      await committer.drained();
      const { n } = db.prepare('SELECT n FROM counter WHERE id = 1').get() as { n: number };
      assert.equal(n, 9, 'every increment but the failed one, each once');
    } finally {
      other.close();
      db.close();
    }
  });
});

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runAndCheck, type Sql, type SqlValue, type Statement, type Store } from '../sql.js';
import { loadMigrations } from '../migrate.js';
import { startCheckpointer } from './checkpointer.js';
import { GroupCommitter } from './group-commit.js';
import { startDetachedWriter } from './detached-writer.js';
import { readSnapshots } from './read-snapshots.js';

/**
 * SQLite engine. better-sqlite3 is synchronous, so one connection must never interleave two
 * transactions: `tx` queues them in-process and commits them in groups (group-commit.ts), and
 * `BEGIN IMMEDIATE` serializes them against other processes on the same file (cluster workers, the
 * CLI), waiting for the lock without blocking the event loop. Reads use a second connection, so they
 * only ever see committed data (WAL snapshot).
 */
/** About 40 MB of WAL: under a steady write load, a restart every second or so. */
const WAL_RESTART_FRAMES = 10_000;

export interface SqliteOptions {
  /**
   * Run the checkpointing thread (default). A cluster's workers leave checkpoints to the primary:
   * one checkpointer per database file.
   */
  checkpoints?: boolean;
}

export async function openSqliteStore(file: string, opts: SqliteOptions = {}): Promise<Store> {
  mkdirSync(dirname(file), { recursive: true });
  const writer = open(file, { mmap: false });
  migrate(writer);
  // From here the group committer waits for a lock held elsewhere itself (group-commit.ts).
  writer.pragma('busy_timeout = 0');
  const reader = open(file, { mmap: true });
  reader.pragma('query_only = ON');
  const snapshots = readSnapshots(reader);
  // Checkpoints run on a worker thread (checkpointer.ts); the writer only checkpoints itself should
  // the WAL ever reach ~120 MB (the worker stopped, or restarts keep failing).
  writer.pragma(`wal_autocheckpoint = ${3 * WAL_RESTART_FRAMES}`);
  // Once checkpointed, a WAL file that grew under load is cut back to this size when it restarts.
  writer.pragma('journal_size_limit = 67108864');
  const checkpointer = opts.checkpoints === false ? undefined : startCheckpointer(file);
  const committer = new GroupCommitter(writer, wrap(writer), snapshots.end);
  const writerThread = startDetachedWriter(file);
  const detached = {
    // Reads after a batch is written must see it, as after a group commit.
    batch: (statements: Statement[]) => writerThread.batch(statements).finally(snapshots.end),
    close: () => writerThread.close(),
  };
  // A WAL that grew past WAL_RESTART_FRAMES frames restarts: see checkpointer.ts.
  if (checkpointer) {
    let restarting = false;
    checkpointer.onProgress = (walFrames) => {
      if (walFrames < WAL_RESTART_FRAMES || restarting) return;
      restarting = true;
      void checkpointer
        .catchUp()
        .then(
          () =>
            new Promise<void>((resolve) => {
              const paused = committer.pause(() => checkpointer.restart().finally(resolve));
              if (!paused) resolve();
            }),
        )
        .finally(() => (restarting = false));
    };
  }

  const store: Store = {
    dialect: 'sqlite',
    read: wrap(reader, snapshots.enter),
    // The writer connection may be inside a queued transaction: a lone statement waits its turn too.
    autocommit: {
      dialect: 'sqlite',
      one: (sql, params) => store.tx((t) => t.one(sql, params)),
      all: (sql, params) => store.tx((t) => t.all(sql, params)),
      column: (sql, params) => store.tx((t) => t.column(sql, params)),
      run: (sql, params) => store.tx((t) => t.run(sql, params)),
      write: (sql, params, expect) => store.tx((t) => t.write(sql, params, expect)),
      writeReturning: (sql, params, then) => store.tx((t) => t.writeReturning(sql, params, then)),
    },
    tx<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
      return committer.run(fn);
    },
    claim<T>(fn: (t: Sql) => Promise<T>, early: (result: T) => boolean): Promise<T> {
      return committer.run(fn, early);
    },
    detached,
    requestArrived: snapshots.requestArrived,
    async close() {
      await committer.drained();
      await detached.close();
      await checkpointer?.stop();
      snapshots.end();
      reader.close();
      writer.close();
    },
  };
  return store;
}

/**
 * `mmap`: read the database file through a memory map. The reader does; the writer does not. SQLite
 * drops a connection's map whenever another connection committed and maps the file again as it
 * grows, and each page read through a fresh map is a page fault. Under a create load the writer took
 * ~4 faults per create that way against ~1 `pread` without the map: creates and updates cost 4-5%
 * less CPU with the writer unmapped (side by side, both ways round), reads the same.
 */
function open(file: string, { mmap }: { mmap: boolean }): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (SIGKILL); only power loss may drop the last commits.
  db.pragma(`synchronous = ${process.env.ONFILE_SQLITE_SYNCHRONOUS ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  // A page cache that holds the hot index pages (idempotency keys are random, so their inserts land
  // on pages all over their index).
  db.pragma('cache_size = -65536');
  db.pragma(`mmap_size = ${mmap ? 268435456 : 0}`);
  // After a failure, and in a group with a claim, transactions run in SAVEPOINTs (group-commit.ts),
  // and SQLite keeps the old image of every page a savepoint changes in a sub-journal, which it
  // spills to a temporary file past 64 KiB: a group of creates wrote ~1 MB there, 30-40 us per
  // create in write calls. In memory it is a copy.
  db.pragma('temp_store = MEMORY');
  return db;
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[]);
  for (const m of loadMigrations('sqlite')) {
    if (applied.has(m.name)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(m.name, Date.now());
    }).immediate();
  }
}

/** `beforeRead`: called before every statement (the reader's snapshot, read-snapshots.ts). */
function wrap(db: Database.Database, beforeRead: () => void = () => {}): Sql {
  // Prepared once per SQL text. A statement in pluck mode answers with each row's first column
  // (`column`); it is prepared apart, so the same SQL may also be run for whole rows.
  const preparer = (pluck: boolean) => {
    const cache = new Map<string, Database.Statement>();
    return (sql: string) => {
      let s = cache.get(sql);
      if (!s) {
        s = pluck ? db.prepare(sql).pluck() : db.prepare(sql);
        cache.set(sql, s);
      }
      return s;
    };
  };
  const stmt = preparer(false);
  const pluckStmt = preparer(true);
  const conn: Sql = {
    dialect: 'sqlite',
    async one<T>(sql: string, params: readonly SqlValue[] = []) {
      beforeRead();
      return stmt(sql).get(...params) as T | undefined;
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      beforeRead();
      return stmt(sql).all(...params) as T[];
    },
    async column<T>(sql: string, params: readonly SqlValue[] = []) {
      beforeRead();
      return pluckStmt(sql).all(...params) as T[];
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      beforeRead();
      return { changes: stmt(sql).run(...params).changes };
    },
    write: (sql, params, expect) => runAndCheck(conn, sql, params, expect),
    async writeReturning<T>(sql: string, params: readonly SqlValue[], then: (rows: T[]) => void) {
      beforeRead();
      then(stmt(sql).all(...params) as T[]);
    },
  };
  return conn;
}

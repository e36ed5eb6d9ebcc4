import type Database from 'better-sqlite3';

/**
 * The reads of one turn of the event loop share one read transaction (one WAL snapshot) on the
 * reader connection. A SELECT on its own is a transaction of its own, and beginning and ending one
 * (taking and releasing a WAL read lock: two fcntl calls, a look at the WAL index) took ~3 µs of a
 * list page's ~7 µs in SQLite.
 *
 * A snapshot ends in the check phase of the turn that began it (setImmediate), and at once whenever
 * this process commits (group commits, the detached writer), so nothing read after a commit here
 * misses it. Commits of other processes (a cluster worker, the CLI): a request must see every commit
 * made before it arrived, so the first request of an I/O batch ends the snapshot that reads before it
 * began (a timer's, or one carried over from the last check phase), and the requests of the batch
 * share the one their reads begin: their bytes were all there when the poll returned. (libuv polls
 * again within one phase only when 1024 sockets were ready at once.)
 */
export interface ReadSnapshots {
  /** Before a read: begins the turn's snapshot unless one is open. */
  enter(): void;
  /** Ends the open snapshot, if any; the next read begins a new one. */
  end(): void;
  /** An HTTP request arrived (Store.requestArrived): the first of an I/O batch ends the snapshot. */
  requestArrived(): void;
}

export function readSnapshots(db: Database.Database): ReadSnapshots {
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  let open = false;
  const end = () => {
    if (!open) return;
    open = false;
    // A read transaction has nothing to commit; a failure only means SQLite ended it already.
    if (db.inTransaction) {
      try {
        commit.run();
      } catch {
        if (db.inTransaction) db.prepare('ROLLBACK').run();
      }
    }
  };
  let inBatch = false;
  const batchOver = () => {
    inBatch = false;
  };
  return {
    requestArrived() {
      if (inBatch) return;
      inBatch = true;
      end();
      setImmediate(batchOver);
    },
    enter() {
      if (open) return;
      begin.run();
      open = true;
      setImmediate(end);
    },
    end,
  };
}

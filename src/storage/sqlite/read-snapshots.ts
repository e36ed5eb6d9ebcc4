import type Database from 'better-sqlite3';

/**
 * The reads of one turn of the event loop share one read transaction (one WAL snapshot) on the
 * reader connection. A SELECT on its own is a transaction of its own, and beginning and ending one
 * (taking and releasing a WAL read lock: two fcntl calls, a look at the WAL index) took ~3 µs of a
 * list page's ~7 µs in SQLite.
 *
 * A snapshot ends in the check phase of the turn that began it (setImmediate), and at once whenever
 * this process commits (group commits, the detached writer), so nothing read after a commit here
 * misses it. A commit of another process (a cluster worker, the CLI) is seen from the next turn:
 * the requests a turn reads for were received before it began, so they see every commit they could
 * have waited for.
 */
export interface ReadSnapshots {
  /** Before a read: begins the turn's snapshot unless one is open. */
  enter(): void;
  /** Ends the open snapshot, if any; the next read begins a new one. */
  end(): void;
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
  return {
    enter() {
      if (open) return;
      begin.run();
      open = true;
      setImmediate(end);
    },
    end,
  };
}

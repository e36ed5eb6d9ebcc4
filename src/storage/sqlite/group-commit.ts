import type Database from 'better-sqlite3';
import { ConflictError, TX_ATTEMPTS, type Sql } from '../sql.js';

/** Most transactions one COMMIT carries; bounds how long a group holds the writer. */
const MAX_GROUP = 64;

interface Job {
  fn: (t: Sql) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  attempt: number;
}

type Outcome = { job: Job; ok: true; value: unknown } | { job: Job; ok: false; err: unknown };

/**
 * Group commit for SQLite's one writer connection. On this synchronous driver a COMMIT is the most
 * expensive statement of a request (it writes every dirty page to the WAL), and concurrent requests
 * queue for the writer anyway. So the transactions queued in one turn of the event loop run back to
 * back inside one BEGIN IMMEDIATE ... COMMIT, each in a SAVEPOINT of its own:
 *
 * - a transaction that throws is rolled back to its savepoint alone and rejects; the others go on;
 * - none resolves before the COMMIT that makes it durable, so nobody is answered with an
 *   uncommitted change; a failed COMMIT rejects every transaction of the group;
 * - a ConflictError (an optimistic version check against a row read outside the transaction) is
 *   retried in the next group, after this one committed, when reads see the newer row.
 *
 * Consecutive inserts touch the same B-tree pages, so a group writes far fewer pages than its
 * transactions would one by one (https://www.sqlite.org/wal.html).
 */
export class GroupCommitter {
  private pending: Job[] = [];
  private scheduled = false;
  private running = false;
  private idle: (() => void)[] = [];
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly sql: Sql,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT onfile_tx');
    this.release = db.prepare('RELEASE onfile_tx');
    this.rollbackTo = db.prepare('ROLLBACK TO onfile_tx');
  }

  run<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject, attempt: 1 });
      this.schedule();
    });
  }

  /** Resolves once every transaction queued so far has finished. */
  drained(): Promise<void> {
    if (!this.running && !this.pending.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // After the current I/O phase: every request parsed in it has queued its transaction by then.
    setImmediate(() => {
      this.scheduled = false;
      void this.runGroup();
    });
  }

  private async runGroup(): Promise<void> {
    if (this.running || !this.pending.length) return;
    this.running = true;
    const group = this.pending.splice(0, MAX_GROUP);
    const outcomes: Outcome[] = [];
    const retry: Job[] = [];
    try {
      this.begin.run();
    } catch (err) {
      // The database is locked by another process past busy_timeout, or unusable: nothing ran.
      for (const job of group) job.reject(err);
      return this.finishGroup(retry);
    }
    let groupError: unknown;
    for (const job of group) {
      if (groupError !== undefined) {
        outcomes.push({ job, ok: false, err: groupError });
        continue;
      }
      this.savepoint.run();
      try {
        const value = await job.fn(this.sql);
        this.release.run();
        outcomes.push({ job, ok: true, value });
      } catch (err) {
        if (!this.db.inTransaction) {
          // SQLite rolled the whole transaction back by itself (disk full, I/O error): the
          // transactions before this one in the group are gone too.
          groupError = err;
          outcomes.push({ job, ok: false, err });
          continue;
        }
        this.rollbackTo.run();
        this.release.run();
        if (err instanceof ConflictError && job.attempt < TX_ATTEMPTS) {
          job.attempt++;
          retry.push(job);
        } else outcomes.push({ job, ok: false, err });
      }
    }
    if (groupError !== undefined) {
      for (const o of outcomes) if (o.ok) o.job.reject(groupError);
      for (const o of outcomes) if (!o.ok) o.job.reject(o.err);
      if (this.db.inTransaction) this.rollback.run();
      return this.finishGroup(retry);
    }
    try {
      this.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      for (const o of outcomes) o.job.reject(o.ok ? err : o.err);
      return this.finishGroup(retry);
    }
    for (const o of outcomes) {
      if (o.ok) o.job.resolve(o.value);
      else o.job.reject(o.err);
    }
    this.finishGroup(retry);
  }

  private finishGroup(retry: Job[]): void {
    this.running = false;
    if (retry.length) this.pending.unshift(...retry);
    if (this.pending.length) this.schedule();
    else for (const resolve of this.idle.splice(0)) resolve();
  }
}

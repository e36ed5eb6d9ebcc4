import type Database from 'better-sqlite3';
import { ConflictError, TX_ATTEMPTS, type Sql } from '../sql.js';
import { endOfIoPhase } from '../../lib/io-phase.js';

/** Most transactions one COMMIT carries; bounds how long a group holds the writer. */
const MAX_GROUP = 64;
/**
 * How many promise-callback turns a group waits, after its last transaction, for the requests it
 * answered early to queue their next transaction. Requests that take longer commit in the next group.
 */
const JOIN_HOPS = 32;
/**
 * Another process (a cluster worker, the CLI, a checkpoint restarting the WAL) may hold SQLite's
 * write lock. The writer connection has no busy_timeout, because SQLite's busy handler sleeps and
 * would freeze this process's event loop (every read in flight with it): BEGIN fails at once with
 * SQLITE_BUSY and the group is tried again after BUSY_RETRY_MS, for at most BUSY_GIVE_UP_MS.
 */
const BUSY_RETRY_MS = 1;
const BUSY_GIVE_UP_MS = 10_000;

interface Job {
  fn: (t: Sql) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  attempt: number;
  /** Store.claim: the result may be handed back before the commit when this holds. */
  early?: (value: unknown) => boolean;
}

type Outcome = { job: Job; ok: true; value: unknown } | { job: Job; ok: false; err: unknown };

/**
 * Group commit for SQLite's one writer connection. On this synchronous driver a COMMIT is the most
 * expensive statement of a request (it writes every dirty page to the WAL), and concurrent requests
 * queue for the writer anyway. So the transactions queued in one turn of the event loop run back to
 * back inside one BEGIN IMMEDIATE ... COMMIT:
 *
 * - a transaction that throws is rolled back alone and rejects; the others go on. They run without
 *   a savepoint until one of them throws: SQLite copies every page a savepoint changes first into
 *   its sub-journal, and a savepoint per transaction (~10 pages per create) cost 5-8% of a create's
 *   CPU, one for the whole group still 3%. When one throws, the group's transaction is rolled back
 *   and begun again, the transactions before it run again, and from there on each runs in a
 *   SAVEPOINT of its own. Transactions must therefore be safe to run again, as they already are for
 *   ConflictError. Should another process take the write lock between the rollback and the new
 *   BEGIN, the group waits for it like a group that found it taken: nothing of it was answered yet;
 * - a group with a claim (Store.claim, below) does answer before its commit: it runs in one SAVEPOINT
 *   and rolls back to that, so that it keeps the write lock. An early answer is not taken back, and
 *   its run again gives the same result, the group's state before it being the same;
 * - none resolves before the COMMIT that makes it durable, so nobody is answered with an
 *   uncommitted change; a failed COMMIT rejects every transaction of the group;
 * - a ConflictError (an optimistic version check against a row read outside the transaction) is
 *   retried in the next group, after this one committed, when reads see the newer row.
 *
 * The one exception is Store.claim (an idempotency key's claim): its result comes back as soon as
 * it has run, and the group waits a few promise-callback turns (never for I/O) for
 * what the request does next (its state change) to join the same commit. A request then costs one commit instead of two, and its
 * response still waits for a commit that includes its claim.
 *
 * Consecutive inserts touch the same B-tree pages, so a group writes far fewer pages than its
 * transactions would one by one (https://www.sqlite.org/wal.html).
 */
export class GroupCommitter {
  private pending: Job[] = [];
  private scheduled = false;
  private running = false;
  private idle: (() => void)[] = [];
  /** While set, no group starts (pause). */
  private gate?: Promise<void>;
  private groupEnded: (() => void)[] = [];
  /** When BEGIN first found the database locked by another connection, while it still does. */
  private busySince?: number;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;
  private readonly groupSavepoint: Database.Statement;
  private readonly rollbackToGroup: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly sql: Sql,
    /** After every COMMIT: reads from then on must see it (read-snapshots.ts). */
    private readonly committed: () => void = () => {},
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT onfile_tx');
    this.release = db.prepare('RELEASE onfile_tx');
    this.rollbackTo = db.prepare('ROLLBACK TO onfile_tx');
    this.groupSavepoint = db.prepare('SAVEPOINT onfile_group');
    this.rollbackToGroup = db.prepare('ROLLBACK TO onfile_group');
  }

  run<T>(fn: (t: Sql) => Promise<T>, early?: (value: T) => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject, attempt: 1, early: early as Job['early'] });
      this.schedule();
    });
  }

  /** Resolves once every transaction queued so far has finished. */
  drained(): Promise<void> {
    if (!this.running && !this.gate && !this.pending.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Runs `task` once the group in progress (if any) has committed, with no group starting until it
   * is done; transactions queued meanwhile wait and then commit together. False when a pause is
   * already in progress (and `task` will not run).
   */
  pause(task: () => Promise<void>): boolean {
    if (this.gate) return false;
    const groupEnded = this.running ? new Promise<void>((resolve) => this.groupEnded.push(resolve)) : Promise.resolve();
    this.gate = groupEnded
      .then(task)
      .catch(() => undefined)
      .finally(() => {
        this.gate = undefined;
        this.schedule();
        this.settleIdle();
      });
    return true;
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.gate || !this.pending.length) return;
    this.scheduled = true;
    // After the current I/O phase: every request parsed in it has queued its transaction by then,
    // and the reads answered in it go out first (lib/io-phase.ts).
    void endOfIoPhase().then(() => {
      this.scheduled = false;
      void this.runGroup();
    });
  }

  private async runGroup(): Promise<void> {
    if (this.running || this.gate || !this.pending.length) return;
    this.running = true;
    const group = this.pending.splice(0, MAX_GROUP);
    const outcomes: Outcome[] = [];
    const retry: Job[] = [];
    try {
      this.begin.run();
      this.busySince = undefined;
    } catch (err) {
      if (isBusy(err) && Date.now() - (this.busySince ??= Date.now()) < BUSY_GIVE_UP_MS) {
        // Nothing ran: the group waits (and grows) until the other connection commits.
        return this.waitForLock(group);
      }
      // Locked for too long, or the database is unusable: nothing ran.
      this.busySince = undefined;
      for (const job of group) job.reject(err);
      return this.finishGroup(retry);
    }
    let answeredEarly = false;
    let groupError: unknown;
    // The group's transactions run without savepoints of their own until one of them fails, and
    // without one for the group unless a claim may be answered early (see the class comment). Only
    // claims answer early, and only claims' requests join a group once it ran, so the first jobs tell.
    let shared = true;
    const guarded = group.some((job) => job.early !== undefined);
    if (guarded) this.groupSavepoint.run();
    for (let i = 0; ; i++) {
      if (i === group.length) {
        // Early answers set their requests going again, through promise callbacks only (no I/O):
        // let those run, and take what they queue (the requests' state changes) into this commit.
        // They arrive over several turns (each answer went out at another point of the group), so
        // the group takes them until a wait of JOIN_HOPS turns brings nothing: stopping after the
        // first arrivals left ~6% of creates to a second commit, and their responses a group later.
        if (!answeredEarly || groupError !== undefined) break;
        for (let hop = 0; hop < JOIN_HOPS && !this.pending.length; hop++) await undefined;
        if (!this.pending.length || group.length >= MAX_GROUP) break;
        group.push(...this.pending.splice(0, MAX_GROUP - group.length));
      }
      const job = group[i];
      if (groupError !== undefined) {
        outcomes.push({ job, ok: false, err: groupError });
        continue;
      }
      if (!shared) {
        groupError = await this.runInSavepoint(job, outcomes, retry);
        const last = outcomes[outcomes.length - 1];
        if (last?.job === job && this.answerEarly(job, last)) answeredEarly = true;
        continue;
      }
      try {
        const value = await job.fn(this.sql);
        const outcome: Outcome = { job, ok: true, value };
        outcomes.push(outcome);
        if (this.answerEarly(job, outcome)) answeredEarly = true;
      } catch (err) {
        if (!this.db.inTransaction) {
          // SQLite rolled the whole transaction back by itself (disk full, I/O error).
          groupError = err;
          outcomes.push({ job, ok: false, err });
          continue;
        }
        // Its writes are mixed with those of the transactions before it: undo the group so far, count
        // this one as failed (run after them again, it would fail the same way), and run those again,
        // each in a savepoint of its own as the rest of the group will be.
        const earlier = outcomes.splice(0).map((o) => o.job);
        this.failed(job, err, outcomes, retry);
        if (guarded) this.rollbackToGroup.run();
        else {
          this.rollback.run();
          try {
            this.begin.run();
          } catch {
            // Another connection took the write lock in between: the rest of the group waits for it.
            this.settle(outcomes);
            this.pending.unshift(...retry);
            return this.waitForLock([...earlier, ...group.slice(i + 1)]);
          }
        }
        shared = false;
        for (const e of earlier) {
          if (groupError === undefined) groupError = await this.runInSavepoint(e, outcomes, retry);
          else outcomes.push({ job: e, ok: false, err: groupError });
        }
      }
    }
    if (groupError !== undefined) {
      for (const o of outcomes) o.job.reject(o.ok ? groupError : o.err);
      if (this.db.inTransaction) this.rollback.run();
      return this.finishGroup(retry);
    }
    try {
      this.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      // An early-answered claim is already out; its request's next write finds the claim missing.
      for (const o of outcomes) o.job.reject(o.ok ? err : o.err);
      return this.finishGroup(retry);
    }
    this.committed();
    this.settle(outcomes);
    this.finishGroup(retry);
  }

  private settle(outcomes: Outcome[]): void {
    for (const o of outcomes) {
      if (o.ok) o.job.resolve(o.value);
      else o.job.reject(o.err);
    }
  }

  /** Nothing of `jobs` is written: they go back to the front of the queue, and a group begins again shortly. */
  private waitForLock(jobs: Job[]): void {
    this.pending.unshift(...jobs);
    this.running = false;
    // A pause asked for while the group ran (after a failure, the group had awaited its transactions)
    // holds every later group until this one is over: it is.
    for (const resolve of this.groupEnded.splice(0)) resolve();
    // Marked scheduled, so that transactions queued meanwhile wait for this retry.
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      void this.runGroup();
    }, BUSY_RETRY_MS);
  }

  /**
   * Runs a job in a savepoint of its own, so that its failure undoes its writes alone. Returns the
   * error when SQLite rolled the whole transaction back by itself (disk full, I/O error): the
   * transactions before this one in the group are gone too.
   */
  private async runInSavepoint(job: Job, outcomes: Outcome[], retry: Job[]): Promise<unknown> {
    this.savepoint.run();
    try {
      const value = await job.fn(this.sql);
      this.release.run();
      outcomes.push({ job, ok: true, value });
    } catch (err) {
      if (!this.db.inTransaction) {
        outcomes.push({ job, ok: false, err });
        return err;
      }
      this.rollbackTo.run();
      this.release.run();
      this.failed(job, err, outcomes, retry);
    }
    return undefined;
  }

  /** A ConflictError is tried again in the next group, after this one committed; anything else rejects. */
  private failed(job: Job, err: unknown, outcomes: Outcome[], retry: Job[]): void {
    if (err instanceof ConflictError && job.attempt < TX_ATTEMPTS) {
      job.attempt++;
      retry.push(job);
    } else outcomes.push({ job, ok: false, err });
  }

  /** Store.claim's early answer: resolves the job before the commit when its `early` says so. */
  private answerEarly(job: Job, outcome: Outcome): boolean {
    if (!outcome.ok || !job.early?.(outcome.value)) return false;
    job.resolve(outcome.value);
    return true;
  }

  private finishGroup(retry: Job[]): void {
    this.running = false;
    for (const resolve of this.groupEnded.splice(0)) resolve();
    if (retry.length) this.pending.unshift(...retry);
    this.schedule();
    this.settleIdle();
  }

  private settleIdle(): void {
    if (!this.running && !this.gate && !this.pending.length) for (const resolve of this.idle.splice(0)) resolve();
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

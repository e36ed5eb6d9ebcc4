/**
 * The one async interface both engines implement. Repositories (storage/repos/) are written once
 * against it with `?` placeholders; an engine rewrites them for its driver.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | null | bigint;

/** A statement with its parameters, to run later or elsewhere (Store.detached). */
export interface Statement {
  sql: string;
  params: SqlValue[];
}

export interface Sql {
  readonly dialect: Dialect;
  /**
   * True inside a PostgreSQL transaction: reads of a row about to be changed take its row lock
   * (`FOR UPDATE`), so concurrent writers of one object queue instead of failing their version
   * check over and over (several processes may share the database). SQLite transactions are
   * already serialized (BEGIN IMMEDIATE).
   */
  readonly locksRows?: boolean;
  one<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /**
   * The first column of every row, as an array of values. No object is built per row, so a list page
   * of stored texts is read as the texts themselves (on SQLite, building the row objects had been about
   * a quarter of such a query's time).
   */
  column<T = unknown>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /**
   * A write whose answer the caller does not need, only that it succeeded and, with `expect`, that
   * it changed exactly `expect.changes` rows. Inside a PostgreSQL transaction it resolves once the
   * statement is queued, without waiting for the database: it goes out together with the next
   * statement whose answer is awaited, or with the COMMIT, one round trip for all of them. If it
   * fails, the transaction fails no later than its commit, with the database's error or, for a
   * row count other than expected, with `expect.error()`. Elsewhere it runs like `run`.
   */
  write(sql: string, params?: readonly SqlValue[], expect?: RowsExpected): Promise<void>;
  /**
   * Like `write`, for a statement whose rows are wanted only once it has run, not before the next
   * statement: `then` gets them when they arrive (inside a PostgreSQL transaction, with the answers
   * of the next awaited statement or of the COMMIT, always before the transaction resolves). If the
   * statement fails, `then` is not called and the transaction fails as with `write`.
   */
  writeReturning<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[], then: (rows: T[]) => void): Promise<void>;
}

/** What a `write` must change to be correct, and the error when it did not (a lost race, mostly). */
export interface RowsExpected {
  changes: number;
  error: () => Error;
}

/** `write` on an engine that runs it at once: `run`, then the row-count check. */
export async function runAndCheck(s: Sql, sql: string, params: readonly SqlValue[] | undefined, expect?: RowsExpected): Promise<void> {
  const { changes } = await s.run(sql, params);
  if (expect && changes !== expect.changes) throw expect.error();
}

export interface Store {
  readonly dialect: Dialect;
  /** Autocommit reads of committed data. */
  readonly read: Sql;
  /**
   * Writes that need no transaction around them: each statement commits on its own. On PostgreSQL
   * that is one round trip instead of three (BEGIN, statement, COMMIT); SQLite queues each statement
   * with the transactions on its one writer connection.
   */
  readonly autocommit: Sql;
  /**
   * Runs fn in one transaction; every write of a state change, its events and webhook deliveries
   * goes through here. A ConflictError (an optimistic version check failed) or a serialization
   * failure rolls back and runs fn again, a bounded number of times. On SQLite fn may also run again
   * when another transaction of its commit group fails (group-commit.ts): fn must be safe to run
   * again, its effects outside the database included.
   */
  tx<T>(fn: (t: Sql) => Promise<T>): Promise<T>;
  /**
   * A claim that the same request's next write confirms (an idempotency key): runs fn with its
   * statements committed like `autocommit`'s, except that an engine may hand back a result for which
   * `early(result)` holds before it is committed, so that the request's next transaction can share
   * its commit (SQLite's group commit). Nothing may be answered to a client on such a result alone:
   * the request's own later write commits after it, or fails if it never did.
   */
  claim<T>(fn: (t: Sql) => Promise<T>, early: (result: T) => boolean): Promise<T>;
  /**
   * For writes that belong to no request's transaction and that nobody waits for (the request log):
   * SQLite runs each batch in one transaction on a worker thread with its own connection, off the
   * event loop. Engines without it take such writes through `tx`.
   */
  readonly detached?: { batch(statements: Statement[]): Promise<void> };
  /**
   * An HTTP request has arrived: its reads must see every commit made before it arrived, by any
   * process. SQLite shares one read snapshot among the requests of one I/O batch
   * (sqlite/read-snapshots.ts) and begins a new one for each batch.
   */
  requestArrived?(): void;
  close(): Promise<void>;
  /**
   * The engine's own store when this one is a per-request wrapper (http/idempotency.ts): what is not
   * part of the request's state change (a processor simulator's records) writes through it.
   */
  readonly base?: Store;
}

/** Thrown by a repository when a row changed since it was read (optimistic concurrency). */
export class ConflictError extends Error {
  constructor(what: string) {
    super(`conflict on ${what}`);
  }
}

export function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export const TX_ATTEMPTS = 8;

/**
 * `LIMIT n` written into the statement, never bound: SQLite (3.4x+) plans with the value of a bound
 * LIMIT parameter and so prepares the statement again whenever it is bound, which is on every call;
 * that doubled the cost of a page of 10. Distinct limits are few (1..101), so each gets its cached
 * statement.
 */
export function limitClause(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid LIMIT ${n}`);
  return `LIMIT ${n}`;
}

/**
 * The placeholders and values of an `IN (…)` list, padded to the next power of two with repeats of
 * the last value (which `IN` ignores). A statement text per size class rather than per length keeps
 * the engines' statement caches small: SQLite's is keyed by text, and PostgreSQL's named statements
 * are bounded, after which statements run unnamed.
 */
export function inList<T extends SqlValue>(values: readonly T[]): { marks: string; values: T[] } {
  if (!values.length) throw new Error('an IN list needs at least one value');
  let size = 1;
  while (size < values.length) size *= 2;
  const padded = values.slice();
  while (padded.length < size) padded.push(values[values.length - 1]);
  return { marks: Array(size).fill('?').join(', '), values: padded };
}

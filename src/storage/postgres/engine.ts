import pg from 'pg';
import { ConflictError, TX_ATTEMPTS, runAndCheck, type RowsExpected, type Sql, type SqlValue, type Store } from '../sql.js';
import { SharedConnections } from './pipeline.js';
import { keepStatistics } from './statistics.js';
import { loadMigrations } from '../migrate.js';

// BIGINT columns (seq, created, amounts) fit in a JS number; parse them as numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));

// 40001 serialization_failure, 40P01 deadlock_detected: the transaction is safe to run again.
const RETRYABLE = new Set(['40001', '40P01']);

export interface PostgresOptions {
  url: string;
  /** Schema to use (created if missing); tests give each server its own. */
  schema?: string;
  max?: number;
}

/**
 * PostgreSQL engine. Several onfile processes may share one database: writes use optimistic
 * version checks (ConflictError) and unique keys, so no in-process lock is needed for correctness.
 */
export async function openPostgresStore(opts: PostgresOptions): Promise<Store> {
  const schema = opts.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const setup = new pg.Client({ connectionString: opts.url });
    setup.on('error', () => undefined); // see migrate
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (err) {
      // IF NOT EXISTS is not safe against a concurrent CREATE: two processes starting together on
      // a new schema can both pass the check, and the loser gets unique_violation (or
      // duplicate_schema). Either way the schema exists now, which is all this wants.
      const code = (err as { code?: string }).code;
      if (code !== '23505' && code !== '42P06') throw err;
    } finally {
      await setup.end();
    }
  }
  const connection: pg.ClientConfig = { connectionString: opts.url, options: schema ? `-c search_path=${schema}` : undefined };
  await migrate(connection);
  // Transactions (and autocommit writes, which may wait on a row lock) each take a connection of
  // their own; in pipeline mode, so that a transaction's statements go out together (Transaction).
  const pool = new pg.Pool({ ...connection, max: opts.max ?? 10, pipeline: true } as pg.PoolConfig);
  pool.on('error', () => undefined); // an idle client dropped by the server; the pool replaces it
  const shared = new SharedConnections(connection, SHARED_CONNECTIONS);
  await shared.connect();
  const sharedSql = sqlOn((config) => shared.query(config));
  const statistics = keepStatistics(pool);

  const store: Store = {
    dialect: 'postgres',
    read: sharedSql,
    autocommit: sqlOn((config) => pool.query(config)),
    // Each statement commits on its own before it answers: nothing to share. A claim's statements
    // (an insert that skips a taken key, a plain read) never wait on a lock: they may pipeline.
    claim: (fn) => fn(sharedSql),
    async tx<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        const t = new Transaction(client);
        // A connection that failed, or whose ROLLBACK failed (it may still be inside this
        // transaction), is closed rather than handed to the next one: the pool drops a connection
        // released with an error. A checked-out client reports a lost connection as an 'error' event
        // too (after failing its queries), which without a listener would end the process.
        let unusable: Error | undefined;
        const lost = (err: Error) => void (unusable ??= err);
        client.on('error', lost);
        try {
          const result = await fn(t);
          await t.commit();
          return result;
        } catch (err) {
          unusable = (await t.rollback()) ?? unusable;
          const code = (err as { code?: string }).code;
          if ((err instanceof ConflictError || (code && RETRYABLE.has(code))) && attempt < TX_ATTEMPTS) {
            await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
            continue;
          }
          throw err;
        } finally {
          client.off('error', lost);
          client.release(unusable);
        }
      }
    },
    async close() {
      await statistics.stop();
      await shared.end();
      await pool.end();
    },
  };
  return store;
}

/** Autocommit reads and claims of one process share this many pipelined connections. */
const SHARED_CONNECTIONS = 2;

async function migrate(connection: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(connection);
  // A lost connection fails the statement in flight, and so the start, with its error; pg also emits
  // it as an 'error' event, which without a listener would end the process from outside any await.
  client.on('error', () => undefined);
  await client.connect();
  try {
    // One process migrates at a time when several start together.
    await client.query('SELECT pg_advisory_lock(7304501)');
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.name));
    for (const m of loadMigrations('postgres')) {
      if (applied.has(m.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [m.name, Date.now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(7304501)').catch(() => undefined);
    await client.end();
  }
}

interface Statement {
  name?: string;
  text: string;
}

const statements = new Map<string, Statement>();
/** Beyond this many distinct statement texts, further ones run unnamed (bounds each connection's cache). */
const MAX_NAMED_STATEMENTS = 2000;

/**
 * `?` → `$n`, once per statement text. Each text also gets a stable name, so pg prepares it once per
 * pooled connection and later executions skip PostgreSQL's parse and, after five runs, its planning
 * too: the plan is made once for any values (a generic plan). Repositories never put `?` inside
 * string literals.
 *
 * Pages of a list (`ORDER BY … LIMIT n`) stay unnamed, so each is planned for its own values. Their
 * best plan depends on how many rows the given account has: a generic plan assumes every account
 * holds an equal share, and for an account of 20 customers among thousands of another's it walked
 * the whole table in `seq` order (the primary key) instead of the account's list index (seen: 300
 * instead of 4,000 pages/s). Lookups by id have one good plan whatever the values, given statistics
 * (statistics.ts).
 */
export function toPg(sql: string): Statement {
  let st = statements.get(sql);
  if (st === undefined) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    const named = statements.size < MAX_NAMED_STATEMENTS && !LIST_PAGE.test(sql);
    st = { text, name: named ? `onfile_${statements.size + 1}` : undefined };
    statements.set(sql, st);
  }
  return st;
}
const LIST_PAGE = /\bORDER BY\b[^()]*\bLIMIT \d+\s*$/i;

/** With `asArrays`, rows come as arrays of values (pg's rowMode 'array'), for `column`: no object per row. */
const queryConfig = (sql: string, params: readonly SqlValue[], asArrays = false): pg.QueryConfig => {
  const st = toPg(sql);
  const config: pg.QueryConfig = { name: st.name, text: st.text, values: params as unknown[] };
  if (asArrays) (config as pg.QueryArrayConfig).rowMode = 'array';
  return config;
};

const firstColumn = <T>(r: pg.QueryResult | pg.QueryArrayResult): T[] => (r.rows as unknown[][]).map((row) => row[0] as T);

/** A statement that fails (OF001) unless it changed `changes` rows: see migration 0007. It must be an INSERT, UPDATE or DELETE without a RETURNING of its own. */
function expecting(sql: string, changes: number): string {
  return `WITH changed AS (${sql} RETURNING 1) SELECT onfile_expect_rows(count(*), ${changes}) FROM changed`;
}
const ROWS_UNEXPECTED = 'OF001';

/** Statements outside a transaction: each is its own. */
function sqlOn(send: (config: pg.QueryConfig) => Promise<pg.QueryResult>): Sql {
  const s: Sql = {
    dialect: 'postgres',
    async one<T>(sql: string, params: readonly SqlValue[] = []) {
      return (await send(queryConfig(sql, params))).rows[0] as T | undefined;
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return (await send(queryConfig(sql, params))).rows as T[];
    },
    async column<T>(sql: string, params: readonly SqlValue[] = []) {
      return firstColumn<T>(await send(queryConfig(sql, params, true)));
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      return { changes: (await send(queryConfig(sql, params))).rowCount ?? 0 };
    },
    write: (sql, params, expect) => runAndCheck(s, sql, params, expect),
    async writeReturning<T>(sql: string, params: readonly SqlValue[], then: (rows: T[]) => void) {
      then((await send(queryConfig(sql, params))).rows as T[]);
    },
  };
  return s;
}

/**
 * One transaction on a pipelined connection, in as few round trips as its reads allow. BEGIN is
 * sent with the first statement; `write`s are queued without waiting for their answers; everything
 * queued leaves in one write when a statement's answer is awaited, or with the COMMIT. A create
 * (object, event, endpoints lookup, idempotency record) takes two round trips instead of six.
 * Queued statements are answered in order, so when one fails, PostgreSQL fails every later one of
 * the transaction (and turns its COMMIT into a ROLLBACK): the first failure is the one reported.
 */
class Transaction implements Sql {
  readonly dialect = 'postgres' as const;
  readonly locksRows = true;
  private begun = false;
  private corked = false;
  private readonly queued: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;

  constructor(private readonly client: pg.PoolClient) {}

  async one<T>(sql: string, params: readonly SqlValue[] = []) {
    return (await this.answer(sql, params)).rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []) {
    return (await this.answer(sql, params)).rows as T[];
  }

  async column<T>(sql: string, params: readonly SqlValue[] = []) {
    return firstColumn<T>(await this.answer(sql, params, true));
  }

  async run(sql: string, params: readonly SqlValue[] = []) {
    return { changes: (await this.answer(sql, params)).rowCount ?? 0 };
  }

  async write(sql: string, params: readonly SqlValue[] = [], expect?: RowsExpected): Promise<void> {
    const failure = expect && ((err: unknown) => ((err as { code?: string }).code === ROWS_UNEXPECTED ? expect.error() : err));
    this.queue(queryConfig(expect ? expecting(sql, expect.changes) : sql, params), undefined, failure);
  }

  async writeReturning<T>(sql: string, params: readonly SqlValue[], then: (rows: T[]) => void): Promise<void> {
    this.queue(queryConfig(sql, params), (r) => then(r.rows as T[]));
  }

  /** Sends a statement whose answer nobody awaits; its failure, if first, is the transaction's. */
  private queue(config: pg.QueryConfig, answered?: (r: pg.QueryResult) => void, failure: (err: unknown) => unknown = (err) => err): void {
    this.queued.push(
      this.send(config).then(
        (r) => answered?.(r),
        (err) => void (this.failure ??= { error: failure(err) }),
      ),
    );
  }

  async commit(): Promise<void> {
    if (!this.begun) return;
    const committed = this.send('COMMIT');
    this.flush();
    const r = await committed;
    await this.settled();
    if (this.failure) throw this.failure.error;
    // Only a failed statement turns a COMMIT into a ROLLBACK, and that failure was recorded above.
    if (r.command !== 'COMMIT') throw new Error(`transaction ended with ${r.command}`);
  }

  /** Ends the transaction; resolves with the error of a ROLLBACK that failed (a lost connection). */
  async rollback(): Promise<Error | undefined> {
    if (!this.begun) return undefined;
    const rolledBack = this.send('ROLLBACK');
    this.flush();
    const failed = await rolledBack.then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    await this.settled();
    return failed;
  }

  private async answer(sql: string, params: readonly SqlValue[], asArrays = false): Promise<pg.QueryResult> {
    const answered = this.send(queryConfig(sql, params, asArrays));
    this.flush();
    try {
      return await answered;
    } catch (err) {
      // A queued write failed first: later statements only say the transaction is aborted.
      await this.settled();
      throw this.failure ? this.failure.error : err;
    }
  }

  private send(config: pg.QueryConfig | string): Promise<pg.QueryResult> {
    if (!this.corked) {
      this.corked = true;
      this.client.connection.stream.cork();
    }
    if (!this.begun) {
      this.begun = true;
      // Its failure (a connection lost) fails every statement behind it too.
      this.queued.push(this.client.query('BEGIN').then(() => undefined, (err) => void (this.failure ??= { error: err })));
    }
    return this.client.query(config);
  }

  private flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.client.connection.stream.uncork();
  }

  private async settled(): Promise<void> {
    await Promise.all(this.queued);
  }
}

import pg from 'pg';
import { ConflictError, TX_ATTEMPTS, type Sql, type SqlValue, type Store } from '../sql.js';
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
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  pool.on('error', () => undefined); // an idle client dropped by the server; the pool replaces it
  await migrate(pool);

  const store: Store = {
    dialect: 'postgres',
    read: wrap(pool),
    autocommit: wrap(pool),
    // Each statement commits on its own before it answers: nothing to share.
    claim: (fn) => fn(store.autocommit),
    async tx<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn(wrap(client, true));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          const code = (err as { code?: string }).code;
          if ((err instanceof ConflictError || (code && RETRYABLE.has(code))) && attempt < TX_ATTEMPTS) {
            await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
            continue;
          }
          throw err;
        } finally {
          client.release();
        }
      }
    },
    async close() {
      await pool.end();
    },
  };
  return store;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
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
    client.release();
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
 * pooled connection and later executions skip PostgreSQL's parse and plan (fewer server CPU cycles
 * per query on the hot path). Repositories never put `?` inside string literals.
 */
function toPg(sql: string): Statement {
  let st = statements.get(sql);
  if (st === undefined) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    st = { text, name: statements.size < MAX_NAMED_STATEMENTS ? `onfile_${statements.size + 1}` : undefined };
    statements.set(sql, st);
  }
  return st;
}

const query = (q: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]) => {
  const st = toPg(sql);
  return q.query({ name: st.name, text: st.text, values: params as unknown[] });
};

function wrap(q: pg.Pool | pg.PoolClient, inTransaction = false): Sql {
  return {
    dialect: 'postgres',
    locksRows: inTransaction,
    async one<T>(sql: string, params: readonly SqlValue[] = []) {
      const r = await query(q, sql, params);
      return r.rows[0] as T | undefined;
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      const r = await query(q, sql, params);
      return r.rows as T[];
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      const r = await query(q, sql, params);
      return { changes: r.rowCount ?? 0 };
    },
  };
}

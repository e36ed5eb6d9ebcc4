import { rmSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.js';
import { startServer } from '../../src/server.js';
import { startCluster } from '../../src/cluster/primary.js';
import { createMerchantAccount } from '../../src/services/accounts/merchant-accounts.js';
import { getAccount } from '../../src/storage/repos/accounts.js';
import type { Sql, Store } from '../../src/storage/sql.js';
import { systemContext } from '../../src/services/context.js';
import { createCustomer } from '../../src/services/customers/customers.js';
import { decodeParams } from '../../src/api/params.js';
import { createCustomerParams } from '../../src/api/v1/customers/params.js';
import { cpuMicros, serveCalls } from './ipc.js';
import { profileStart, profileStop } from './profiler.js';

/**
 * onfile as `npm start` runs it (same startServer, same routes), on a throwaway store: SQLite in
 * BENCH_DATA_DIR, or PostgreSQL in the fresh schema BENCH_PG_SCHEMA. The parent drives it over
 * HTTP and uses these calls only for set-up and for checking what was committed.
 */
const dataDir = process.env.BENCH_DATA_DIR!;
const schema = process.env.BENCH_PG_SCHEMA || undefined;
const databaseUrl = schema ? process.env.DATABASE_URL : '';

const workers = Number(process.env.BENCH_WORKERS ?? 1);
const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir, databaseUrl, pgSchema: schema, logLevel: 'silent', workers }, {});
// As `onfile start` runs it: one process, or a primary and its HTTP workers (src/cluster/).
const server = workers > 1 ? await startCluster(config, workers) : await startServer(config);
const { store, deps } = server;
/** CPU time of every onfile process (the primary and its workers). */
const cpu = async () => ('cpuMicros' in server ? server.cpuMicros() : cpuMicros());
const onlyOneProcess = async () => {
  if (workers > 1) throw new Error('CPU profiles need one onfile process: BENCH_WORKERS=1');
};

async function newAccount(args: { name: string }) {
  const created = await createMerchantAccount(store, deps.clock, { name: args.name });
  return { accountId: created.account.id, sk: created.secretKey };
}

/**
 * Loads customers fast but for real: the Customers service itself creates each one (object row and
 * `customer.created` event, exactly as the API would), many per transaction. The service opens its
 * own transaction through `deps.store.tx`; here that call joins the batch's transaction instead.
 */
async function seedCustomers(args: { accountId: string; count: number; batch: number; timeoutMs: number }) {
  const account = await getAccount(store.read, args.accountId);
  if (!account) throw new Error(`no account ${args.accountId}`);
  const started = Date.now();
  const deadline = started + args.timeoutMs;
  // PostgreSQL commits batches on several pool connections at once; SQLite has one writer anyway.
  const workers = store.dialect === 'postgres' ? 4 : 1;
  let claimed = 0;
  let inserted = 0;
  const work = async () => {
    while (claimed < args.count && Date.now() < deadline) {
      const from = claimed;
      const n = Math.min(args.batch, args.count - from);
      claimed += n;
      await store.tx(async (t) => {
        const joined: Store = { dialect: store.dialect, read: t, autocommit: t, tx: <T>(fn: (s: Sql) => Promise<T>) => fn(t), claim: (fn) => fn(t), close: async () => undefined };
        const ctx = systemContext({ ...deps, store: joined }, account, false);
        for (let i = from; i < from + n; i++) {
          const params = decodeParams(createCustomerParams, {
            name: `Seeded Customer ${i}`,
            email: `seeded-${i}@example.com`,
            metadata: { seq: String(i) },
          });
          await createCustomer(ctx, params);
        }
      });
      inserted += n;
    }
  };
  await Promise.all(Array.from({ length: workers }, work));
  return { inserted, ms: Date.now() - started };
}

const LIVE_CUSTOMERS = "account_id = ? AND livemode = 0 AND type = 'customer'";

async function countCustomers(args: { accountId: string }) {
  const r = await store.read.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM objects WHERE ${LIVE_CUSTOMERS}`, [args.accountId]);
  return Number(r?.n ?? 0);
}

/** Which of these ids have no committed customer row (read on a connection of its own). */
async function missingCustomers(args: { accountId: string; ids: string[] }) {
  const missing: string[] = [];
  for (let i = 0; i < args.ids.length; i += 500) {
    const chunk = args.ids.slice(i, i + 500);
    const rows = await store.read.all<{ id: string }>(
      `SELECT id FROM objects WHERE ${LIVE_CUSTOMERS} AND id IN (${chunk.map(() => '?').join(', ')})`,
      [args.accountId, ...chunk],
    );
    const found = new Set(rows.map((r) => r.id));
    for (const id of chunk) if (!found.has(id)) missing.push(id);
  }
  return missing;
}

async function close() {
  await server.close();
  if (schema) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
  return null;
}

serveCalls(
  {
    newAccount,
    seedCustomers,
    countCustomers,
    missingCustomers,
    cpu,
    profileStart: async () => (await onlyOneProcess(), profileStart()),
    profileStop,
    close,
  },
  { url: server.url, engine: store.dialect },
);

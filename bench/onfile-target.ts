import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startChild, type ChildServer } from './servers/ipc.js';
import type { EngineName } from './options.js';
import type { SdkShape } from './sdk-shape.js';

/** A running onfile child process and what phases need to set themselves up on it. */
export interface OnfileTarget {
  engine: EngineName;
  url: string;
  pid: number;
  /** The bench's own merchant account. */
  accountId: string;
  sk: string;
  child: ChildServer<OnfileReady>;
  newAccount(name: string): Promise<{ accountId: string; sk: string }>;
  /** One API call with the SDK's headers (set-up and checks, not load). */
  api<T = any>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: string, key?: string): Promise<{ status: number; body: T }>;
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

interface OnfileReady {
  url: string;
  engine: string;
}

const SERVER_FILE = fileURLToPath(new URL('./servers/onfile-server.ts', import.meta.url));

/** Starts onfile on a store of its own: a temp SQLite directory, or a fresh PostgreSQL schema. */
export async function startOnfile(engine: EngineName, sdk: SdkShape, databaseUrl: string | undefined, workers: number): Promise<OnfileTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onfile-bench-'));
  const schema = engine === 'postgres' ? `bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}` : '';
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_PG_SCHEMA: schema, BENCH_WORKERS: String(workers) };
  if (engine === 'postgres') env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  let child: ChildServer<OnfileReady>;
  try {
    child = await startChild<OnfileReady>(SERVER_FILE, env);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const url = child.ready.url;
  const main = await child.call<{ accountId: string; sk: string }>('newAccount', { name: 'onfile bench' });

  const api = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: string, key = main.sk) => {
    const headers: Record<string, string> = { ...(method === 'POST' ? sdk.postHeaders : sdk.getHeaders), authorization: `Bearer ${key}` };
    if (method === 'POST') headers['idempotency-key'] = `stripe-node-retry-${randomUUID()}`;
    const res = await fetch(url + path, { method, headers, body: method === 'POST' ? (body ?? '') : undefined, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the report
    }
    return { status: res.status, body: parsed as T };
  };

  return {
    engine,
    url,
    pid: child.pid,
    accountId: main.accountId,
    sk: main.sk,
    child,
    newAccount: (name) => child.call('newAccount', { name }),
    api,
    cpu: () => child.call<number>('cpu'),
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
      // The child drops its schema on close; this covers a child that had to be killed.
      if (schema) await dropSchema(databaseUrl!, schema);
    },
  };
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

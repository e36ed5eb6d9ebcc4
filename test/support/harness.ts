import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import pg from 'pg';
import { OffsetClock } from '../../src/lib/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMerchantAccount } from '../../src/services/accounts/merchant-accounts.js';
import type { MerchantAccount } from '../../src/storage/repos/accounts.js';

export type EngineName = 'sqlite' | 'postgres';

/**
 * Engines the suite runs on: SQLite always, PostgreSQL when DATABASE_URL is set (CI sets it).
 * ONFILE_TEST_ENGINES=sqlite narrows it for a quick local run.
 */
export function engines(): EngineName[] {
  const wanted = process.env.ONFILE_TEST_ENGINES?.split(',');
  const all: EngineName[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  return wanted ? all.filter((e) => wanted.includes(e)) : all;
}

export interface TestAccount {
  account: MerchantAccount;
  sk: string;
  pk: string;
  stripe: Stripe;
}

export interface TestServer {
  engine: EngineName;
  server: RunningServer;
  url: string;
  port: number;
  clock: OffsetClock;
  /** The account every test in the file uses by default. */
  sk: string;
  pk: string;
  account: MerchantAccount;
  /** Official Node SDK pointed at this server, with its pinned API version (endive). */
  stripe: Stripe;
  /** A further isolated merchant account. */
  newAccount(opts?: { apiVersion?: string; country?: string; name?: string }): Promise<TestAccount>;
  close(): Promise<void>;
}

export function sdk(port: number, key: string, opts: Partial<Stripe.StripeConfig> = {}): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false, ...opts });
}

export async function startTestServer(engine: EngineName, opts: { env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onfile-test-'));
  const schema = engine === 'postgres' ? `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}` : undefined;
  const config = loadConfig(
    { port: 0, host: '127.0.0.1', dataDir, databaseUrl: engine === 'postgres' ? process.env.DATABASE_URL : '', pgSchema: schema, logLevel: 'silent' },
    { ...process.env, ...opts.env, DATABASE_URL: engine === 'postgres' ? process.env.DATABASE_URL : '' },
  );
  const clock = new OffsetClock();
  const server = await startServer(config, { clock });
  const newAccount = async (o: { apiVersion?: string; country?: string; name?: string } = {}): Promise<TestAccount> => {
    const created = await createMerchantAccount(server.store, clock, { name: o.name ?? 'Rocket Rides', country: o.country, apiVersion: o.apiVersion });
    return { account: created.account, sk: created.secretKey, pk: created.publishableKey, stripe: sdk(server.port, created.secretKey) };
  };
  const main = await newAccount();
  return {
    engine,
    server,
    url: server.url,
    port: server.port,
    clock,
    sk: main.sk,
    pk: main.pk,
    account: main.account,
    stripe: main.stripe,
    newAccount,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        // A connection left holding a lock in the schema would make the DROP wait for ever: fail instead, and say so.
        await c.query("SET lock_timeout = '30s'");
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    },
  };
}

export interface RawResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * Raw HTTP for wire details the SDK hides. `form` is sent as a Stripe form body (or query string
 * for GET/DELETE) exactly as given, so tests control the encoding byte for byte.
 */
export async function raw<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; basic?: boolean; form?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<RawResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = opts.basic ? `Basic ${Buffer.from(`${opts.key}:`).toString('base64')}` : `Bearer ${opts.key}`;
  let url = base + path;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form !== undefined) {
    if (method === 'GET' || method === 'DELETE') url += (url.includes('?') ? '&' : '?') + opts.form;
    else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = opts.form;
    }
  }
  const res = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (pages, scripts)
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/**
 * Puts an idempotency key of the server's default account back in the state a crash right after its
 * request's commit leaves: running, with no answer stored. The first request's lock lapses after a
 * minute; `lapse` moves the clock past it.
 */
export async function forgetAnswer(s: TestServer, key: string, lapse = true): Promise<void> {
  await s.server.store.tx((t) =>
    t.run("UPDATE idempotency_keys SET state = 'running', response_status = NULL, response_body = NULL WHERE account_id = ? AND key = ?", [s.account.id, key]),
  );
  if (lapse) s.clock.advance(61_000);
}

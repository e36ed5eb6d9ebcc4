import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { dropSchema, pgSchema, startOnfile, type StartedServer } from '../cli/process.js';

// Stateless servers on one PostgreSQL database: two onfile processes started together on an empty
// schema, then concurrent updates of one customer's metadata through both. Every update must land.
const skip = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set (PostgreSQL only)';

describe('two onfile processes on one PostgreSQL schema', { skip }, () => {
  const schema = pgSchema();
  const dirs: string[] = [];
  let a: StartedServer;
  let b: StartedServer;
  const sk = `sk_test_shared${randomUUID().replace(/-/g, '')}`;
  const pk = `pk_test_shared${randomUUID().replace(/-/g, '')}`;

  before(async () => {
    const env = { DATABASE_URL: process.env.DATABASE_URL!, ONFILE_PG_SCHEMA: schema, ONFILE_SECRET_KEY: sk, ONFILE_PUBLISHABLE_KEY: pk };
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), 'onfile-mp-'));
      dirs.push(d);
      return d;
    };
    // Started at the same moment: both migrate and race to create the default account.
    [a, b] = await Promise.all([startOnfile(['--port', '0', '--data', dir()], env), startOnfile(['--port', '0', '--data', dir()], env)]);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('both serve the same default account', () => {
    assert.notEqual(a.url, b.url);
    assert.equal(a.account, b.account);
    assert.equal(a.sk, sk);
    assert.equal(b.sk, sk);
  });

  it('loses no concurrent metadata update sent to either process, and answers none with a 5xx', async () => {
    const create = await fetch(`${a.url}/v1/customers`, { method: 'POST', headers: { authorization: `Bearer ${sk}` } });
    const customer = (await create.json()) as { id: string };
    // 50 distinct keys: Stripe's metadata limit, so every update must fit and land.
    const N = 50;
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const base = i % 2 ? b.url : a.url;
        const res = await fetch(`${base}/v1/customers/${customer.id}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${sk}`,
            'content-type': 'application/x-www-form-urlencoded',
            // as stripe-node does on every POST
            'idempotency-key': `stripe-node-retry-${randomUUID()}`,
          },
          body: `metadata[k${i}]=v${i}`,
        });
        return { status: res.status, text: await res.text() };
      }),
    );
    const failures = results.filter((r) => r.status !== 200);
    assert.deepEqual(failures, [], 'every update answered 200');

    const final = (await (await fetch(`${b.url}/v1/customers/${customer.id}`, { headers: { authorization: `Bearer ${sk}` } })).json()) as {
      metadata: Record<string, string>;
    };
    assert.equal(Object.keys(final.metadata).length, N);
    for (let i = 0; i < N; i++) assert.equal(final.metadata[`k${i}`], `v${i}`);

    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    try {
      const r = await c.query(`SELECT count(*)::int AS n FROM ${schema}.events WHERE type = 'customer.updated' AND object_id = $1`, [customer.id]);
      assert.equal(r.rows[0].n, N, 'one customer.updated event per update');
    } finally {
      await c.end();
    }
  });
});

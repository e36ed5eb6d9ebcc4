import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engines } from '../support/harness.js';
import { dropSchema, pgSchema, runOnfile, startOnfile, type StartedServer } from './process.js';

// `onfile accounts create|list` run as separate processes against the data of a running server:
// the new keys work at once and see only their own account's objects.
const call = async (url: string, key: string, method: string, path: string, form?: string) => {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form,
  });
  return { status: r.status, body: (await r.json()) as any };
};

for (const engine of engines()) {
  describe(`cli: onfile accounts [${engine}]`, () => {
    let server: StartedServer;
    let data: string;
    let env: Record<string, string>;
    let schema: string | undefined;
    before(async () => {
      data = mkdtempSync(join(tmpdir(), 'onfile-cli-accounts-'));
      schema = engine === 'postgres' ? pgSchema() : undefined;
      env = engine === 'postgres' ? { DATABASE_URL: process.env.DATABASE_URL!, ONFILE_PG_SCHEMA: schema! } : { DATABASE_URL: '' };
      server = await startOnfile(['--port', '0', '--data', data], env);
    });
    after(async () => {
      await server?.stop();
      rmSync(data, { recursive: true, force: true });
      if (schema) await dropSchema(schema);
    });

    it('creates an isolated account whose keys the running server accepts at once (--json)', async () => {
      const mine = await call(server.url, server.sk, 'POST', '/v1/customers', 'email=default%40example.com');
      assert.equal(mine.status, 200);

      const res = await runOnfile(['accounts', 'create', '--name', 'Second Shop', '--json', '--data', data], env);
      assert.equal(res.code, 0, res.stderr);
      const created = JSON.parse(res.stdout) as { id: string; name: string; secret_key: string; publishable_key: string; default_api_version: string };
      assert.match(created.id, /^acct_/);
      assert.notEqual(created.id, server.account);
      assert.equal(created.name, 'Second Shop');
      assert.match(created.secret_key, /^sk_test_/);
      assert.match(created.publishable_key, /^pk_test_/);
      assert.equal(created.default_api_version, '2026-08-26.dahlia');

      const empty = await call(server.url, created.secret_key, 'GET', '/v1/customers');
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body.data, [], "the new account sees none of the default account's customers");
      const theirs = await call(server.url, created.secret_key, 'POST', '/v1/customers', 'email=second%40example.com');
      assert.equal(theirs.status, 200);
      assert.equal((await call(server.url, server.sk, 'GET', `/v1/customers/${theirs.body.id}`)).status, 404);
      assert.equal((await call(server.url, created.secret_key, 'GET', `/v1/customers/${mine.body.id}`)).status, 404);
      assert.equal((await call(server.url, created.publishable_key, 'GET', '/v1/customers')).status, 403, 'its publishable key is a publishable key');
    });

    it('prints keys for humans without --json, honours --api-version, and lists every account', async () => {
      const res = await runOnfile(['accounts', 'create', '--name', 'Third', '--api-version', '2026-10-28.endive', '--data', data], env);
      assert.equal(res.code, 0, res.stderr);
      const sk = /secret key:\s+(sk_test_\S+)/.exec(res.stdout)?.[1];
      const id = /account:\s+(acct_\w+)/.exec(res.stdout)?.[1];
      assert.ok(sk && id, res.stdout);
      const versioned = await fetch(`${server.url}/v1/customers`, { headers: { authorization: `Bearer ${sk}` } });
      assert.equal(versioned.headers.get('stripe-version'), '2026-10-28.endive');

      const list = await runOnfile(['accounts', 'list', '--data', data], env);
      assert.equal(list.code, 0, list.stderr);
      for (const expected of [server.account, id]) assert.ok(list.stdout.includes(expected!), `${expected} in\n${list.stdout}`);
      assert.ok(!list.stdout.includes(sk!), 'secret keys are never listed');
      const json = await runOnfile(['accounts', 'list', '--json', '--data', data], env);
      const rows = JSON.parse(json.stdout) as { id: string; name: string; keys: { kind: string }[] }[];
      assert.ok(rows.length >= 3);
      assert.ok(rows.some((r) => r.id === id && r.name === 'Third'));
      assert.ok(!json.stdout.includes(sk!));
    });

    it('refuses a missing --name with a usage error', async () => {
      const res = await runOnfile(['accounts', 'create', '--data', data], env);
      assert.notEqual(res.code, 0);
      assert.match(res.stderr, /--name/);
    });
  });
}

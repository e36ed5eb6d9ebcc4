import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { engines } from '../support/harness.js';
import { cliFixtures, freePort } from './process.js';

// `onfile start` / `npm start` as a user runs them: a child process, its banner, its flags and
// environment variables, and a restart on the same data.
const get = async (url: string, key: string, path = '/v1/customers') =>
  fetch(url + path, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
const post = async (url: string, key: string, path: string, form: string) =>
  fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

for (const engine of engines()) {
  describe(`cli: onfile start [${engine}]`, () => {
    const { dataDir, storage, start } = cliFixtures(engine);

    it('starts on --port/--host/--data, prints URL, account and keys, and keeps objects and keys across a restart', async () => {
      const port = await freePort();
      const data = dataDir();
      const env = storage();
      const first = await start(['--port', String(port), '--host', '127.0.0.1', '--data', data], env);
      assert.equal(first.url, `http://127.0.0.1:${port}`);
      assert.match(first.account, /^acct_/);
      assert.match(first.sk, /^sk_test_[A-Za-z0-9]+$/);
      assert.match(first.pk, /^pk_test_[A-Za-z0-9]+$/);
      if (engine === 'sqlite') assert.ok(existsSync(join(data, 'onfile.db')), 'SQLite lives in --data');
      const created = await post(first.url, first.sk, '/v1/customers', 'email=kept%40example.com');
      assert.equal(created.status, 200);
      const pkRefused = await get(first.url, first.pk);
      assert.equal(pkRefused.status, 403);
      await first.stop();

      const second = await start(['--port', String(port), '--data', data], env);
      assert.equal(second.account, first.account);
      assert.equal(second.sk, first.sk, 'the same secret key is printed again');
      assert.equal(second.pk, first.pk);
      const again = await get(second.url, second.sk, `/v1/customers/${created.body.id}`);
      assert.equal(again.status, 200);
      assert.equal(again.body.email, 'kept@example.com');
      await second.stop();
    });

    it('takes ONFILE_PORT, ONFILE_HOST, ONFILE_DATA and fixed keys from the environment (through npm start)', async () => {
      const port = await freePort();
      const data = dataDir();
      const sk = `sk_test_fixed${Math.random().toString(36).slice(2)}`;
      const pk = `pk_test_fixed${Math.random().toString(36).slice(2)}`;
      const s = await start(['start'], { ...storage(), ONFILE_PORT: String(port), ONFILE_HOST: '127.0.0.1', ONFILE_DATA: data, ONFILE_SECRET_KEY: sk, ONFILE_PUBLISHABLE_KEY: pk }, {
        cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm',
        timeoutMs: 60_000,
      });
      assert.equal(s.url, `http://127.0.0.1:${port}`);
      assert.equal(s.sk, sk);
      assert.equal(s.pk, pk);
      const ok = await get(s.url, sk);
      assert.equal(ok.status, 200);
      if (engine === 'sqlite') assert.ok(existsSync(join(data, 'onfile.db')), 'SQLite lives in ONFILE_DATA');
      await s.stop();
    });

    it('adds configured keys to an existing default account', async () => {
      const data = dataDir();
      const env = storage();
      const first = await start(['--port', '0', '--data', data], env);
      await first.stop();
      const sk = `sk_test_later${Math.random().toString(36).slice(2)}`;
      const second = await start(['--port', '0', '--data', data], { ...env, ONFILE_SECRET_KEY: sk });
      assert.equal(second.account, first.account);
      assert.equal(second.sk, sk);
      assert.equal((await get(second.url, sk)).status, 200);
      assert.equal((await get(second.url, first.sk)).status, 200, 'the generated key still works');
      await second.stop();
    });
  });
}

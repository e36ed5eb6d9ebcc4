import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { runCli, startCli } from '../webhooks/cli-process.js';

for (const engine of engines()) {
  describe(`onfile events [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('prints recent events oldest first, filters by type, and prints JSON', async () => {
      const a = await s.newAccount();
      const c = await a.stripe.customers.create({ name: 'tail me' });
      await a.stripe.customers.update(c.id, { name: 'tailed' });
      const [updated, created] = (await a.stripe.events.list()).data;
      const res = await runCli(['events', '--api-key', a.sk, '--api-base', s.url]);
      assert.equal(res.code, 0, res.stderr);
      const lines = res.stdout.trim().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0], new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +customer\\.created +${created.id}  ${created.request!.id}$`));
      assert.match(lines[1], new RegExp(`customer\\.updated +${updated.id}`));

      const typed = await runCli(['events', '--type', 'customer.updated', '--json', '--api-key', a.sk, '--api-base', s.url]);
      assert.equal(typed.code, 0, typed.stderr);
      const parsed = typed.stdout.trim().split('\n').map((l) => JSON.parse(l) as Stripe.Event);
      assert.deepEqual(parsed.map((e) => e.id), [updated.id]);
      assert.deepEqual(parsed[0].data.previous_attributes, { name: 'tail me' });
    });

    it('follows new events until Ctrl-C', async () => {
      const a = await s.newAccount();
      await a.stripe.customers.create({ name: 'before' });
      const cli = startCli(['events', '--follow', '--type', 'customer.*', '--api-key', a.sk, '--api-base', s.url]);
      await cli.waitFor(/customer\.created/);
      const later = await a.stripe.customers.create({ name: 'after' });
      await a.stripe.customers.del(later.id);
      const [deleted] = (await a.stripe.events.list({ limit: 1 })).data;
      await cli.waitFor(new RegExp(`customer\\.deleted +${deleted.id}`));
      assert.equal((cli.stdout().match(/customer\.created/g) ?? []).length, 2);
      assert.equal((await cli.stop('SIGINT')).code, 0);
    });

    it('finds the key in the key file `onfile start` writes, and explains a missing key', async () => {
      const a = await s.newAccount();
      await a.stripe.customers.create({ name: 'via key file' });
      const dir = mkdtempSync(join(tmpdir(), 'onfile-keys-'));
      try {
        writeFileSync(join(dir, 'default-keys.json'), JSON.stringify({ account: a.account.id, secret_key: a.sk, publishable_key: a.pk }));
        const res = await runCli(['events', '--api-base', s.url], { ONFILE_DATA: dir, ONFILE_SECRET_KEY: '' });
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /customer\.created/);
        const empty = mkdtempSync(join(tmpdir(), 'onfile-nokeys-'));
        const none = await runCli(['events', '--api-base', s.url], { ONFILE_DATA: empty, ONFILE_SECRET_KEY: '' });
        rmSync(empty, { recursive: true, force: true });
        assert.equal(none.code, 1);
        assert.match(none.stderr, /^error: no API key/m);
        const pk = await runCli(['events', '--api-base', s.url, '--api-key', a.pk]);
        assert.equal(pk.code, 1);
        assert.match(pk.stderr, /secret key/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

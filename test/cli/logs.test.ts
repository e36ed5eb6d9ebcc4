import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { eventually } from '../webhooks/receiver.js';
import { runCli, startCli } from '../webhooks/cli-process.js';

for (const engine of engines()) {
  describe(`onfile logs and GET /_onfile/requests [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('records each API request of the account (id, method, path, status, duration) and lists it newest first', async () => {
      const a = await s.newAccount();
      const b = await s.newAccount();
      const c = await a.stripe.customers.create({ name: 'logged' }, { idempotencyKey: 'log-me' });
      const missing = await raw(s.url, 'GET', '/v1/customers/cus_nope', { key: a.sk });
      await b.stripe.customers.list();
      const page = await eventually(async () => {
        const res = await raw(s.url, 'GET', '/_onfile/requests?limit=10', { key: a.sk });
        return res.body.data?.length === 2 ? res.body : undefined;
      }, 5_000, 'two logged requests');
      const [second, first] = page.data;
      assert.equal(first.object, 'onfile.request');
      assert.equal(first.id, c.lastResponse.requestId);
      assert.equal(first.method, 'POST');
      assert.equal(first.path, '/v1/customers');
      assert.equal(first.status, 200);
      assert.equal(first.idempotency_key, 'log-me');
      assert.equal(typeof first.duration_ms, 'number');
      assert.equal(second.id, missing.headers.get('request-id'));
      assert.equal(second.status, 404);
      assert.equal(second.path, '/v1/customers/cus_nope');
      const other = await raw(s.url, 'GET', '/_onfile/requests', { key: b.sk });
      assert.deepEqual(other.body.data.map((r: { path: string }) => r.path), ['/v1/customers']);
      const pk = await raw(s.url, 'GET', '/_onfile/requests', { key: a.pk });
      assert.equal(pk.status, 403);
    });

    it('onfile logs prints the requests, then follows new ones until Ctrl-C', async () => {
      const a = await s.newAccount();
      const c = await a.stripe.customers.create({ name: 'one' });
      await eventually(async () => (await raw(s.url, 'GET', '/_onfile/requests', { key: a.sk })).body.data.length === 1, 5_000, 'the request to be logged');
      const res = await runCli(['logs', '--api-key', a.sk, '--api-base', s.url]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\[200\\] POST +/v1/customers  ${c.lastResponse.requestId}  \\d+ms`, 'm'));

      const cli = startCli(['logs', '--follow', '--api-key', a.sk, '--api-base', s.url]);
      await cli.waitFor(new RegExp(c.lastResponse.requestId));
      const got = await a.stripe.customers.retrieve(c.id);
      await cli.waitFor(new RegExp(`\\[200\\] GET +/v1/customers/${c.id}  ${got.lastResponse.requestId}`));
      assert.equal((await cli.stop('SIGINT')).code, 0);
    });
  });
}

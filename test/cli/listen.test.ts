import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';
import { runCli, startCli, type LongCli } from '../webhooks/cli-process.js';

for (const engine of engines()) {
  describe(`onfile listen [${engine}]`, () => {
    let s: TestServer;
    let rx: Receiver;
    const running: LongCli[] = [];
    before(async () => {
      s = await startTestServer(engine);
      rx = await startReceiver();
    });
    after(async () => {
      for (const c of running) await c.stop('SIGKILL').catch(() => undefined);
      await rx.close();
      await s.close();
    });

    it('prints its signing secret, forwards each event signed with it, prints one line per event, and stops on Ctrl-C', async () => {
      const a = await s.newAccount();
      const cli = startCli(['listen', '--forward-to', rx.url, '--api-key', a.sk, '--api-base', s.url, '--events', 'customer.created,customer.updated']);
      running.push(cli);
      const [, secret] = await cli.waitFor(/Ready! Your webhook signing secret is (whsec_[A-Za-z0-9]+) \(\^C to quit\)/);

      const c = await a.stripe.customers.create({ email: 'listen@example.com' });
      await a.stripe.customers.update(c.id, { name: 'Listened' });
      await a.stripe.customers.del(c.id);
      const events = (await a.stripe.events.list()).data;
      const created = events.find((e) => e.type === 'customer.created')!;
      const updated = events.find((e) => e.type === 'customer.updated')!;
      await rx.waitFor((all) => all.filter((r) => r.body.includes(c.id)).length === 2, 15_000, 'the two forwarded events');
      const forwarded = rx.received.filter((r) => r.body.includes(c.id)).map((r) => a.stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, secret));
      assert.deepEqual(forwarded.map((e) => e.id).sort(), [created.id, updated.id].sort());
      for (const r of rx.received.filter((x) => x.body.includes(c.id))) {
        assert.equal(r.headers['user-agent'], 'Stripe/1.0 (+https://stripe.com/docs/webhooks)');
        assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      }
      const line = new RegExp(`\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +customer\\.updated \\[${updated.id}\\] +\\[200\\] POST ${rx.url.replace(/[.?]/g, '\\$&')}`);
      await cli.waitFor(line);
      await cli.waitFor(new RegExp(`customer\\.created \\[${created.id}\\] +\\[200\\]`));
      assert.doesNotMatch(cli.stdout(), /customer\.deleted/, '--events filters what is forwarded');

      const exit = await cli.stop('SIGINT');
      assert.equal(exit.code, 0, `exit after Ctrl-C: ${JSON.stringify(exit)}\n${cli.stderr()}`);

      // The secret is stable for the account: a restarted listener signs with the same one.
      const again = await runCli(['listen', '--print-secret', '--api-key', a.sk, '--api-base', s.url]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), secret);
      const other = await s.newAccount();
      const otherSecret = await runCli(['listen', '--print-secret', '--api-key', other.sk, '--api-base', s.url]);
      assert.notEqual(otherSecret.stdout.trim(), secret, 'each account has its own listener secret');
    });

    it('forwards an event as the events API renders it, at its own api_version', async () => {
      // A basil account's intent has no allowed_payment_method_types (it exists from 2026-07-29.dahlia).
      const old = await s.newAccount({ apiVersion: '2025-03-31.basil' });
      const cli = startCli(['listen', '--forward-to', `${rx.url}?basil-listen`, '--api-key', old.sk, '--api-base', s.url, '--events', 'payment_intent.created']);
      running.push(cli);
      const [, secret] = await cli.waitFor(/Ready! Your webhook signing secret is (whsec_[A-Za-z0-9]+) \(\^C to quit\)/);
      const created = await raw(s.url, 'POST', '/v1/payment_intents', { key: old.sk, form: 'amount=1000&currency=usd&payment_method_types[]=amazon_pay' });
      assert.equal(created.status, 200);
      await rx.waitFor((all) => all.some((r) => r.path.endsWith('?basil-listen') && r.body.includes(created.body.id)), 15_000, 'the forwarded event');
      const r = rx.received.find((x) => x.path.endsWith('?basil-listen') && x.body.includes(created.body.id))!;
      const forwarded = old.stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, secret);
      assert.equal(forwarded.api_version, '2025-03-31.basil');
      assert.equal('allowed_payment_method_types' in (forwarded.data.object as object), false);
      assert.deepEqual(forwarded.data, (await old.stripe.events.retrieve(forwarded.id)).data);
      assert.equal((await cli.stop('SIGINT')).code, 0);
    });

    it('forwards v2 thin events to --forward-thin-to and v1 events to --forward-to, each signed with its secret', async () => {
      const a = await s.newAccount();
      const cli = startCli(['listen', '--forward-to', `${rx.url}?v1`, '--forward-thin-to', `${rx.url}?thin`, '--api-key', a.sk, '--api-base', s.url]);
      running.push(cli);
      const [, secret] = await cli.waitFor(/Ready! Your webhook signing secret is (whsec_[A-Za-z0-9]+) \(\^C to quit\)/);
      await cli.waitFor(/Forwarding thin events to /);

      const acct = await a.stripe.v2.core.accounts.create({ display_name: 'Thin listener', configuration: { customer: {} } });
      const c = await a.stripe.customers.create({ email: 'thin-listen@example.com' });
      await rx.waitFor((all) => all.some((r) => r.path.endsWith('?thin') && r.body.includes(acct.id)) && all.some((r) => r.path.endsWith('?v1') && r.body.includes(c.id)), 15_000, 'one of each');
      const thin = rx.received.find((r) => r.path.endsWith('?thin') && r.body.includes(acct.id))!;
      const note = a.stripe.parseEventNotification(thin.body, thin.headers['stripe-signature'] as string, secret);
      assert.equal(note.type, 'v2.core.account.created');
      assert.equal(JSON.parse(thin.body).data, undefined);
      assert.equal(((await note.fetchEvent()) as { id: string }).id, note.id);
      const v1 = rx.received.find((r) => r.path.endsWith('?v1') && r.body.includes(c.id))!;
      assert.equal(a.stripe.webhooks.constructEvent(v1.body, v1.headers['stripe-signature'] as string, secret).type, 'customer.created');
      assert.ok(!rx.received.some((r) => r.path.endsWith('?v1') && r.body.includes(acct.id)), 'thin events never go to --forward-to');
      await cli.waitFor(new RegExp(`v2\\.core\\.account\\.created \\[${note.id}\\] +\\[200\\] POST`));
      const exit = await cli.stop('SIGINT');
      assert.equal(exit.code, 0, cli.stderr());
    });

    it('prints the error when the forward target is down, and fails cleanly on a bad key', async () => {
      const a = await s.newAccount();
      const down = await startReceiver();
      const url = down.url;
      await down.close();
      const cli = startCli(['listen', '--forward-to', url, '--api-key', a.sk, '--api-base', s.url]);
      running.push(cli);
      await cli.waitFor(/Ready!/);
      const c = await a.stripe.customers.create({ name: 'nobody listening' });
      const [e] = (await a.stripe.events.list({ limit: 1 })).data;
      assert.equal((e.data.object as { id: string }).id, c.id);
      await cli.waitFor(new RegExp(`customer\\.created \\[${e.id}\\] +\\[ERROR\\] POST .*ECONNREFUSED`));
      assert.equal((await cli.stop('SIGINT')).code, 0);

      const bad = await runCli(['listen', '--forward-to', url, '--api-key', 'sk_test_not_a_real_key', '--api-base', s.url]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^error: .*Invalid API Key provided/m);
      assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    });
  });
}

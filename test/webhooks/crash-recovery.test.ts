import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engines, sdk } from '../support/harness.js';
import { eventually, startReceiver, type Receiver } from './receiver.js';
import { dropSchema, fixedKeys, newSchemaName, spawnOnfile, type OnfileProcess } from './processes.js';

const portOf = (url: string) => Number(new URL(url).port);

for (const engine of engines()) {
  describe(`webhook delivery survives SIGKILL [${engine}]`, () => {
    const keys = fixedKeys();
    const dataDir = mkdtempSync(join(tmpdir(), 'onfile-crash-'));
    const schema = newSchemaName();
    const env: Record<string, string> = {
      ONFILE_SECRET_KEY: keys.sk,
      ONFILE_PUBLISHABLE_KEY: keys.pk,
      ONFILE_DATA: dataDir,
      ONFILE_WEBHOOK_TIMEOUT: '1.5',
      ONFILE_WEBHOOK_LEASE: '2.5',
      ONFILE_WEBHOOK_RETRY_SCHEDULE: '1,1,1',
      ONFILE_WEBHOOK_POLL: '0.1',
      ...(engine === 'postgres' ? { DATABASE_URL: process.env.DATABASE_URL!, ONFILE_PG_SCHEMA: schema } : { DATABASE_URL: '' }),
    };
    let rx: Receiver;
    const running: OnfileProcess[] = [];
    before(async () => {
      rx = await startReceiver();
    });
    after(async () => {
      for (const p of running) await p.stop();
      await rx.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (engine === 'postgres') await dropSchema(schema);
    });

    it('redelivers every event whose delivery was in flight when the server was killed', async () => {
      const first = await spawnOnfile(env);
      running.push(first);
      const stripe = sdk(portOf(first.url), keys.sk);
      const we = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.created'] });
      // Every first attempt is held open by the receiver: the server dies with them all in flight.
      rx.setBehaviour(() => 'hang');
      const customers: string[] = [];
      for (let i = 0; i < 5; i++) customers.push((await stripe.customers.create({ name: `crash ${i}` })).id);
      await rx.waitFor(() => rx.hanging === 5, 10_000, 'five deliveries in flight');

      first.proc.kill('SIGKILL');
      const gone = await first.exited();
      assert.equal(gone.signal, 'SIGKILL');
      rx.release(200);
      rx.setBehaviour(() => 200);
      const killedAt = rx.received.length;

      const second = await spawnOnfile(env);
      running.push(second);
      // The dead process's leases expire, and the new one delivers what was in flight.
      await rx.waitFor(
        (all) => customers.every((id) => all.slice(killedAt).some((r) => r.body.includes(`"id": "${id}"`))),
        20_000,
        'each event to be redelivered after the restart',
      );
      const after = sdk(portOf(second.url), keys.sk);
      const events = (await after.events.list({ type: 'customer.created', limit: 10 })).data;
      assert.equal(events.length, 5);
      for (const r of rx.received.slice(killedAt)) {
        const e = after.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, we.secret!);
        assert.ok(events.some((x) => x.id === e.id));
      }
      // Every event ends acknowledged: pending_webhooks reaches 0 and the delivery shows both attempts.
      await eventually(async () => (await after.events.list({ delivery_success: true, limit: 10 })).data.length === 5, 10_000, 'all five deliveries to succeed');
      const res = await fetch(`${second.url}/_onfile/webhook_deliveries?event=${events[0].id}`, { headers: { authorization: `Bearer ${keys.sk}` } });
      const d = ((await res.json()) as { data: { status: string; attempts: { http_status: number }[] }[] }).data[0];
      assert.equal(d.status, 'succeeded');
      assert.equal(d.attempts.at(-1)!.http_status, 200);
    });
  });
}

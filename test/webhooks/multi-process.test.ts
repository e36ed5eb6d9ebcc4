import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, sdk } from '../support/harness.js';
import { startReceiver, type Receiver } from './receiver.js';
import { dropSchema, fixedKeys, newSchemaName, spawnOnfile, type OnfileProcess } from './processes.js';

const portOf = (url: string) => Number(new URL(url).port);

// Several onfile processes on one PostgreSQL database share one outbox (SQLite has a single writer process).
if (engines().includes('postgres')) {
  describe('two onfile processes share the outbox [postgres]', () => {
    const keys = fixedKeys();
    const schema = newSchemaName();
    const env: Record<string, string> = {
      ONFILE_SECRET_KEY: keys.sk,
      ONFILE_PUBLISHABLE_KEY: keys.pk,
      DATABASE_URL: process.env.DATABASE_URL!,
      ONFILE_PG_SCHEMA: schema,
      ONFILE_WEBHOOK_CONCURRENCY: '2',
      ONFILE_WEBHOOK_POLL: '0.05',
      ONFILE_WEBHOOK_TIMEOUT: '10',
      ONFILE_WEBHOOK_RETRY_SCHEDULE: '1,1',
    };
    let rx: Receiver;
    const inFlight = new Map<string, number>();
    let overlaps = 0;
    const procs: OnfileProcess[] = [];
    before(async () => {
      // Each delivery takes a while, so both dispatchers are busy at once and contend for the same rows.
      rx = await startReceiver(() => 'hang');
      rx.setBehaviour((r) => {
        const id = (JSON.parse(r.body) as { id: string }).id;
        const n = (inFlight.get(id) ?? 0) + 1;
        inFlight.set(id, n);
        if (n > 1) overlaps++;
        return 'hang';
      });
      procs.push(await spawnOnfile(env), await spawnOnfile(env));
    });
    after(async () => {
      for (const p of procs) await p.stop();
      await rx.close();
      await dropSchema(schema);
    });

    it('delivers each event once, never by both processes at the same time, with both dispatching', async () => {
      const [a, b] = procs.map((p) => sdk(portOf(p.url), keys.sk));
      await a.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.created'] });
      const N = 30;
      const created = await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 ? a : b).customers.create({ name: `shared ${i}` })));
      assert.equal(created.length, N);
      // Answer held deliveries one batch at a time, 100 ms apart, recording which events were in flight together.
      const done = new Set<string>();
      const deadline = Date.now() + 30_000;
      while (done.size < N) {
        assert.ok(Date.now() < deadline, `only ${done.size} of ${N} events delivered in time`);
        await new Promise((r) => setTimeout(r, 100));
        for (const r of rx.received) done.add((JSON.parse(r.body) as { id: string }).id);
        for (const [id] of inFlight) inFlight.set(id, 0);
        rx.release(200);
      }
      await new Promise((r) => setTimeout(r, 500));
      rx.release(200);
      assert.equal(overlaps, 0, 'no event was in flight twice at the same time');
      assert.equal(rx.received.length, N, 'each event delivered exactly once (no lease expired)');
      const events = (await a.events.list({ type: 'customer.created', limit: 100 })).data;
      assert.deepEqual(new Set(events.map((e) => e.id)), done);

      const dispatchers = new Set<string>();
      for (const e of events) {
        const res = await fetch(`${procs[0].url}/_onfile/webhook_deliveries?event=${e.id}`, { headers: { authorization: `Bearer ${keys.sk}` } });
        const body = (await res.json()) as { data: { status: string; attempts: { dispatcher: string }[] }[] };
        assert.equal(body.data.length, 1);
        assert.equal(body.data[0].attempts.length, 1);
        dispatchers.add(body.data[0].attempts[0].dispatcher);
      }
      assert.equal(dispatchers.size, 2, 'both processes delivered part of the outbox');
    });
  });
}

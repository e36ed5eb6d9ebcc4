import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { eventually, startReceiver, type Receiver } from './receiver.js';
import { pythonExecutable, pythonSkip } from '../support/tools.js';

// A compressed retry schedule and short timeouts; the dispatcher reads these when the server starts.
process.env.ONFILE_WEBHOOK_RETRY_SCHEDULE = '1,1';
process.env.ONFILE_WEBHOOK_TIMEOUT = '5';
process.env.ONFILE_WEBHOOK_LEASE = '10';
process.env.ONFILE_WEBHOOK_POLL = '0.05';

const run = promisify(execFile);
const admin = (s: TestServer, path: string, key = s.sk, method = 'GET', form?: string) => raw(s.url, method, `/_onfile${path}`, { key, form });

for (const [index, engine] of engines().entries()) {
  describe(`webhook delivery [${engine}]`, () => {
    let s: TestServer;
    let rx: Receiver;
    before(async () => {
      s = await startTestServer(engine);
      rx = await startReceiver();
    });
    after(async () => {
      await s.close();
      await rx.close();
    });

    it('delivers the customer flow signed so that the official SDK verifies every delivery', async () => {
      const a = await s.newAccount();
      const all = await a.stripe.webhookEndpoints.create({ url: `${rx.url}?all`, enabled_events: ['*'] });
      const basil = await a.stripe.webhookEndpoints.create({ url: `${rx.url}?basil`, enabled_events: ['customer.created'], api_version: '2025-03-31.basil' });
      const c = await a.stripe.customers.create({ email: 'jenny@example.com' });
      await a.stripe.customers.update(c.id, { name: 'Jenny Rosen' });
      await a.stripe.customers.del(c.id);
      const mine = () => rx.received.filter((r) => r.body.includes(c.id));
      await rx.waitFor(() => mine().length === 4, 10_000, 'three events to one endpoint, one to the other');

      const toAll = mine().filter((r) => r.path.endsWith('?all'));
      const toBasil = mine().filter((r) => r.path.endsWith('?basil'));
      assert.equal(toBasil.length, 1, 'an endpoint gets only the types it enabled');
      const verified = toAll.map((r) => a.stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, all.secret!));
      assert.deepEqual(verified.map((e) => e.type).sort(), ['customer.created', 'customer.deleted', 'customer.updated']);
      const basilEvent = a.stripe.webhooks.constructEvent(toBasil[0].body, toBasil[0].headers['stripe-signature'] as string, basil.secret!);
      assert.equal(basilEvent.type, 'customer.created');
      assert.equal(basilEvent.api_version, '2025-03-31.basil', "rendered at the endpoint's api_version");
      assert.throws(() => a.stripe.webhooks.constructEvent(toBasil[0].body, toBasil[0].headers['stripe-signature'] as string, all.secret!), Stripe.errors.StripeSignatureVerificationError);

      for (const r of mine()) {
        assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
        assert.equal(r.headers['user-agent'], 'Stripe/1.0 (+https://stripe.com/docs/webhooks)');
        assert.match(r.headers['stripe-signature'] as string, /^t=\d+,v1=[0-9a-f]{64}$/);
        assert.equal(r.body, JSON.stringify(JSON.parse(r.body), null, 2), 'pretty-printed like Stripe');
      }
      const updated = verified.find((e) => e.type === 'customer.updated')!;
      assert.deepEqual(updated.data.previous_attributes, { name: null });
      const stored = await a.stripe.events.retrieve(updated.id);
      assert.deepEqual(stored.data, updated.data);
      assert.equal(stored.request?.id, updated.request?.id);
      assert.equal(updated.api_version, a.account.default_api_version);
    });

    it("renders an intent's event at each endpoint's version and the events API at the event's own", async () => {
      // allowed_payment_method_types exists from 2026-07-29.dahlia on: versions before it never show it.
      const hasAllowed = (e: Stripe.Event) => 'allowed_payment_method_types' in (e.data.object as object);
      const a = await s.newAccount();
      const newest = await a.stripe.webhookEndpoints.create({ url: `${rx.url}?pi-newest`, enabled_events: ['payment_intent.created'] });
      const basil = await a.stripe.webhookEndpoints.create({ url: `${rx.url}?pi-basil`, enabled_events: ['payment_intent.created'], api_version: '2025-03-31.basil' });
      const pi = await a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'] });
      const deliveredTo = (endpoint: Stripe.WebhookEndpoint, query: string) => {
        const r = rx.received.find((x) => x.path.endsWith(query) && x.body.includes(pi.id))!;
        return a.stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, endpoint.secret!);
      };
      await rx.waitFor((all) => all.filter((r) => r.body.includes(pi.id)).length === 2, 10_000, 'one delivery to each endpoint');
      const atNewest = deliveredTo(newest, '?pi-newest');
      assert.equal(atNewest.api_version, a.account.default_api_version);
      assert.deepEqual((atNewest.data.object as Stripe.PaymentIntent).allowed_payment_method_types, ['amazon_pay']);
      const atBasil = deliveredTo(basil, '?pi-basil');
      assert.equal(atBasil.api_version, '2025-03-31.basil');
      assert.equal(hasAllowed(atBasil), false, 'basil has no allowed_payment_method_types');
      assert.deepEqual((atBasil.data.object as Stripe.PaymentIntent).payment_method_types, ['amazon_pay']);
      assert.deepEqual((await a.stripe.events.retrieve(atNewest.id)).data, atNewest.data);

      // An account on basil: its events, in the events API, are basil-shaped; an endpoint on a newer
      // version gets the field back.
      const old = await s.newAccount({ apiVersion: '2025-03-31.basil' });
      const endive = await old.stripe.webhookEndpoints.create({ url: `${rx.url}?pi-endive`, enabled_events: ['payment_intent.created'], api_version: '2026-10-28.endive' });
      const created = await raw(s.url, 'POST', '/v1/payment_intents', { key: old.sk, form: 'amount=1000&currency=usd&payment_method_types[]=amazon_pay' });
      assert.equal(created.status, 200);
      assert.equal('allowed_payment_method_types' in created.body, false);
      const listed = await raw(s.url, 'GET', '/v1/events?type=payment_intent.created', { key: old.sk });
      const event = listed.body.data.find((e: Stripe.Event) => (e.data.object as { id: string }).id === created.body.id) as Stripe.Event;
      assert.equal(event.api_version, '2025-03-31.basil');
      assert.equal(hasAllowed(event), false);
      assert.deepEqual(event.data.object, created.body, "the event's object is what the API answered at that version");
      await rx.waitFor((all) => all.some((r) => r.path.endsWith('?pi-endive') && r.body.includes(created.body.id)), 10_000, 'the endive delivery');
      const r = rx.received.find((x) => x.path.endsWith('?pi-endive') && x.body.includes(created.body.id))!;
      const atEndive = old.stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, endive.secret!);
      assert.equal(atEndive.api_version, '2026-10-28.endive');
      assert.equal(hasAllowed(atEndive), true, 'endive has allowed_payment_method_types');
    });

    if (index === 0) {
      it("verifies with the Python SDK's stripe.Webhook.construct_event too", { skip: pythonSkip }, async () => {
        const a = await s.newAccount();
        const we = await a.stripe.webhookEndpoints.create({ url: `${rx.url}?py`, enabled_events: ['customer.created'] });
        const c = await a.stripe.customers.create({ name: 'Py' });
        await rx.waitFor((all) => all.some((r) => r.path.endsWith('?py') && r.body.includes(c.id)));
        const r = rx.received.find((x) => x.path.endsWith('?py') && x.body.includes(c.id))!;
        const script = 'import sys, stripe\nev = stripe.Webhook.construct_event(sys.argv[1], sys.argv[2], sys.argv[3])\nprint(ev["type"], ev["data"]["object"]["id"])';
        const { stdout } = await run(pythonExecutable(), ['-c', script, r.body, r.headers['stripe-signature'] as string, we.secret!], { timeout: 20_000 });
        assert.equal(stdout.trim(), `customer.created ${c.id}`);
      });
    }

    it('retries a failed delivery with a fresh signature until the receiver recovers, recording each attempt', async () => {
      const a = await s.newAccount();
      const flaky = await startReceiver((r) => (r.n === 1 ? 500 : 200));
      try {
        const we = await a.stripe.webhookEndpoints.create({ url: flaky.url, enabled_events: ['customer.created'] });
        await a.stripe.customers.create({ name: 'retry me' });
        await flaky.waitFor((all) => all.length === 2, 10_000, 'the retry');
        const [first, second] = flaky.received;
        assert.equal(first.body, second.body, 'the same event bytes on every attempt');
        const t = (h: unknown) => Number(/t=(\d+)/.exec(String(h))![1]);
        assert.ok(t(second.headers['stripe-signature']) > t(first.headers['stripe-signature']), 'each attempt is signed with its own timestamp');
        const event = a.stripe.webhooks.constructEvent(second.body, second.headers['stripe-signature'] as string, we.secret!);

        const list = await eventually(async () => {
          const res = await admin(s, `/webhook_deliveries?event=${event.id}`, a.sk);
          return res.body.data?.[0]?.status === 'succeeded' ? res.body : undefined;
        }, 5_000, 'the delivery to be marked succeeded');
        const d = list.data[0];
        assert.equal(d.object, 'onfile.webhook_delivery');
        assert.equal(d.webhook_endpoint, we.id);
        assert.equal(d.event_type, 'customer.created');
        assert.equal(d.attempt_count, 2);
        assert.deepEqual(d.attempts.map((x: { http_status: number }) => x.http_status), [500, 200]);
        assert.equal(d.attempts[0].response_body, 'failing with 500');
        assert.equal(d.attempts[0].error, 'HTTP 500');
        assert.equal(d.attempts[1].error, null);
        assert.equal(d.attempts[0].url, flaky.url);
        assert.equal(typeof d.attempts[0].duration_ms, 'number');
        assert.equal((await a.stripe.events.retrieve(event.id)).pending_webhooks, 0);
        const byEndpoint = await admin(s, `/webhook_deliveries?endpoint=${we.id}`, a.sk);
        assert.deepEqual(byEndpoint.body.data.map((x: { id: string }) => x.id), [d.id]);
      } finally {
        await flaky.close();
      }
    });

    it('counts a redirect as a failure, does not follow it, and marks the delivery failed after the schedule', async () => {
      const a = await s.newAccount();
      const redirecting = await startReceiver(() => 302);
      try {
        await a.stripe.webhookEndpoints.create({ url: redirecting.url, enabled_events: ['customer.created'] });
        await a.stripe.customers.create({ name: 'moved' });
        const [event] = (await a.stripe.events.list({ limit: 1 })).data;
        const d = await eventually(async () => {
          const res = await admin(s, `/webhook_deliveries?event=${event.id}`, a.sk);
          return res.body.data?.[0]?.status === 'failed' ? res.body.data[0] : undefined;
        }, 10_000, 'the delivery to fail after the schedule');
        assert.equal(d.attempt_count, 3, 'first attempt + 2 retries (schedule 1,1)');
        assert.deepEqual(d.attempts.map((x: { http_status: number }) => x.http_status), [302, 302, 302]);
        assert.equal(redirecting.received.length, 3);
        assert.equal(d.next_attempt_at, null);
        const ev = await a.stripe.events.retrieve(event.id);
        assert.equal(ev.pending_webhooks, 1, 'a failed endpoint never acknowledged the event');
      } finally {
        await redirecting.close();
      }
    });

    it('records a refused connection as an attempt with its error', async () => {
      const a = await s.newAccount();
      const gone = await startReceiver();
      const url = gone.url;
      await gone.close();
      await a.stripe.webhookEndpoints.create({ url, enabled_events: ['customer.created'] });
      await a.stripe.customers.create({ name: 'nobody home' });
      const [event] = (await a.stripe.events.list({ limit: 1 })).data;
      const d = await eventually(async () => {
        const res = await admin(s, `/webhook_deliveries?event=${event.id}`, a.sk);
        return res.body.data?.[0]?.attempts?.length ? res.body.data[0] : undefined;
      }, 5_000, 'the first attempt');
      assert.equal(d.attempts[0].http_status, null);
      assert.match(d.attempts[0].error, /ECONNREFUSED/);
    });

    it('counts pending_webhooks down as endpoints acknowledge, filters delivery_success, and resends a failed delivery', async () => {
      const a = await s.newAccount();
      const slow = await startReceiver(() => 'hang');
      const failing = await startReceiver(() => 500);
      try {
        await a.stripe.webhookEndpoints.create({ url: slow.url, enabled_events: ['customer.created'] });
        const bad = await a.stripe.webhookEndpoints.create({ url: failing.url, enabled_events: ['customer.created'] });
        const c = await a.stripe.customers.create({ name: 'two endpoints' });
        const [event] = (await a.stripe.events.list({ limit: 1 })).data;
        assert.equal((event.data.object as Stripe.Customer).id, c.id);
        assert.equal(event.pending_webhooks, 2);
        await slow.waitFor((all) => all.length === 1);
        assert.deepEqual((await a.stripe.events.list({ delivery_success: false })).data.map((e) => e.id), [event.id]);
        assert.deepEqual((await a.stripe.events.list({ delivery_success: true })).data.map((e) => e.id), []);
        slow.release(200);
        await eventually(async () => (await a.stripe.events.retrieve(event.id)).pending_webhooks === 1, 5_000, 'pending_webhooks to drop to 1');

        const failed = await eventually(async () => {
          const res = await admin(s, `/webhook_deliveries?endpoint=${bad.id}`, a.sk);
          return res.body.data?.[0]?.status === 'failed' ? res.body.data[0] : undefined;
        }, 10_000, 'the failing endpoint to exhaust its schedule');
        assert.equal(failed.attempt_count, 3);
        // Queued by the outbox statement; the resend below makes its delivery in TypeScript: one shape.
        assert.match(failed.id, /^whdel_[0-9a-f]{32}$/);
        assert.deepEqual((await a.stripe.events.list({ delivery_success: false })).data.map((e) => e.id), [event.id]);

        failing.setBehaviour(() => 200);
        const resent = await admin(s, `/webhook_deliveries/${failed.id}/resend`, a.sk, 'POST');
        assert.equal(resent.status, 200);
        assert.equal(resent.body.id, failed.id);
        await eventually(async () => (await a.stripe.events.retrieve(event.id)).pending_webhooks === 0, 5_000, 'the resend to be acknowledged');
        assert.deepEqual((await a.stripe.events.list({ delivery_success: true })).data.map((e) => e.id), [event.id]);
        const last = failing.received[failing.received.length - 1];
        assert.equal(a.stripe.webhooks.constructEvent(last.body, last.headers['stripe-signature'] as string, bad.secret!).id, event.id);

        // Resending an event to an endpoint created after it (`stripe events resend --webhook-endpoint`).
        const late = await startReceiver();
        try {
          const lateWe = await a.stripe.webhookEndpoints.create({ url: late.url, enabled_events: ['customer.updated'] });
          const res = await admin(s, `/events/${event.id}/resend`, a.sk, 'POST', `webhook_endpoint=${lateWe.id}`);
          assert.equal(res.status, 200);
          assert.equal(res.body.webhook_endpoint, lateWe.id);
          assert.match(res.body.id, /^whdel_[0-9a-f]{32}$/);
          await late.waitFor((all) => all.length === 1);
          assert.equal(a.stripe.webhooks.constructEvent(late.received[0].body, late.received[0].headers['stripe-signature'] as string, lateWe.secret!).id, event.id);
          await eventually(async () => (await a.stripe.events.retrieve(event.id)).pending_webhooks === 0, 5_000, 'the late endpoint to acknowledge');
        } finally {
          await late.close();
        }
      } finally {
        await slow.close();
        await failing.close();
      }
    });

    it('keeps the API responsive while receivers hold every delivery connection open', async () => {
      const a = await s.newAccount();
      const hanging = await startReceiver(() => 'hang');
      try {
        await a.stripe.webhookEndpoints.create({ url: hanging.url, enabled_events: ['customer.created'] });
        // More hanging deliveries than the dispatcher has slots (8 by default).
        for (let i = 0; i < 10; i++) await a.stripe.customers.create({ name: `held ${i}` });
        await hanging.waitFor(() => hanging.hanging >= 8, 5_000, 'eight held connections');
        const held = hanging.hanging;
        // Baseline of the same kind of request, made while every slot is held: each completes, and the
        // receiver is still holding its connections when they have all returned.
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a.stripe.customers.list({ limit: 3 }) : a.stripe.customers.create({ name: `free ${i}` }))));
        assert.equal(results.length, 20);
        assert.ok(hanging.hanging >= held, 'the receiver was still holding its connections when the API calls completed');
        const list = await raw(s.url, 'GET', '/v1/events?limit=1', { key: a.sk });
        assert.equal(list.status, 200);
      } finally {
        await hanging.close();
      }
    });

    it('skips disabled endpoints and stops retrying for deleted ones', async () => {
      const a = await s.newAccount();
      const off = await startReceiver();
      const doomed = await startReceiver(() => 'hang');
      try {
        const offWe = await a.stripe.webhookEndpoints.create({ url: off.url, enabled_events: ['*'] });
        await a.stripe.webhookEndpoints.update(offWe.id, { disabled: true });
        const doomedWe = await a.stripe.webhookEndpoints.create({ url: doomed.url, enabled_events: ['customer.created'] });
        await a.stripe.customers.create({ name: 'x' });
        // Delete the endpoint while its first attempt is in flight, then let that attempt fail.
        await doomed.waitFor(() => doomed.hanging === 1);
        await a.stripe.webhookEndpoints.del(doomedWe.id);
        doomed.release(500);
        const [event] = (await a.stripe.events.list({ limit: 1 })).data;
        const d = await eventually(async () => {
          const res = await admin(s, `/webhook_deliveries?event=${event.id}`, a.sk);
          // The attempt in flight when the endpoint was deleted is still recorded.
          return res.body.data?.[0]?.status === 'canceled' && res.body.data[0].attempts.length === 1 ? res.body.data[0] : undefined;
        }, 5_000, 'the delivery to be canceled, with its one attempt recorded');
        assert.equal(d.attempt_count, 1);
        assert.equal(d.attempts[0].http_status, 500);
        assert.equal(d.next_attempt_at, null);
        // The schedule would retry after 1 s; wait past it.
        await new Promise((r) => setTimeout(r, 1_500));
        assert.equal(doomed.received.length, 1, 'no retry after the endpoint was deleted');
        assert.equal(off.received.length, 0, 'a disabled endpoint receives nothing');
      } finally {
        await off.close();
        await doomed.close();
      }
    });

    it('rolls an endpoint secret, signing with both secrets while the old one is still valid', async () => {
      const a = await s.newAccount();
      const path = '?roll';
      const we = await a.stripe.webhookEndpoints.create({ url: rx.url + path, enabled_events: ['customer.created'] });
      const rolled = await admin(s, `/webhook_endpoints/${we.id}/roll_secret`, a.sk, 'POST', 'expires_in=3600');
      assert.equal(rolled.status, 200);
      assert.equal(rolled.body.id, we.id);
      const fresh = rolled.body.secret as string;
      assert.match(fresh, /^whsec_/);
      assert.notEqual(fresh, we.secret);
      const mine = () => rx.received.filter((r) => r.path.endsWith(path));
      await a.stripe.customers.create({ name: 'both' });
      await rx.waitFor(() => mine().length === 1);
      const overlap = mine()[0];
      assert.match(overlap.headers['stripe-signature'] as string, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
      for (const secret of [fresh, we.secret!]) a.stripe.webhooks.constructEvent(overlap.body, overlap.headers['stripe-signature'] as string, secret);

      const again = await admin(s, `/webhook_endpoints/${we.id}/roll_secret`, a.sk, 'POST', 'expires_in=0');
      await a.stripe.customers.create({ name: 'only the newest' });
      await rx.waitFor(() => mine().length === 2);
      // `expires_in` applies to the secret being replaced: `fresh` stops at once, the first one keeps its hour.
      const next = mine()[1];
      assert.match(next.headers['stripe-signature'] as string, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
      a.stripe.webhooks.constructEvent(next.body, next.headers['stripe-signature'] as string, again.body.secret);
      a.stripe.webhooks.constructEvent(next.body, next.headers['stripe-signature'] as string, we.secret!);
      assert.throws(() => a.stripe.webhooks.constructEvent(next.body, next.headers['stripe-signature'] as string, fresh), Stripe.errors.StripeSignatureVerificationError);
      assert.equal((await a.stripe.webhookEndpoints.retrieve(we.id)).secret, undefined);
    });

    it('guards the admin routes like the API: secret keys only, each account sees its own deliveries', async () => {
      const a = await s.newAccount();
      const b = await s.newAccount();
      await a.stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.created'] });
      await a.stripe.customers.create({ name: 'private' });
      const [event] = (await a.stripe.events.list({ limit: 1 })).data;
      const mine = await eventually(async () => (await admin(s, `/webhook_deliveries?event=${event.id}`, a.sk)).body.data?.[0], 5_000, 'the delivery');
      assert.equal((await admin(s, `/webhook_deliveries?event=${event.id}`, b.sk)).body.data.length, 0);
      const other = await admin(s, `/webhook_deliveries/${mine.id}`, b.sk);
      assert.equal(other.status, 404);
      assert.equal(other.body.error.code, 'resource_missing');
      assert.equal((await admin(s, `/webhook_deliveries/${mine.id}/resend`, b.sk, 'POST')).status, 404);
      const pk = await admin(s, '/webhook_deliveries', a.pk);
      assert.equal(pk.status, 403);
      assert.equal(pk.body.error.code, 'secret_key_required');
      const none = await raw(s.url, 'GET', '/_onfile/webhook_deliveries');
      assert.equal(none.status, 401);
      const badParam = await admin(s, '/webhook_deliveries?colour=red', a.sk);
      assert.equal(badParam.status, 400);
      assert.equal(badParam.body.error.code, 'parameter_unknown');
      assert.equal((await admin(s, `/webhook_deliveries/${mine.id}`, a.sk)).body.event, event.id);
    });
  });

  describe(`endpoint health [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      process.env.ONFILE_WEBHOOK_DISABLE_AFTER = '1';
      process.env.ONFILE_WEBHOOK_RETRY_SCHEDULE = '0.5,0.5,0.5,0.5';
      try {
        s = await startTestServer(engine);
      } finally {
        delete process.env.ONFILE_WEBHOOK_DISABLE_AFTER;
        process.env.ONFILE_WEBHOOK_RETRY_SCHEDULE = '1,1';
      }
    });
    after(async () => s.close());

    it('disables an endpoint that has failed every attempt for longer than the configured window', async () => {
      const failing = await startReceiver(() => 503);
      try {
        const we = await s.stripe.webhookEndpoints.create({ url: failing.url, enabled_events: ['customer.created'] });
        await s.stripe.customers.create({ name: 'unlucky' });
        await eventually(async () => (await s.stripe.webhookEndpoints.retrieve(we.id)).status === 'disabled', 10_000, 'the endpoint to be disabled');
        const seen = failing.received.length;
        assert.ok(seen >= 2, 'disabled only after repeated failures');
        await s.stripe.customers.create({ name: 'after disable' });
        await new Promise((r) => setTimeout(r, 1_000));
        assert.equal(failing.received.length, seen, 'a disabled endpoint receives no new events nor retries');
        const enabled = await s.stripe.webhookEndpoints.update(we.id, { disabled: false });
        assert.equal(enabled.status, 'enabled');
      } finally {
        await failing.close();
      }
    });
  });
}

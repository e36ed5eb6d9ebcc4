import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { eventually } from '../webhooks/receiver.js';

// Prune often, so the 30-day retention can be observed by advancing the server's clock.
process.env.ONFILE_PRUNE_INTERVAL = '0.1';

const DAY_MS = 24 * 3600 * 1000;
const isError = (status: number, param?: string, code?: string) => (e: Stripe.errors.StripeError) =>
  e.statusCode === status && (param === undefined || e.param === param) && (code === undefined || e.code === code);

for (const engine of engines()) {
  describe(`events v1 [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('records customer.created, .updated (with previous_attributes) and .deleted with the causing request', async () => {
      const a = await s.newAccount();
      const created = await raw(s.url, 'POST', '/v1/customers', { key: a.sk, form: 'email=jenny%40example.com&name=Jenny', headers: { 'Idempotency-Key': 'create-jenny' } });
      const id = created.body.id as string;
      const updated = await a.stripe.customers.update(id, { name: 'Jenny Rosen', metadata: { plan: 'pro' } });
      await a.stripe.customers.del(id);

      const list = await a.stripe.events.list();
      assert.deepEqual(list.data.map((e) => e.type), ['customer.deleted', 'customer.updated', 'customer.created']);
      const [del, upd, cre] = list.data;
      for (const e of list.data) {
        assert.match(e.id, /^evt_[A-Za-z0-9]{24}$/);
        assert.equal(e.object, 'event');
        assert.equal(e.api_version, a.account.default_api_version);
        assert.equal(e.livemode, false);
        assert.equal(e.pending_webhooks, 0);
        assert.deepEqual(Object.keys(e).filter((k) => k !== 'lastResponse'), ['id', 'object', 'api_version', 'created', 'data', 'livemode', 'pending_webhooks', 'request', 'type']);
      }
      assert.deepEqual(cre.request, { id: created.headers.get('request-id'), idempotency_key: 'create-jenny' });
      assert.equal((cre.data.object as Stripe.Customer).email, 'jenny@example.com');
      assert.equal(cre.data.previous_attributes, undefined);
      assert.equal(upd.request?.id, updated.lastResponse.requestId);
      assert.match(upd.request?.idempotency_key ?? '', /^stripe-node-retry-/);
      assert.equal((upd.data.object as Stripe.Customer).name, 'Jenny Rosen');
      assert.deepEqual(upd.data.previous_attributes, { metadata: { plan: null }, name: 'Jenny' });
      assert.equal((del.data.object as Stripe.Customer).id, id);

      const one = await a.stripe.events.retrieve(upd.id);
      assert.deepEqual(one.data, upd.data);
      assert.equal(one.type, 'customer.updated');
    });

    it('records no event for an update that changes nothing, metadata keys given in another order included', async () => {
      const a = await s.newAccount();
      const c = await a.stripe.customers.create({ name: 'Jenny', metadata: { plan: 'pro', tier: 'gold' } });
      const same = await raw(s.url, 'POST', `/v1/customers/${c.id}`, { key: a.sk, form: 'name=Jenny&metadata[tier]=gold&metadata[plan]=pro' });
      assert.equal(same.status, 200);
      assert.deepEqual(same.body.metadata, { plan: 'pro', tier: 'gold' });
      await a.stripe.customers.update(c.id, { metadata: { tier: 'silver' } });
      const events = (await a.stripe.events.list()).data;
      assert.deepEqual(events.map((e) => e.type), ['customer.updated', 'customer.created']);
      assert.deepEqual(events[0].data.previous_attributes, { metadata: { tier: 'gold' } });
    });

    it('renders events at their own api_version whatever the request asks for', async () => {
      const a = await s.newAccount({ apiVersion: '2025-03-31.basil' });
      await a.stripe.customers.create({ name: 'v' });
      const [e] = (await a.stripe.events.list({ limit: 1 })).data;
      assert.equal(e.api_version, '2025-03-31.basil');
      const viaOther = await raw(s.url, 'GET', `/v1/events/${e.id}`, { key: a.sk, headers: { 'Stripe-Version': '2026-10-28.endive' } });
      assert.equal(viaOther.body.api_version, '2025-03-31.basil');
    });

    it('filters by type (exact and * wildcard), types[] and created, and pages newest first', async () => {
      const a = await s.newAccount();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await a.stripe.customers.create({ name: `c${i}` })).id);
      await a.stripe.customers.update(ids[0], { name: 'changed' });
      await a.stripe.customers.del(ids[1]);
      const all = await a.stripe.events.list({ limit: 100 });
      assert.equal(all.data.length, 5);

      const created = await a.stripe.events.list({ type: 'customer.created' });
      assert.deepEqual(created.data.map((e) => (e.data.object as Stripe.Customer).id), [ids[2], ids[1], ids[0]]);
      const wild = await a.stripe.events.list({ type: 'customer.*' });
      assert.equal(wild.data.length, 5);
      const suffix = await a.stripe.events.list({ type: '*.deleted' });
      assert.deepEqual(suffix.data.map((e) => e.type), ['customer.deleted']);
      assert.equal((await a.stripe.events.list({ type: '*' })).data.length, 5);
      assert.equal((await a.stripe.events.list({ type: 'payment_intent.*' })).data.length, 0);
      // `_` is not a wildcard: customer_x.* must not match customer.*
      assert.equal((await a.stripe.events.list({ type: 'custome_.*' })).data.length, 0);
      const types = await a.stripe.events.list({ types: ['customer.updated', 'customer.deleted'] });
      assert.deepEqual(types.data.map((e) => e.type), ['customer.deleted', 'customer.updated']);

      const newest = all.data[0];
      assert.equal((await a.stripe.events.list({ created: { gt: newest.created } })).data.length, 0);
      assert.equal((await a.stripe.events.list({ created: { lte: newest.created } })).data.length, 5);

      const page1 = await a.stripe.events.list({ limit: 2 });
      assert.equal(page1.has_more, true);
      assert.equal(page1.url, '/v1/events');
      const page2 = await a.stripe.events.list({ limit: 2, starting_after: page1.data[1].id });
      assert.deepEqual(page2.data.map((e) => e.id), [all.data[2].id, all.data[3].id]);
      const back = await a.stripe.events.list({ limit: 2, ending_before: all.data[3].id });
      assert.deepEqual(back.data.map((e) => e.id), [all.data[1].id, all.data[2].id]);
      const seen: string[] = [];
      for await (const e of a.stripe.events.list({ limit: 2 })) seen.push(e.id);
      assert.deepEqual(seen, all.data.map((e) => e.id));
    });

    it('rejects bad list parameters with Stripe errors', async () => {
      await assert.rejects(s.stripe.events.list({ type: 'customer.created', types: ['customer.updated'] }), isError(400, 'type', 'parameters_exclusive'));
      const many = Array.from({ length: 21 }, (_, i) => `customer.created${i}`);
      await assert.rejects(s.stripe.events.list({ types: many }), isError(400, 'types'));
      await assert.rejects(s.stripe.events.list({ starting_after: 'evt_nope' }), isError(400, 'starting_after', 'resource_missing'));
      await s.stripe.customers.update((await s.stripe.customers.create({})).id, { name: 'two events' });
      const [newer, older] = (await s.stripe.events.list({ limit: 2 })).data;
      await assert.rejects(s.stripe.events.list({ starting_after: 'evt_nope', ending_before: newer.id }), isError(400, 'starting_after', 'resource_missing'));
      const both = await raw(s.url, 'GET', '/v1/events', { key: s.sk, form: `starting_after=${older.id}&ending_before=${newer.id}` });
      assert.deepEqual([both.status, both.body.error.message, both.body.error.code], [400, 'Received both starting_after and ending_before parameters. Please pass in only one.', undefined]);
      const badBool = await raw(s.url, 'GET', '/v1/events', { key: s.sk, form: 'delivery_success=maybe' });
      assert.equal(badBool.status, 400);
      assert.equal(badBool.body.error.code, 'parameter_invalid_boolean');
      const unknown = await raw(s.url, 'GET', '/v1/events', { key: s.sk, form: 'object=event' });
      assert.equal(unknown.body.error.code, 'parameter_unknown');
      const expand = await raw(s.url, 'GET', '/v1/events', { key: s.sk, form: 'expand[]=data.data.object' });
      assert.equal(expand.status, 400);
      assert.deepEqual(expand.body.error, { type: 'invalid_request_error', message: 'This property cannot be expanded (data.data.object).' });
    });

    it('answers secret keys only, each for its own account', async () => {
      const a = await s.newAccount();
      const b = await s.newAccount();
      await a.stripe.customers.create({ name: 'mine' });
      const [e] = (await a.stripe.events.list({ limit: 1 })).data;
      await assert.rejects(b.stripe.events.retrieve(e.id), isError(404, 'id', 'resource_missing'));
      assert.equal((await b.stripe.events.list()).data.length, 0);
      const pk = await raw(s.url, 'GET', `/v1/events/${e.id}`, { key: a.pk });
      assert.equal(pk.status, 403);
      assert.equal(pk.body.error.code, 'secret_key_required');
      const none = await raw(s.url, 'GET', '/v1/events');
      assert.equal(none.status, 401);
    });

    it('keeps events 30 days, then prunes them', async () => {
      const a = await s.newAccount();
      await a.stripe.customers.create({ name: 'old' });
      const [old] = (await a.stripe.events.list({ limit: 1 })).data;
      s.clock.advance(29 * DAY_MS);
      await a.stripe.customers.create({ name: 'recent' });
      const [recent] = (await a.stripe.events.list({ limit: 1 })).data;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await a.stripe.events.retrieve(old.id)).id, old.id, 'a 29-day-old event is still kept');
      s.clock.advance(2 * DAY_MS);
      await eventually(async () => a.stripe.events.retrieve(old.id).then(() => false, (e: Stripe.errors.StripeError) => e.statusCode === 404), 5_000, 'the 31-day-old event to be pruned');
      assert.equal((await a.stripe.events.retrieve(recent.id)).id, recent.id);
      assert.deepEqual((await a.stripe.events.list()).data.map((e) => e.id), [recent.id]);
    });
  });
}

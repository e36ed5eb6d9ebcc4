import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';

// Lists (https://docs.stripe.com/api/pagination), expand (https://docs.stripe.com/expand) and
// metadata limits (https://docs.stripe.com/metadata#data) on Customers.
for (const engine of engines()) {
  describe(`wire: lists, expand, metadata [${engine}]`, () => {
    let s: TestServer;
    let m: TestAccount;
    const ids: string[] = [];
    const list = (query: string, key = m.sk) => raw(s.url, 'GET', `/v1/customers?${query}`, { key });
    before(async () => {
      s = await startTestServer(engine);
      m = await s.newAccount();
      for (let i = 0; i < 12; i++) ids.push((await m.stripe.customers.create({ name: `c${i}` })).id);
    });
    after(async () => s.close());

    it('has Stripe\'s list shape, a default limit of 10, and takes a limit out of 1..100 as the nearest bound', async () => {
      const res = await list('');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ['data', 'has_more', 'object', 'url']);
      assert.equal(res.body.object, 'list');
      assert.equal(res.body.url, '/v1/customers');
      assert.equal(res.body.data.length, 10);
      assert.equal(res.body.has_more, true);
      assert.equal((await list('limit=1')).body.data.length, 1);
      assert.equal((await list('limit=100')).body.data.length, 12);
      // Recorded at 2026-08-26.dahlia: 0 and below answer one item, over 100 a hundred; no error.
      for (const low of ['0', '-1', '-50']) {
        const r = await list(`limit=${low}`);
        assert.deepEqual([r.status, r.body.data.length, r.body.has_more], [200, 1, true], low);
      }
      const over = await list('limit=101');
      assert.deepEqual([over.status, over.body.data.length, over.body.has_more], [200, 12, false]);
      for (const bad of ['abc', '1.5']) {
        const r = await list(`limit=${bad}`);
        assert.deepEqual([r.status, r.body.error.code, r.body.error.param, r.body.error.message], [400, 'parameter_invalid_integer', 'limit', `Invalid integer: ${bad}`]);
      }
    });

    it('pages with both cursors; has_more is exact at the edges', async () => {
      const newest = [...ids].reverse();
      const exact = await list('limit=12');
      assert.equal(exact.body.has_more, false, 'exactly limit items left');
      const oneShort = await list('limit=11');
      assert.equal(oneShort.body.has_more, true);
      const after_ = await list(`limit=3&starting_after=${newest[2]}`);
      assert.deepEqual(after_.body.data.map((c: { id: string }) => c.id), newest.slice(3, 6));
      assert.equal(after_.body.has_more, true);
      const before_ = await list(`limit=3&ending_before=${newest[5]}`);
      assert.deepEqual(before_.body.data.map((c: { id: string }) => c.id), newest.slice(2, 5), 'ending_before is still newest first');
      assert.equal(before_.body.has_more, true);
      const top = await list(`limit=3&ending_before=${newest[2]}`);
      assert.deepEqual(top.body.data.map((c: { id: string }) => c.id), newest.slice(0, 2));
      assert.equal(top.body.has_more, false);
      const nothingNewer = await list(`ending_before=${newest[0]}`);
      assert.deepEqual(nothingNewer.body.data, []);
      assert.equal(nothingNewer.body.has_more, false);
      const end = await list(`starting_after=${newest[11]}`);
      assert.deepEqual(end.body.data, []);
      assert.equal(end.body.has_more, false);
      // Both cursors are looked up first; two that exist are refused together (recorded: no code, no param).
      const both = await list(`starting_after=${newest[1]}&ending_before=${newest[5]}`);
      assert.deepEqual([both.status, both.body.error], [400, { type: 'invalid_request_error', message: 'Received both starting_after and ending_before parameters. Please pass in only one.' }]);
      const bothOneUnknown = await list(`starting_after=cus_unknown0000000&ending_before=${newest[5]}`);
      assert.deepEqual([bothOneUnknown.status, bothOneUnknown.body.error.code, bothOneUnknown.body.error.param], [400, 'resource_missing', 'starting_after']);
      const unknown = await list('starting_after=cus_unknown0000000');
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, 'resource_missing');
      assert.equal(unknown.body.error.param, 'starting_after');
      const backwards: string[] = [];
      for await (const c of m.stripe.customers.list({ limit: 5, ending_before: newest[11] })) backwards.push(c.id);
      assert.deepEqual(backwards, newest.slice(0, 11).reverse(), 'the SDK walks backwards with ending_before');
    });

    it('stays stable while objects are inserted between pages', async () => {
      const a = await s.newAccount();
      const made: string[] = [];
      for (let i = 0; i < 6; i++) made.push((await a.stripe.customers.create({})).id);
      const page1 = await a.stripe.customers.list({ limit: 3 });
      for (let i = 0; i < 4; i++) await a.stripe.customers.create({});
      const page2 = await a.stripe.customers.list({ limit: 3, starting_after: page1.data[2].id });
      assert.deepEqual([...page1.data, ...page2.data].map((c) => c.id), [...made].reverse());
      assert.equal(page2.has_more, false);
    });

    it('filters by created with gt, gte, lt, lte and an exact value', async () => {
      const a = await s.newAccount();
      const c0 = await a.stripe.customers.create({});
      const t0 = c0.created;
      s.clock.advance(5_000);
      const c1 = await a.stripe.customers.create({});
      s.clock.advance(5_000);
      const c2 = await a.stripe.customers.create({});
      const q = async (created: Stripe.RangeQueryParam | number) => (await a.stripe.customers.list({ created })).data.map((c) => c.id);
      assert.deepEqual(await q({ gt: c1.created }), [c2.id]);
      assert.deepEqual(await q({ gte: c1.created }), [c2.id, c1.id]);
      assert.deepEqual(await q({ lt: c1.created }), [c0.id]);
      assert.deepEqual(await q({ lte: c1.created, gt: t0 }), [c1.id]);
      assert.deepEqual(await q(c2.created), [c2.id]);
      const bad = await raw(s.url, 'GET', '/v1/customers?created[gt]=yesterday', { key: a.sk });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.param, 'created[gt]');
      const unknownOp = await raw(s.url, 'GET', '/v1/customers?created[after]=1', { key: a.sk });
      assert.equal(unknownOp.body.error.code, 'parameter_unknown');
      assert.equal(unknownOp.body.error.param, 'created[after]');
    });

    it('expands valid paths (a null stays null), needs data. in lists, refuses other paths and depth over 4', async () => {
      const c = await s.stripe.customers.create({ name: 'x' });
      const ok = await raw(s.url, 'GET', `/v1/customers/${c.id}?expand[]=invoice_settings.default_payment_method&expand[]=test_clock`, { key: s.sk });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.invoice_settings.default_payment_method, null);
      const onCreate = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'expand[0]=invoice_settings.default_payment_method' });
      assert.equal(onCreate.status, 200);
      const inList = await list('limit=2&expand[]=data.invoice_settings.default_payment_method');
      assert.equal(inList.status, 200);
      // Recorded at 2026-08-26.dahlia: a list's path without `data.` gets a hint naming its first segment,
      // whether the item has such a field or not; `data` alone is accepted.
      for (const [path, segment] of [['invoice_settings.default_payment_method', 'invoice_settings'], ['email', 'email'], ['bogus', 'bogus']]) {
        const withoutData = await list(`email=nobody%40example.com&expand[]=${path}`);
        assert.deepEqual([withoutData.status, withoutData.body.error], [400, {
          type: 'invalid_request_error',
          message: `This property cannot be expanded (${segment}). You may want to try expanding 'data.${segment}' instead.`,
        }], path);
      }
      assert.equal((await list('limit=2&expand[]=data')).body.data.length, 2);
      // A field that holds an object of its own is accepted and comes back as it is (recorded for address).
      const embedded = await raw(s.url, 'GET', `/v1/customers/${c.id}?expand[]=address&expand[]=invoice_settings&expand[]=shipping`, { key: s.sk });
      assert.deepEqual([embedded.status, embedded.body.address, embedded.body.invoice_settings.footer], [200, null, null]);
      // Lists a Customer shows only when expanded: onfile keeps none of these, so each is empty.
      const hidden = await raw(s.url, 'GET', `/v1/customers/${c.id}?expand[]=sources&expand[]=subscriptions&expand[]=tax_ids`, { key: s.sk });
      for (const field of ['sources', 'subscriptions', 'tax_ids']) {
        assert.deepEqual(hidden.body[field], { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/customers/${c.id}/${field}` }, field);
      }
      assert.equal('sources' in ok.body, false, 'not shown unless expanded');
      const hiddenInList = await list('limit=1&expand[]=data.sources');
      assert.equal(hiddenInList.body.data[0].sources.object, 'list');
      // The error names the path up to the segment that cannot be expanded, with no code and no param.
      for (const [path, named] of [['email', 'email'], ['name.first', 'name'], ['metadata', 'metadata'], ['invoice_settings.bogus', 'invoice_settings.bogus'], ['address.city', 'address.city'], ['data.address', 'data']]) {
        const r = await raw(s.url, 'GET', `/v1/customers/${c.id}?expand[]=${path}`, { key: s.sk });
        assert.deepEqual([r.status, r.body.error], [400, { type: 'invalid_request_error', message: `This property cannot be expanded (${named}).` }], path);
      }
      const deep = await raw(s.url, 'GET', `/v1/customers/${c.id}?expand[]=invoice_settings.default_payment_method.customer.test_clock.x`, { key: s.sk });
      assert.equal(deep.status, 400);
      assert.deepEqual(deep.body.error, {
        type: 'invalid_request_error',
        code: 'property_expansion_max_depth',
        doc_url: 'https://stripe.com/docs/error-codes/property-expansion-max-depth',
        message: 'You cannot expand more than 4 levels of a property. Property: invoice_settings.default_payment_method.customer.test_clock.x',
      });
      const deepList = await list('expand[]=data.invoice_settings.default_payment_method.customer.test_clock');
      assert.equal(deepList.status, 400, 'data. counts as a level');
      const update = await raw(s.url, 'POST', `/v1/customers/${c.id}`, { key: s.sk, form: 'name=y&expand[]=email' });
      assert.equal(update.status, 400);
      assert.equal((await s.stripe.customers.retrieve(c.id) as Stripe.Customer).name, 'x', 'a bad expand fails the update before it runs');
    });

    it('enforces metadata limits: 50 keys, 40-character keys, 500-character values, also after merging', async () => {
      const fifty: Record<string, string> = {};
      for (let i = 0; i < 50; i++) fifty[`k${i}`] = 'v';
      const c = await s.stripe.customers.create({ metadata: { ...fifty, ['a'.repeat(40)]: 'x'.repeat(500) } }).catch((e) => e);
      assert.ok(c instanceof Stripe.errors.StripeInvalidRequestError, '51 keys');
      const full = await s.stripe.customers.create({ metadata: fifty });
      assert.equal(Object.keys(full.metadata).length, 50);
      await assert.rejects(s.stripe.customers.update(full.id, { metadata: { one_more: 'v' } }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'metadata');
      const swapped = await s.stripe.customers.update(full.id, { metadata: { k0: '', one_more: 'v' } });
      assert.equal(Object.keys(swapped.metadata).length, 50);
      assert.equal(swapped.metadata.k0, undefined);
      const edge = await s.stripe.customers.create({ metadata: { ['a'.repeat(40)]: 'x'.repeat(500) } });
      assert.equal(edge.metadata['a'.repeat(40)].length, 500);
      await assert.rejects(s.stripe.customers.create({ metadata: { ['a'.repeat(41)]: 'x' } }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === `metadata[${'a'.repeat(41)}]`);
      await assert.rejects(s.stripe.customers.create({ metadata: { k: 'x'.repeat(501) } }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'metadata[k]');
      const numeric = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'metadata[n]=42&metadata[b]=true' });
      assert.deepEqual(numeric.body.metadata, { n: '42', b: 'true' });
      const cleared = await raw(s.url, 'POST', `/v1/customers/${full.id}`, { key: s.sk, form: 'metadata=' });
      assert.deepEqual(cleared.body.metadata, {});
    });
  });
}

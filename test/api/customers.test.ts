import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';

for (const engine of engines()) {
  describe(`customers v1 [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('creates with the seed curl parameters (Basic auth, dahlia default) and retrieves', async () => {
      const res = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, basic: true, form: 'name=Jenny%20Rosen&email=jenny.rosen%40example.com' });
      assert.equal(res.status, 200);
      assert.match(res.body.id, /^cus_[A-Za-z0-9]{14}$/);
      assert.equal(res.body.object, 'customer');
      assert.equal(res.body.email, 'jenny.rosen@example.com');
      assert.equal(res.body.name, 'Jenny Rosen');
      assert.deepEqual(res.body.metadata, {});
      assert.equal(res.body.address, null);
      assert.equal(res.body.livemode, false);
      assert.equal(res.headers.get('stripe-version'), '2026-08-26.dahlia');
      assert.match(res.headers.get('request-id') ?? '', /^req_[A-Za-z0-9]{14}$/);
      const got = await s.stripe.customers.retrieve(res.body.id);
      assert.equal((got as Stripe.Customer).email, 'jenny.rosen@example.com');
      assert.equal(got.lastResponse.headers['stripe-version'], Stripe.API_VERSION);
    });

    it('updates fields and metadata, unsetting with empty strings', async () => {
      const c = await s.stripe.customers.create({ name: 'A', description: 'd', metadata: { a: '1', b: '2' } });
      const u = await s.stripe.customers.update(c.id, { description: '', metadata: { a: '', c: '3' }, address: { city: 'Paris', country: 'FR' } });
      assert.equal(u.description, null);
      assert.deepEqual(u.metadata, { b: '2', c: '3' });
      assert.equal(u.address?.city, 'Paris');
      assert.equal(u.address?.line1, null);
      // An address merges per field; an empty string clears one field, or the whole address.
      const moved = await s.stripe.customers.update(c.id, { address: { line1: '1 Rue de Rivoli', city: '' } });
      assert.deepEqual(moved.address, { city: null, country: 'FR', line1: '1 Rue de Rivoli', line2: null, postal_code: null, state: null });
      assert.deepEqual((await s.stripe.customers.update(c.id, { address: '' })).address, null);
      const cleared = await raw(s.url, 'POST', `/v1/customers/${c.id}`, { key: s.sk, form: 'metadata=' });
      assert.deepEqual(cleared.body.metadata, {});
    });

    it("keeps a balance in the account's default currency and checks invoice_prefix as Stripe does", async () => {
      const us = await s.newAccount();
      const de = await s.newAccount({ country: 'DE' });
      assert.equal((await us.stripe.customers.create({})).currency, null);
      assert.equal((await us.stripe.customers.create({ balance: 0 })).currency, null);
      assert.deepEqual(await us.stripe.customers.create({ balance: 500 }).then((c) => [c.balance, c.currency]), [500, 'usd']);
      const later = await de.stripe.customers.create({});
      assert.deepEqual(await de.stripe.customers.update(later.id, { balance: -250 }).then((c) => [c.balance, c.currency]), [-250, 'eur']);
      assert.equal((await de.stripe.customers.update(later.id, { balance: 0 })).currency, 'eur', 'the currency stays once set');
      assert.equal((await us.stripe.customers.create({ invoice_prefix: 'AB1' })).invoice_prefix, 'AB1');
      assert.equal((await us.stripe.customers.create({ invoice_prefix: 'ABCDEFGHIJKL' })).invoice_prefix, 'ABCDEFGHIJKL');
      assert.match((await us.stripe.customers.create({})).invoice_prefix ?? '', /^[A-Z0-9]{8}$/);
      for (const bad of ['a', 'abc', 'AB_1', 'ABCDEFGHIJKLM']) {
        const res = await raw(s.url, 'POST', '/v1/customers', { key: us.sk, form: `invoice_prefix=${bad}` });
        assert.deepEqual([res.status, res.body.error], [400, { type: 'invalid_request_error', message: 'Invoice number prefix must be 1\u201312 uppercase letters or numbers.' }], bad);
      }
      const c = await us.stripe.customers.create({});
      const update = await raw(s.url, 'POST', `/v1/customers/${c.id}`, { key: us.sk, form: 'invoice_prefix=x' });
      assert.equal(update.status, 400);
      assert.equal((await us.stripe.customers.update(c.id, { invoice_prefix: 'ZZ9' })).invoice_prefix, 'ZZ9');
    });

    it('keeps an invoice_prefix to one customer of the account, a deleted one too', async () => {
      const a = await s.newAccount();
      const b = await s.newAccount();
      const holder = await a.stripe.customers.create({ invoice_prefix: 'TAKEN1' });
      const taken = { type: 'invalid_request_error', param: 'invoice_prefix', message: `This invoice number prefix is taken by customer: ${holder.id}. Please enter a different prefix.` };
      const dup = await raw(s.url, 'POST', '/v1/customers', { key: a.sk, form: 'invoice_prefix=TAKEN1' });
      assert.deepEqual([dup.status, dup.body.error], [400, taken]);
      const other = await a.stripe.customers.create({ metadata: { invoice_prefix: 'TAKEN2' } });
      const onto = await raw(s.url, 'POST', `/v1/customers/${other.id}`, { key: a.sk, form: 'invoice_prefix=TAKEN1' });
      assert.deepEqual([onto.status, onto.body.error], [400, taken]);
      assert.equal((await a.stripe.customers.retrieve(other.id) as Stripe.Customer).invoice_prefix, other.invoice_prefix, 'nothing changed');
      // A generated prefix is taken as well; sending one's own again is no conflict.
      const generated = await raw(s.url, 'POST', `/v1/customers/${holder.id}`, { key: a.sk, form: `invoice_prefix=${other.invoice_prefix}` });
      assert.deepEqual([generated.status, generated.body.error?.message], [400, `This invoice number prefix is taken by customer: ${other.id}. Please enter a different prefix.`]);
      assert.equal((await a.stripe.customers.update(holder.id, { invoice_prefix: 'TAKEN1', name: 'again' })).name, 'again');
      // A prefix that only metadata holds is free; another account's customers hold their own.
      assert.equal((await a.stripe.customers.create({ invoice_prefix: 'TAKEN2' })).invoice_prefix, 'TAKEN2');
      assert.equal((await b.stripe.customers.create({ invoice_prefix: 'TAKEN1' })).invoice_prefix, 'TAKEN1');
      await a.stripe.customers.del(holder.id);
      const afterDelete = await raw(s.url, 'POST', '/v1/customers', { key: a.sk, form: 'invoice_prefix=TAKEN1' });
      assert.deepEqual([afterDelete.status, afterDelete.body.error], [400, taken]);
      // Concurrent claims of one prefix: one customer gets it.
      const racing = await Promise.allSettled(Array.from({ length: 6 }, () => a.stripe.customers.create({ invoice_prefix: 'RACE7' })));
      assert.deepEqual(racing.map((r) => r.status).sort(), ['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
      const listed = await a.stripe.customers.list({ limit: 100 });
      assert.equal(listed.data.filter((c) => c.invoice_prefix === 'RACE7').length, 1);
    });

    it('rejects metadata over the limits', async () => {
      const many: Record<string, string> = {};
      for (let i = 0; i < 51; i++) many[`k${i}`] = 'v';
      await assert.rejects(s.stripe.customers.create({ metadata: many }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'metadata');
      await assert.rejects(s.stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } }), (e: Stripe.errors.StripeError) => e.statusCode === 400);
      await assert.rejects(s.stripe.customers.create({ metadata: { k: 'v'.repeat(501) } }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'metadata[k]');
    });

    it('deletes: returns the stub, later retrieve returns deleted: true, list skips it', async () => {
      const c = await s.stripe.customers.create({ email: 'gone@example.com' });
      // A delete takes no parameters: one sent is refused, and nothing is deleted.
      for (const [form, param] of [['metadata[a]=1', 'metadata'], ['expand[]=address', 'expand']]) {
        const refused = await raw(s.url, 'DELETE', `/v1/customers/${c.id}`, { key: s.sk, form });
        assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.param], [400, 'parameter_unknown', param]);
      }
      const inBody = await fetch(`${s.url}/v1/customers/${c.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${s.sk}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'metadata[a]=1' });
      assert.deepEqual([inBody.status, ((await inBody.json()) as { error: { param: string } }).error.param], [400, 'metadata']);
      assert.equal((await s.stripe.customers.retrieve(c.id)).deleted, undefined);
      const d = await s.stripe.customers.del(c.id);
      assert.deepEqual({ id: d.id, object: d.object, deleted: d.deleted }, { id: c.id, object: 'customer', deleted: true });
      const again = await s.stripe.customers.retrieve(c.id);
      assert.equal(again.deleted, true);
      const list = await s.stripe.customers.list({ email: 'gone@example.com' });
      assert.equal(list.data.length, 0);
      await assert.rejects(s.stripe.customers.update(c.id, { name: 'x' }), (e: Stripe.errors.StripeError) => e.code === 'resource_missing' && e.statusCode === 404);
      await assert.rejects(s.stripe.customers.del(c.id), (e: Stripe.errors.StripeError) => e.code === 'resource_missing');
    });

    it('lists newest first with cursors, limit and email filter', async () => {
      const a = await s.newAccount();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await a.stripe.customers.create({ email: i % 2 ? 'odd@example.com' : 'even@example.com' })).id);
      const page1 = await a.stripe.customers.list({ limit: 2 });
      assert.deepEqual(page1.data.map((c) => c.id), [ids[4], ids[3]]);
      assert.equal(page1.has_more, true);
      assert.equal(page1.url, '/v1/customers');
      const page2 = await a.stripe.customers.list({ limit: 2, starting_after: ids[3] });
      assert.deepEqual(page2.data.map((c) => c.id), [ids[2], ids[1]]);
      const before_ = await a.stripe.customers.list({ limit: 2, ending_before: ids[1] });
      assert.deepEqual(before_.data.map((c) => c.id), [ids[3], ids[2]]);
      const last = await a.stripe.customers.list({ limit: 10, starting_after: ids[1] });
      assert.deepEqual(last.data.map((c) => c.id), [ids[0]]);
      assert.equal(last.has_more, false);
      const odd = await a.stripe.customers.list({ email: 'odd@example.com' });
      assert.deepEqual(odd.data.map((c) => c.id), [ids[3], ids[1]]);
      const all: string[] = [];
      for await (const c of a.stripe.customers.list({ limit: 2 })) all.push(c.id);
      assert.deepEqual(all, [...ids].reverse());
      assert.equal((await a.stripe.customers.list({ limit: 101 })).data.length, ids.length, 'a limit over 100 answers up to 100');
      await assert.rejects(a.stripe.customers.list({ starting_after: 'cus_nope' }), (e: Stripe.errors.StripeError) => e.code === 'resource_missing' && e.param === 'starting_after');
    });

    it("answers a customer's sources and tax IDs as the empty lists its expanded fields show", async () => {
      const a = await s.newAccount();
      const other = await s.newAccount();
      const c = await a.stripe.customers.create({});
      const expanded = (await a.stripe.customers.retrieve(c.id, { expand: ['sources', 'tax_ids'] })) as Stripe.Customer;
      for (const [field, list] of [
        ['sources', await a.stripe.customers.listSources(c.id, { object: 'card', limit: 3 })],
        ['tax_ids', await a.stripe.customers.listTaxIds(c.id)],
      ] as const) {
        const { total_count: _, ...page } = expanded[field] as unknown as Record<string, unknown>;
        assert.deepEqual({ object: list.object, data: list.data, has_more: list.has_more, url: list.url }, page, field);
        assert.equal(list.url, `/v1/customers/${c.id}/${field}`);
      }
      const seen: unknown[] = [];
      for await (const item of a.stripe.customers.listSources(c.id)) seen.push(item);
      assert.deepEqual(seen, []);
      const notFound = (param: string) => (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing' && e.param === param;
      await assert.rejects(other.stripe.customers.listSources(c.id), notFound('id'), "another account's customer");
      await assert.rejects(a.stripe.customers.listTaxIds('cus_missing'), notFound('id'));
      await assert.rejects(a.stripe.customers.retrieveSource(c.id, 'card_123'), (e: Stripe.errors.StripeError) => notFound('id')(e) && e.message === "No such source: 'card_123'");
      await assert.rejects(a.stripe.customers.retrieveTaxId(c.id, 'txi_123'), notFound('id'));
      const cursor = await raw(s.url, 'GET', `/v1/customers/${c.id}/sources?starting_after=card_123`, { key: a.sk });
      assert.deepEqual([cursor.status, cursor.body.error.code, cursor.body.error.param], [400, 'resource_missing', 'starting_after']);
      const unknown = await raw(s.url, 'GET', `/v1/customers/${c.id}/tax_ids?created[gt]=1`, { key: a.sk });
      assert.deepEqual([unknown.status, unknown.body.error.code, unknown.body.error.param], [400, 'parameter_unknown', 'created']);
      const expand = await raw(s.url, 'GET', `/v1/customers/${c.id}/sources?expand[]=customer`, { key: a.sk });
      assert.deepEqual([expand.status, expand.body.error.message], [400, "This property cannot be expanded (customer). You may want to try expanding 'data.customer' instead."]);
    });

    it('filters by created range', async () => {
      const a = await s.newAccount();
      const c1 = await a.stripe.customers.create({});
      s.clock.advance(10_000);
      const c2 = await a.stripe.customers.create({});
      const newer = await a.stripe.customers.list({ created: { gt: c1.created } });
      assert.deepEqual(newer.data.map((c) => c.id), [c2.id]);
      const exact = await a.stripe.customers.list({ created: c1.created });
      assert.deepEqual(exact.data.map((c) => c.id), [c1.id]);
    });
  });
}

for (const engine of engines()) {
  describe(`metadata keys that look like numbers [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('keeps `metadata[10]` as the key "10", not an array index', async () => {
      const res = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'metadata[10]=ten&metadata%5B2%5D=two&metadata[a]=x' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.metadata, { 10: 'ten', 2: 'two', a: 'x' });
      const c = await s.stripe.customers.update(res.body.id, { metadata: { 10: '', 7: 'seven' } });
      assert.deepEqual(c.metadata, { 2: 'two', a: 'x', 7: 'seven' });
    });
  });
}

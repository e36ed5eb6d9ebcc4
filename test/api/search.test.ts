import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { chargeOffSession, newOwner, savedMethod } from './payment-intents.fixtures.js';

const isInvalidQuery = (message: RegExp) => (e: Stripe.errors.StripeError) =>
  e.statusCode === 400 && e.type === 'StripeInvalidRequestError' && e.param === 'query' && message.test(e.message);

for (const engine of engines()) {
  describe(`search: customers, PaymentIntents, charges [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    const ids: Record<string, string> = {};
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
      const customers: Record<string, Stripe.CustomerCreateParams> = {
        jenny: { email: 'jenny.rosen@example.com', name: 'Jenny Rosen', metadata: { order: '6735', tier: 'gold' } },
        amy: { email: 'amy@rocketrides.io', name: 'Amy Lee', phone: '+15555550100', metadata: { tier: 'silver' } },
        bob: { email: 'bob@example.com', name: 'Bob', metadata: {} },
      };
      for (const [key, c] of Object.entries(customers)) {
        ids[key] = (await a.stripe.customers.create(c)).id;
      }
    });
    after(async () => s.close());

    const found = async (query: string, extra: Partial<Stripe.CustomerSearchParams> = {}) => {
      const r = await a.stripe.customers.search({ query, ...extra });
      return r.data.map((c) => Object.entries(ids).find(([, id]) => id === c.id)?.[0]);
    };

    it('finds customers with the query language, newest first, in a search_result', async () => {
      const r = await a.stripe.customers.search({ query: "email:'jenny.rosen@example.com'" });
      assert.equal(r.object, 'search_result');
      assert.equal(r.url, '/v1/customers/search');
      assert.equal(r.has_more, false);
      assert.equal(r.next_page, null);
      assert.equal(r.data[0].id, ids.jenny);
      assert.equal(r.data[0].object, 'customer');
      assert.deepEqual(await found('email:"JENNY.ROSEN@EXAMPLE.COM"'), ['jenny'], 'exact matches ignore case');
      assert.deepEqual(await found('name~"ros"'), ['jenny']);
      assert.deepEqual(await found('email~"example.com"'), ['bob', 'jenny'], 'newest first');
      assert.deepEqual(await found('metadata["tier"]:"gold" OR phone:"+15555550100"'), ['amy', 'jenny']);
      assert.deepEqual(await found("metadata['order']:null"), ['bob', 'amy']);
      assert.deepEqual(await found('-metadata["tier"]:"gold" email~"example"'), ['bob']);
      const created = (await a.stripe.customers.retrieve(ids.amy)) as Stripe.Customer;
      assert.deepEqual(await found(`created>=${created.created} name~"amy"`), ['amy']);
      assert.deepEqual(await found('email:"nobody@example.com"'), []);
    });

    it('pages with limit and next_page; the SDK walks every page; total_count on request', async () => {
      const first = await a.stripe.customers.search({ query: 'email~"example" OR email~"rocket"', limit: 2 });
      assert.equal(first.data.length, 2);
      assert.equal(first.has_more, true);
      assert.equal(typeof first.next_page, 'string');
      const second = await a.stripe.customers.search({ query: 'email~"example" OR email~"rocket"', limit: 2, page: first.next_page! });
      assert.deepEqual(
        second.data.map((c) => c.id),
        [ids.jenny],
      );
      assert.equal(second.has_more, false);
      const all: string[] = [];
      for await (const c of a.stripe.customers.search({ query: 'email~"example" OR email~"rocket"', limit: 1 })) all.push(c.id);
      assert.deepEqual(all, [ids.bob, ids.amy, ids.jenny]);
      const counted = await a.stripe.customers.search({ query: 'email~"example"', limit: 1, expand: ['total_count'] });
      assert.equal(counted.total_count, 2);
      assert.equal(counted.data.length, 1);
      const plain = await raw(s.url, 'GET', `/v1/customers/search?query=${encodeURIComponent('name:"Bob"')}`, { key: a.sk });
      assert.deepEqual(Object.keys(plain.body), ['object', 'data', 'has_more', 'next_page', 'url'], 'no total_count unless expanded');
    });

    it('refuses a bad query, an unknown field, a bad page and a missing query with Stripe errors, never a 500', async () => {
      await assert.rejects(a.stripe.customers.search({ query: 'email:jenny' }), isInvalidQuery(/must be quoted/));
      await assert.rejects(a.stripe.customers.search({ query: 'nickname:"x"' }), isInvalidQuery(/`nickname` is not a supported search field/));
      await assert.rejects(a.stripe.customers.search({ query: 'name~"ab"' }), isInvalidQuery(/at least 3 characters/));
      await assert.rejects(a.stripe.customers.search({ query: 'name:"a" OR name:"b" AND name:"c"' }), isInvalidQuery(/AND and OR/));
      await assert.rejects(
        a.stripe.customers.search({ query: 'name:"a"', page: 'not-a-page' }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'page',
      );
      const paged = await a.stripe.customers.search({ query: 'email~"example"', limit: 1 });
      assert.equal(typeof paged.next_page, 'string');
      await assert.rejects(
        a.stripe.customers.search({ query: 'email~"rocket"', limit: 1, page: paged.next_page! }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.type === 'StripeInvalidRequestError' && e.param === 'page' && /another query/.test(e.message),
        'a page belongs to the query that returned it',
      );
      const missing = await raw(s.url, 'GET', '/v1/customers/search', { key: a.sk });
      assert.deepEqual([missing.status, missing.body.error.code, missing.body.error.param], [400, 'parameter_missing', 'query']);
      const unknown = await raw(s.url, 'GET', '/v1/customers/search?query=name%3A%22a%22&starting_after=cus_x', { key: a.sk });
      assert.deepEqual([unknown.status, unknown.body.error.code], [400, 'parameter_unknown']);
      const pk = await raw(s.url, 'GET', '/v1/customers/search?query=name%3A%22a%22', { key: a.pk });
      assert.ok(pk.status === 401 || pk.status === 403, `publishable keys may not search (${pk.status})`);
    });

    it('sees only its own account, and never deleted customers', async () => {
      const other = await s.newAccount();
      assert.equal((await other.stripe.customers.search({ query: 'email~"example"' })).data.length, 0);
      const gone = await a.stripe.customers.create({ email: 'gone@example.com' });
      assert.equal((await a.stripe.customers.search({ query: 'email:"gone@example.com"' })).data.length, 1);
      await a.stripe.customers.del(gone.id);
      assert.equal((await a.stripe.customers.search({ query: 'email:"gone@example.com"' })).data.length, 0);
    });

    it('finds PaymentIntents and charges by status, amount, currency, customer and metadata', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pm = await savedMethod(a.stripe, owner);
      const paid = await chargeOffSession(a.stripe, owner, pm, { amount: 4200, metadata: { order_id: 'A-1' } });
      const held = await chargeOffSession(a.stripe, owner, pm, { amount: 900, capture_method: 'manual' });
      const customer = (owner as { customer: string }).customer;

      const pis = await a.stripe.paymentIntents.search({ query: `customer:"${customer}" AND status:"succeeded" AND amount>1000` });
      assert.deepEqual(
        pis.data.map((p) => p.id),
        [paid.id],
      );
      assert.equal(pis.url, '/v1/payment_intents/search');
      assert.deepEqual((await a.stripe.paymentIntents.search({ query: 'metadata["order_id"]:"A-1"' })).data.map((p) => p.id), [paid.id]);
      assert.deepEqual((await a.stripe.paymentIntents.search({ query: `status:"requires_capture" customer:"${customer}"` })).data.map((p) => p.id), [held.id]);
      assert.equal((await a.stripe.paymentIntents.search({ query: '-currency:"usd"' })).data.length, 0);
      const expanded = await a.stripe.paymentIntents.search({ query: `amount:4200 customer:"${customer}"`, expand: ['data.customer'] });
      assert.equal((expanded.data[0].customer as Stripe.Customer).id, customer);

      const charges = await a.stripe.charges.search({ query: `customer:"${customer}" AND amount:4200 AND refunded:"false"` });
      assert.deepEqual(
        charges.data.map((c) => c.id),
        [paid.latest_charge],
      );
      await a.stripe.refunds.create({ payment_intent: paid.id });
      assert.deepEqual(
        (await a.stripe.charges.search({ query: `customer:"${customer}" refunded:"true"` })).data.map((c) => c.id),
        [paid.latest_charge],
      );
      await assert.rejects(a.stripe.charges.search({ query: 'amount>"big"' }), isInvalidQuery(/needs a number/));
    });
  });
}

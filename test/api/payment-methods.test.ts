import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';

type StripeErr = Stripe.errors.StripeError;
const fails = (status: number, check: (e: StripeErr) => boolean = () => true) => (e: StripeErr) => e.statusCode === status && check(e);

async function v2Customer(s: TestServer, sk: string): Promise<string> {
  const res = await raw(s.url, 'POST', '/v2/core/accounts', {
    key: sk,
    json: { contact_email: 'jenny.rosen@example.com', display_name: 'Jenny Rosen', configuration: { customer: {} }, include: ['configuration.customer'] },
    headers: { 'stripe-version': '2026-05-27.preview' },
  });
  assert.equal(res.status, 200, res.text);
  return res.body.id;
}

async function events(a: TestAccount, type: string): Promise<Stripe.Event[]> {
  return (await a.stripe.events.list({ type, limit: 100 })).data;
}

for (const engine of engines()) {
  describe(`payment methods [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
    });
    after(async () => s.close());

    it('creates an amazon_pay PaymentMethod with every field Stripe renders', async () => {
      const res = await raw(s.url, 'POST', '/v1/payment_methods', { key: a.sk, basic: true, form: 'type=amazon_pay&billing_details[name]=Jenny%20Rosen&metadata[order]=42' });
      assert.equal(res.status, 200, res.text);
      const pm = res.body;
      assert.match(pm.id, /^pm_[A-Za-z0-9]{24}$/);
      assert.deepEqual(Object.keys(pm).sort(), ['allow_redisplay', 'amazon_pay', 'billing_details', 'created', 'customer', 'customer_account', 'id', 'livemode', 'metadata', 'object', 'type']);
      assert.equal(pm.object, 'payment_method');
      assert.equal(pm.type, 'amazon_pay');
      assert.deepEqual(pm.amazon_pay, {});
      assert.equal(pm.allow_redisplay, 'unspecified');
      assert.equal(pm.customer, null);
      assert.equal(pm.customer_account, null);
      assert.deepEqual(pm.billing_details, {
        address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
        email: null,
        name: 'Jenny Rosen',
        phone: null,
        tax_id: null,
      });
      assert.deepEqual(pm.metadata, { order: '42' });
      const got = await a.stripe.paymentMethods.retrieve(pm.id);
      assert.equal(got.billing_details.name, 'Jenny Rosen');
    });

    it('refuses other types, unknown parameters and Connect cloning', async () => {
      await assert.rejects(a.stripe.paymentMethods.create({ type: 'card' }), fails(400, (e) => e.param === 'type'));
      const unknown = await raw(s.url, 'POST', '/v1/payment_methods', { key: a.sk, form: 'type=amazon_pay&amazon_pay[foo]=1' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, 'parameter_unknown');
      assert.equal(unknown.body.error.param, 'amazon_pay[foo]');
      const missing = await raw(s.url, 'POST', '/v1/payment_methods', { key: a.sk, form: 'billing_details[name]=x' });
      assert.equal(missing.body.error.code, 'parameter_missing');
      assert.equal(missing.body.error.param, 'type');
      const c = await a.stripe.customers.create({});
      await assert.rejects(
        a.stripe.paymentMethods.create({ type: 'amazon_pay', customer: c.id }),
        fails(400, (e) => e.param === 'customer' && e.message === 'You cannot attach a PaymentMethod to a Customer during PaymentMethod creation. Please instead create the PaymentMethod and then attach it using the attachment method of the PaymentMethods API.'),
      );
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      await assert.rejects(a.stripe.paymentMethods.create({ type: 'amazon_pay', customer: c.id, payment_method: pm.id } as Stripe.PaymentMethodCreateParams), fails(400, (e) => /Connect feature/.test(e.message)));
    });

    it('lets a publishable key create (not attach, read or list) PaymentMethods', async () => {
      const res = await raw(s.url, 'POST', '/v1/payment_methods', { form: `key=${a.pk}&type=amazon_pay&guid=g&muid=m&sid=s&payment_user_agent=stripe.js&time_on_page=12` });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.customer, null);
      const withCustomer = await raw(s.url, 'POST', '/v1/payment_methods', { key: a.pk, form: 'type=amazon_pay&customer=cus_x' });
      assert.equal(withCustomer.status, 400);
      assert.equal(withCustomer.body.error.code, 'parameter_unknown');
      for (const [method, path] of [['GET', `/v1/payment_methods/${res.body.id}`], ['GET', '/v1/payment_methods'], ['POST', `/v1/payment_methods/${res.body.id}/attach`], ['POST', `/v1/payment_methods/${res.body.id}/detach`]] as const) {
        const r = await raw(s.url, method, path, { key: a.pk });
        assert.equal(r.status, 403, `${method} ${path}`);
        assert.equal(r.body.error.type, 'invalid_request_error');
      }
    });

    it('answers resource_missing for unknown ids and for other accounts', async () => {
      // `payment_method`: the path parameter of /v1/payment_methods/{payment_method} (recorded at dahlia).
      await assert.rejects(a.stripe.paymentMethods.retrieve('pm_nope'), fails(404, (e) => e.code === 'resource_missing' && e.param === 'payment_method' && e.message === "No such PaymentMethod: 'pm_nope'"));
      await assert.rejects(a.stripe.paymentMethods.update('pm_nope', { metadata: { a: 'b' } }), fails(404, (e) => e.param === 'payment_method'));
      await assert.rejects(a.stripe.paymentMethods.detach('pm_nope'), fails(404, (e) => e.param === 'payment_method'));
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      const other = await s.newAccount();
      await assert.rejects(other.stripe.paymentMethods.retrieve(pm.id), fails(404));
      await assert.rejects(other.stripe.paymentMethods.attach(pm.id, { customer: (await other.stripe.customers.create({})).id }), fails(404));
    });

    it('attaches to a customer (payment_method.attached), idempotently, never to a second customer', async () => {
      const c1 = await a.stripe.customers.create({ name: 'One' });
      const c2 = await a.stripe.customers.create({ name: 'Two' });
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      const attached = await a.stripe.paymentMethods.attach(pm.id, { customer: c1.id });
      assert.equal(attached.customer, c1.id);
      assert.equal(attached.customer_account, null);
      const evts = (await events(a, 'payment_method.attached')).filter((e) => (e.data.object as Stripe.PaymentMethod).id === pm.id);
      assert.equal(evts.length, 1);
      assert.equal((evts[0].data.object as Stripe.PaymentMethod).customer, c1.id);
      const again = await a.stripe.paymentMethods.attach(pm.id, { customer: c1.id });
      assert.equal(again.customer, c1.id);
      assert.equal((await events(a, 'payment_method.attached')).filter((e) => (e.data.object as Stripe.PaymentMethod).id === pm.id).length, 1);
      await assert.rejects(a.stripe.paymentMethods.attach(pm.id, { customer: c2.id }), fails(400, (e) => /already been attached/.test(e.message)));
      await assert.rejects(a.stripe.paymentMethods.attach(pm.id, {}), fails(400, (e) => e.code === 'parameter_missing' && e.param === undefined && e.message === 'Must provide customer or customer_account.'));
      await assert.rejects(a.stripe.paymentMethods.attach(pm.id, { customer: 'cus_missing' }), fails(400, (e) => e.code === 'resource_missing' && e.param === 'customer'));
      const expanded = await a.stripe.paymentMethods.retrieve(pm.id, { expand: ['customer'] });
      assert.equal((expanded.customer as Stripe.Customer).name, 'One');
    });

    it('attaches to a customer-configured v2 account (customer_account)', async () => {
      const acct = await v2Customer(s, a.sk);
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      const res = await raw(s.url, 'POST', `/v1/payment_methods/${pm.id}/attach`, { key: a.sk, form: `customer_account=${acct}` });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.customer, null);
      assert.equal(res.body.customer_account, acct);
      const list = await raw(s.url, 'GET', '/v1/payment_methods', { key: a.sk, form: `customer_account=${acct}` });
      assert.deepEqual(list.body.data.map((p: Stripe.PaymentMethod) => p.id), [pm.id]);
      const both = await raw(s.url, 'POST', `/v1/payment_methods/${pm.id}/attach`, { key: a.sk, form: `customer_account=${acct}&customer=cus_x` });
      assert.equal(both.body.error.code, 'parameters_exclusive');
      const notCustomer = await raw(s.url, 'POST', `/v1/payment_methods/${(await a.stripe.paymentMethods.create({ type: 'amazon_pay' })).id}/attach`, { key: a.sk, form: 'customer_account=acct_nope' });
      assert.equal(notCustomer.status, 400);
      assert.equal(notCustomer.body.error.param, 'customer_account');
    });

    it('updates only attached methods, with payment_method.updated and previous_attributes', async () => {
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay', metadata: { a: '1' } });
      await assert.rejects(a.stripe.paymentMethods.update(pm.id, { metadata: { b: '2' } }), fails(400, (e) => e.message === 'You must save this PaymentMethod to a customer before you can update it.'));
      const c = await a.stripe.customers.create({});
      await a.stripe.paymentMethods.attach(pm.id, { customer: c.id });
      const u = await a.stripe.paymentMethods.update(pm.id, { metadata: { b: '2' }, billing_details: { email: 'jenny@example.com', address: { city: 'Seattle' } }, allow_redisplay: 'always' });
      assert.deepEqual(u.metadata, { a: '1', b: '2' });
      assert.equal(u.billing_details.email, 'jenny@example.com');
      assert.equal(u.billing_details.address?.city, 'Seattle');
      assert.equal(u.billing_details.address?.line1, null);
      assert.equal(u.allow_redisplay, 'always');
      const evt = (await events(a, 'payment_method.updated')).find((e) => (e.data.object as Stripe.PaymentMethod).id === pm.id)!;
      assert.deepEqual((evt.data.previous_attributes as Record<string, unknown>).metadata, { b: null }, 'of a hash, only the keys that changed');
      assert.equal((evt.data.previous_attributes as Record<string, unknown>).allow_redisplay, 'unspecified');
      assert.deepEqual((evt.data.previous_attributes as Record<string, unknown>).billing_details, { address: { city: null }, email: null }, 'nested hashes too');
    });

    it("lists a customer's methods (both routes), by type and allow_redisplay, with cursors", async () => {
      const b = await s.newAccount();
      const c = await b.stripe.customers.create({});
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const pm = await b.stripe.paymentMethods.create({ type: 'amazon_pay', allow_redisplay: i % 2 ? 'always' : 'limited' });
        await b.stripe.paymentMethods.attach(pm.id, { customer: c.id });
        ids.push(pm.id);
      }
      const loose = await b.stripe.paymentMethods.create({ type: 'amazon_pay' });
      const viaCustomer = await b.stripe.customers.listPaymentMethods(c.id, { limit: 2 });
      assert.deepEqual(viaCustomer.data.map((p) => p.id), [ids[4], ids[3]]);
      assert.equal(viaCustomer.has_more, true);
      assert.equal(viaCustomer.url, `/v1/customers/${c.id}/payment_methods`);
      const all: string[] = [];
      for await (const pm of b.stripe.customers.listPaymentMethods(c.id, { limit: 2 })) all.push(pm.id);
      assert.deepEqual(all, [...ids].reverse());
      const always = await b.stripe.paymentMethods.list({ customer: c.id, allow_redisplay: 'always', limit: 1 });
      assert.deepEqual(always.data.map((p) => p.id), [ids[3]]);
      assert.equal(always.has_more, true);
      const alwaysNext = await b.stripe.paymentMethods.list({ customer: c.id, allow_redisplay: 'always', starting_after: ids[3] });
      assert.deepEqual(alwaysNext.data.map((p) => p.id), [ids[1]]);
      assert.equal(alwaysNext.has_more, false);
      const before_ = await b.stripe.paymentMethods.list({ customer: c.id, ending_before: ids[1], limit: 2 });
      assert.deepEqual(before_.data.map((p) => p.id), [ids[3], ids[2]]);
      assert.equal((await b.stripe.paymentMethods.list({ customer: c.id, type: 'card' })).data.length, 0);
      assert.equal((await b.stripe.paymentMethods.list({ customer: c.id, type: 'amazon_pay' })).data.length, 5);
      assert.ok(!(await b.stripe.paymentMethods.list({ customer: c.id })).data.some((p) => p.id === loose.id));
      const one = await b.stripe.customers.retrievePaymentMethod(c.id, ids[0]);
      assert.equal(one.id, ids[0]);
      // Another customer's (or nobody's) method, and an unknown one, as recorded at dahlia.
      await assert.rejects(b.stripe.customers.retrievePaymentMethod(c.id, loose.id), fails(404, (e) => e.code === undefined && e.param === 'customer' && e.message === 'Invalid request'));
      await assert.rejects(b.stripe.customers.retrievePaymentMethod(c.id, 'pm_nope'), fails(404, (e) => e.code === 'resource_missing' && e.param === 'payment_method'));
      await assert.rejects(b.stripe.customers.listPaymentMethods('cus_missing'), fails(404, (e) => e.code === 'resource_missing' && e.param === 'id'));
      // Without a customer, Stripe lists Treasury's methods: none here, attached or not.
      const ownerless = await b.stripe.paymentMethods.list({ limit: 100 });
      assert.deepEqual([ownerless.data, ownerless.has_more, ownerless.url], [[], false, '/v1/payment_methods']);
      // Its cursors are still looked up (a known one gives the same empty page).
      assert.deepEqual((await b.stripe.paymentMethods.list({ starting_after: loose.id })).data, []);
      await assert.rejects(b.stripe.paymentMethods.list({ starting_after: 'pm_nope' }), fails(400, (e) => e.code === 'resource_missing' && e.param === 'starting_after'));
      await assert.rejects(b.stripe.paymentMethods.list({ ending_before: 'pm_nope' }), fails(400, (e) => e.code === 'resource_missing' && e.param === 'ending_before'));
    });

    it('detaches for good: payment_method.detached, not listed, never attachable again', async () => {
      const c = await a.stripe.customers.create({});
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      await assert.rejects(a.stripe.paymentMethods.detach(pm.id), fails(400, (e) => e.message === 'The payment method you provided is not attached to a customer so detachment is impossible.'));
      await a.stripe.paymentMethods.attach(pm.id, { customer: c.id });
      const d = await a.stripe.paymentMethods.detach(pm.id);
      assert.equal(d.customer, null);
      assert.equal(d.customer_account, null);
      const evt = (await events(a, 'payment_method.detached')).find((e) => (e.data.object as Stripe.PaymentMethod).id === pm.id)!;
      assert.equal((evt.data.previous_attributes as Record<string, unknown>).customer, c.id);
      assert.equal((await a.stripe.customers.listPaymentMethods(c.id)).data.length, 0);
      await assert.rejects(a.stripe.paymentMethods.attach(pm.id, { customer: c.id }), fails(400, (e) => /may not be used again/.test(e.message)));
      await assert.rejects(a.stripe.paymentMethods.detach(pm.id), fails(400));
      assert.equal((await a.stripe.paymentMethods.retrieve(pm.id)).customer, null);
    });

    it('attaches on customer create and validates invoice_settings.default_payment_method against real methods', async () => {
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      const c = await a.stripe.customers.create({ payment_method: pm.id, invoice_settings: { default_payment_method: pm.id } });
      assert.equal(c.invoice_settings.default_payment_method, pm.id);
      assert.equal((await a.stripe.paymentMethods.retrieve(pm.id)).customer, c.id);
      await assert.rejects(a.stripe.customers.create({ payment_method: 'pm_missing' }), fails(400, (e) => e.code === 'resource_missing' && e.param === 'payment_method'));
      const other = await a.stripe.customers.create({});
      await assert.rejects(a.stripe.customers.update(other.id, { invoice_settings: { default_payment_method: pm.id } }), fails(400, (e) => e.param === 'invoice_settings[default_payment_method]'));
      // Detaching the default unsets it, with customer.updated.
      await a.stripe.paymentMethods.detach(pm.id);
      const after_ = (await a.stripe.customers.retrieve(c.id)) as Stripe.Customer;
      assert.equal(after_.invoice_settings.default_payment_method, null);
      const upd = (await events(a, 'customer.updated')).find((e) => (e.data.object as Stripe.Customer).id === c.id)!;
      assert.equal((upd.data.previous_attributes as { invoice_settings: { default_payment_method: string } }).invoice_settings.default_payment_method, pm.id);
    });
  });
}

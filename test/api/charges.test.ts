import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { chargeOffSession, eventTypes, newOwner, savedMethod, type Owner } from './payment-intents.fixtures.js';

// Every non-optional field of Stripe.Charge (node SDK 23.1.0).
const CHARGE_FIELDS = [
  'id', 'object', 'amount', 'amount_captured', 'amount_refunded', 'application', 'application_fee', 'application_fee_amount', 'balance_transaction',
  'billing_details', 'calculated_statement_descriptor', 'captured', 'created', 'currency', 'customer', 'description', 'disputed',
  'failure_balance_transaction', 'failure_code', 'failure_message', 'fraud_details', 'livemode', 'metadata', 'on_behalf_of', 'outcome', 'paid',
  'payment_intent', 'payment_method', 'payment_method_details', 'receipt_email', 'receipt_number', 'receipt_url', 'refunded', 'review', 'shipping',
  'source', 'source_transfer', 'statement_descriptor', 'statement_descriptor_suffix', 'status', 'transfer_data', 'transfer_group',
];

for (const engine of engines()) {
  describe(`charges [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    let owner: Owner;
    let pm: string;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount({ name: 'Rocket Rides' });
      owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      pm = await savedMethod(a.stripe, owner);
    });
    after(async () => s.close());

    it('retrieves a Charge with every field Stripe renders, refunds only when expanded', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm, { description: 'Ride 42', metadata: { ride: '42' }, receipt_email: 'jenny@example.com' });
      const res = await raw(s.url, 'GET', `/v1/charges/${pi.latest_charge}`, { key: a.sk });
      assert.equal(res.status, 200);
      const c = res.body;
      for (const f of CHARGE_FIELDS) assert.ok(f in c, `missing ${f}`);
      assert.equal('refunds' in c, false);
      assert.deepEqual([c.description, c.metadata, c.receipt_email, c.customer], ['Ride 42', { ride: '42' }, 'jenny@example.com', (owner as { customer: string }).customer]);
      // Without a statement_descriptor on the intent, the account's name appears on statements.
      assert.equal(c.calculated_statement_descriptor, 'ROCKET RIDES');
      assert.equal(c.statement_descriptor, null);
      assert.deepEqual(c.fraud_details, {});
      assert.deepEqual(Object.keys(c.payment_method_details).sort(), ['amazon_pay', 'type']);
      const expanded = await a.stripe.charges.retrieve(c.id, { expand: ['refunds', 'payment_intent'] });
      assert.deepEqual(expanded.refunds, { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${c.id}/refunds` });
      assert.equal((expanded.payment_intent as Stripe.PaymentIntent).id, pi.id);
      await assert.rejects(a.stripe.charges.retrieve('ch_nope'), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing' && e.message === "No such charge: 'ch_nope'");
      const other = await s.newAccount();
      await assert.rejects(other.stripe.charges.retrieve(c.id), (e: Stripe.errors.StripeError) => e.statusCode === 404);
    });

    it('gives each paid or authorized charge a receipt_url whose page shows the charge as it is now; a declined one has none', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm, { amount: 2500, description: 'Ride <b>42</b> & "tip"' });
      const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
      assert.match(charge.receipt_url ?? '', new RegExp(`^${s.url}/receipts/payment/${charge.id}/[A-Za-z0-9]{40}$`));
      const page = async (url: string) => {
        const res = await fetch(url);
        return { status: res.status, headers: res.headers, text: await res.text() };
      };
      const paid = await page(charge.receipt_url!);
      assert.equal(paid.status, 200);
      assert.equal(paid.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(paid.headers.get('x-frame-options'), 'DENY');
      assert.match(paid.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(paid.text, /<h1>Receipt from Rocket Rides<\/h1>/);
      assert.match(paid.text, /<dt>Amount paid<\/dt><dd>\$25\.00<\/dd>/);
      assert.match(paid.text, /<dt>Payment method<\/dt><dd>Amazon Pay<\/dd>/);
      assert.match(paid.text, /<dt>Status<\/dt><dd>Paid<\/dd>/);
      assert.ok(paid.text.includes('Ride &#60;b&#62;42&#60;/b&#62; &#38; &#34;tip&#34;'), 'the description is escaped');
      assert.ok(!paid.text.includes('<b>42'), 'no markup from data');
      assert.ok(!paid.text.includes('Amount refunded'));

      await a.stripe.refunds.create({ charge: charge.id, amount: 700 });
      const refunded = await page(charge.receipt_url!);
      assert.match(refunded.text, /<dt>Status<\/dt><dd>Partially refunded<\/dd>/, 'the receipt follows the charge');
      assert.match(refunded.text, /<dt>Amount refunded<\/dt><dd>\$7\.00<\/dd>/);
      await a.stripe.refunds.create({ charge: charge.id });
      assert.match((await page(charge.receipt_url!)).text, /<dt>Status<\/dt><dd>Refunded<\/dd>/);

      const token = charge.receipt_url!.slice(charge.receipt_url!.lastIndexOf('/') + 1);
      const wrongToken = await page(`${s.url}/receipts/payment/${charge.id}/${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`);
      assert.equal(wrongToken.status, 404);
      assert.ok(!wrongToken.text.includes('Rocket Rides'));
      const otherCharge = await chargeOffSession(a.stripe, owner, pm);
      assert.equal((await page(`${s.url}/receipts/payment/${otherCharge.latest_charge}/${token}`)).status, 404, 'a token opens its own charge only');
      assert.equal((await page(`${s.url}/receipts/payment/ch_nope/${token}`)).status, 404);

      const held = await chargeOffSession(a.stripe, owner, pm, { amount: 1500, capture_method: 'manual' });
      const heldCharge = await a.stripe.charges.retrieve(held.latest_charge as string);
      const heldPage = await page(heldCharge.receipt_url!);
      assert.match(heldPage.text, /<dt>Amount authorized<\/dt><dd>\$15\.00<\/dd>/);
      assert.match(heldPage.text, /<dt>Status<\/dt><dd>Authorized, not yet charged<\/dd>/);
      await a.stripe.paymentIntents.cancel(held.id);
      assert.match((await page(heldCharge.receipt_url!)).text, /<dt>Status<\/dt><dd>Canceled: the authorization was released<\/dd>/);

      const o2 = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const declining = await savedMethod(a.stripe, o2, 'authorize_decline_later');
      const declined = await chargeOffSession(a.stripe, o2, declining).catch((e: Stripe.errors.StripeError) => e.raw as { payment_intent: Stripe.PaymentIntent });
      const failedCharge = await a.stripe.charges.retrieve(('payment_intent' in declined ? declined.payment_intent : declined).latest_charge as string);
      assert.equal(failedCharge.status, 'failed');
      assert.equal(failedCharge.receipt_url, null);
    });

    it('lists by customer and payment_intent, newest first', async () => {
      const o2 = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pm2 = await savedMethod(a.stripe, o2);
      const first = await a.stripe.charges.list({ customer: (o2 as { customer: string }).customer });
      assert.equal(first.data.length, 1, 'the save-during-payment charge');
      const p1 = await chargeOffSession(a.stripe, o2, pm2, { amount: 1100 });
      const p2 = await chargeOffSession(a.stripe, o2, pm2, { amount: 1200 });
      const byCustomer = await a.stripe.charges.list({ customer: (o2 as { customer: string }).customer });
      assert.deepEqual(byCustomer.data.map((c) => c.amount), [1200, 1100, 1000]);
      assert.equal(byCustomer.url, '/v1/charges');
      const byIntent = await a.stripe.charges.list({ payment_intent: p1.id });
      assert.deepEqual(byIntent.data.map((c) => c.id), [p1.latest_charge]);
      const both = await a.stripe.charges.list({ customer: (o2 as { customer: string }).customer, payment_intent: p2.id });
      assert.deepEqual(both.data.map((c) => c.id), [p2.latest_charge]);
      const all: string[] = [];
      for await (const c of a.stripe.charges.list({ customer: (o2 as { customer: string }).customer, limit: 1 })) all.push(c.id);
      assert.equal(all.length, 3);
      const acct = await newOwner(s.url, a.sk, a.stripe, 'account');
      const pm3 = await savedMethod(a.stripe, acct);
      const pi3 = await chargeOffSession(a.stripe, acct, pm3);
      assert.equal((await a.stripe.charges.retrieve(pi3.latest_charge as string)).customer, null);
    });

    it('records balance transactions: the captured amount in, refunds out (expand latest_charge.balance_transaction)', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm, { amount: 2500, description: 'Ride 9' });
      const got = await a.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction'] });
      const bt = (got.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction;
      assert.equal(bt.object, 'balance_transaction');
      assert.deepEqual([bt.amount, bt.fee, bt.net, bt.currency, bt.type, bt.reporting_category, bt.status, bt.source], [2500, 0, 2500, 'usd', 'charge', 'charge', 'pending', pi.latest_charge]);
      assert.deepEqual(bt.fee_details, []);
      assert.ok(bt.available_on > bt.created);
      const refund = await a.stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
      const out = await a.stripe.balanceTransactions.retrieve(refund.balance_transaction as string);
      assert.deepEqual([out.amount, out.net, out.type, out.source], [-500, -500, 'refund', refund.id]);
      const listed = await a.stripe.balanceTransactions.list({ source: pi.latest_charge as string });
      assert.deepEqual(listed.data.map((b) => b.id), [bt.id]);
      assert.ok((await a.stripe.balanceTransactions.list({ type: 'refund', limit: 100 })).data.some((b) => b.id === out.id));
      s.clock.advance(3 * 24 * 3600 * 1000);
      assert.equal((await a.stripe.balanceTransactions.retrieve(bt.id)).status, 'available');
      await assert.rejects(a.stripe.balanceTransactions.retrieve('txn_nope'), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing');
    });

    it('updates description and metadata with charge.updated', async () => {
      const pi = await chargeOffSession(a.stripe, owner, pm);
      const ch = pi.latest_charge as string;
      const u = await a.stripe.charges.update(ch, { description: 'Airport ride', metadata: { driver: 'ana' } });
      assert.deepEqual([u.description, u.metadata], ['Airport ride', { driver: 'ana' }]);
      const cleared = await a.stripe.charges.update(ch, { description: '', metadata: { driver: '' } });
      assert.deepEqual([cleared.description, cleared.metadata], [null, {}]);
      const events = (await a.stripe.events.list({ type: 'charge.updated', limit: 2 })).data;
      assert.deepEqual(events.map((e) => e.data.previous_attributes), [{ description: 'Airport ride', metadata: { driver: 'ana' } }, { description: null, metadata: { driver: null } }]);
      assert.deepEqual((await eventTypes(a.stripe, [ch])).slice(-2), ['charge.updated', 'charge.updated']);
      const unknown = await raw(s.url, 'POST', `/v1/charges/${ch}`, { key: a.sk, form: 'amount=5' });
      assert.deepEqual([unknown.status, unknown.body.error.code], [400, 'parameter_unknown']);
      const pk = await raw(s.url, 'GET', `/v1/charges/${ch}?key=${a.pk}`);
      assert.equal(pk.status, 403);
    });

    it("answers the legacy charge writes as Stripe does an account on PaymentIntents (recorded wordings)", async () => {
      const charge = (status: number, check: (e: Stripe.errors.StripeError) => boolean) => (e: Stripe.errors.StripeError) => e.statusCode === status && check(e);
      const withMethod = (owner as { customer: string }).customer;
      const without = await a.stripe.customers.create({});
      // Creating a charge: with a card token, for a customer (with or without a PaymentMethod), or neither.
      await assert.rejects(a.stripe.charges.create({ amount: 500, currency: 'usd', source: 'tok_visa' }), charge(400, (e) => e.type === 'StripeInvalidRequestError' && e.code === undefined && e.message.startsWith('Card Token usage on the Customers API and Charges API has reached end of life.')));
      await assert.rejects(
        a.stripe.charges.create({ amount: 500, currency: 'usd', customer: withMethod }),
        charge(402, (e) => e.type === 'StripeCardError' && e.code === 'missing' && e.param === 'card' && e.message === "This Customer doesn't have any legacy saved payment details, but does have a Payment Method attached. Use a Payment Intent instead of creating a Charge: https://stripe.com/docs/payments/payment-intents/migration"),
      );
      await assert.rejects(
        a.stripe.charges.create({ amount: 500, currency: 'usd', customer: without.id }),
        charge(402, (e) => e.code === 'missing' && e.message.startsWith("This Customer doesn't have any saved payment details.")),
      );
      await assert.rejects(a.stripe.charges.create({ amount: 500, currency: 'usd', customer: 'cus_nope' }), charge(400, (e) => e.code === 'resource_missing' && e.param === 'customer'));
      await assert.rejects(a.stripe.charges.create({ amount: 500, currency: 'usd' }), charge(400, (e) => e.code === 'parameter_missing' && e.param === undefined && e.message === 'Must provide source or customer.'));
      await assert.rejects(a.stripe.charges.create({ currency: 'usd' } as Stripe.ChargeCreateParams), charge(400, (e) => e.code === 'parameter_missing' && e.param === 'amount'));
      await assert.rejects(a.stripe.charges.create({ amount: 500, currency: 'usd', nope: 1 } as Stripe.ChargeCreateParams), charge(400, (e) => e.code === 'parameter_unknown'));
      // Capturing one: through its PaymentIntent.
      const held = await chargeOffSession(a.stripe, owner, pm, { amount: 700, capture_method: 'manual' });
      await assert.rejects(
        a.stripe.charges.capture(held.latest_charge as string),
        charge(400, (e) => e.code === undefined && e.message === `This uncaptured Charge was created by a PaymentIntent (${held.id}). You must capture the PaymentIntent instead. For more information, see https://stripe.com/docs/payments/place-a-hold-on-a-payment-method`),
      );
      assert.equal((await a.stripe.paymentIntents.capture(held.id)).status, 'succeeded');
      await assert.rejects(a.stripe.charges.capture(held.latest_charge as string, { amount: 100 }), charge(400, (e) => e.code === 'charge_already_captured' && e.message === `Charge ${held.latest_charge as string} has already been captured.`));
      await assert.rejects(a.stripe.charges.capture('ch_nope'), charge(404, (e) => e.code === 'resource_missing' && e.param === 'id'));
      // Nothing was written by any of them.
      assert.equal((await a.stripe.charges.list({ customer: without.id })).data.length, 0);
    });
  });
}

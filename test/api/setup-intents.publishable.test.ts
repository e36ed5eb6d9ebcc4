import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';

const RETURN_URL = 'https://example.com/setup/complete';
// The fields Stripe's SetupIntent reference marks "retrievable with publishable key".
const PK_KEYS = ['cancellation_reason', 'client_secret', 'created', 'description', 'id', 'last_setup_error', 'livemode', 'next_action', 'object', 'payment_method', 'payment_method_types', 'status', 'usage'];
const enc = encodeURIComponent;

/** What Stripe.js sends on confirmAmazonPaySetup, telemetry included (client.md §3). */
function browserConfirmForm(pk: string, clientSecret: string, extra = ''): string {
  return [
    `key=${pk}`,
    `client_secret=${enc(clientSecret)}`,
    `return_url=${enc(RETURN_URL)}`,
    'payment_method_data[type]=amazon_pay',
    'payment_method_data[payment_user_agent]=stripe.js%2Fabc',
    'payment_method_data[time_on_page]=1234',
    'payment_method_data[guid]=g&payment_method_data[muid]=m&payment_method_data[sid]=s',
    'mandate_data[customer_acceptance][type]=online',
    'mandate_data[customer_acceptance][online][infer_from_client]=true',
    'expand[0]=payment_method',
    'use_stripe_sdk=true&guid=g&muid=m&sid=s&referrer=https%3A%2F%2Fshop.example&expected_payment_method_type=amazon_pay',
    'client_attribution_metadata[client_session_id]=abc',
    '_stripe_version=2026-08-26.dahlia',
  ].join('&') + extra;
}

for (const engine of engines()) {
  describe(`setup intents with a publishable key [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    let customer: Stripe.Customer;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
      customer = await a.stripe.customers.create({ name: 'Jenny Rosen' });
    });
    after(async () => s.close());

    const newIntent = () => a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: customer.id, usage: 'off_session', metadata: { secret: 'merchant-only' } });

    it("never shows an expanded PaymentMethod's metadata to a publishable key", async () => {
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay', metadata: { internal: 'merchant-only' } }, customer: customer.id });
      const asSecret = await a.stripe.setupIntents.retrieve(si.id, { expand: ['payment_method'] });
      assert.deepEqual((asSecret.payment_method as Stripe.PaymentMethod).metadata, { internal: 'merchant-only' });
      const res = await raw(s.url, 'GET', `/v1/setup_intents/${si.id}`, { key: a.pk, form: `client_secret=${enc(si.client_secret!)}&expand[0]=payment_method` });
      assert.equal(res.status, 200);
      assert.equal(res.body.payment_method.object, 'payment_method');
      assert.deepEqual(res.body.payment_method.metadata, {});
    });

    it('retrieves with the client_secret and shows only the client-safe fields', async () => {
      const si = await newIntent();
      const res = await raw(s.url, 'GET', `/v1/setup_intents/${si.id}`, { form: `key=${a.pk}&client_secret=${enc(si.client_secret!)}&is_stripe_sdk=false` });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body).sort(), PK_KEYS);
      assert.equal(res.body.status, 'requires_confirmation');
      assert.ok(!('customer' in res.body) && !('metadata' in res.body) && !('mandate' in res.body) && !('latest_attempt' in res.body));
      const expanded = await raw(s.url, 'GET', `/v1/setup_intents/${si.id}`, { key: a.pk, form: `client_secret=${enc(si.client_secret!)}&expand[0]=payment_method` });
      assert.equal(expanded.body.payment_method.object, 'payment_method');
      const forbidden = await raw(s.url, 'GET', `/v1/setup_intents/${si.id}`, { key: a.pk, form: `client_secret=${enc(si.client_secret!)}&expand[0]=customer` });
      assert.equal(forbidden.status, 400);
      assert.equal(forbidden.body.error.message, 'This property cannot be expanded (customer).');
    });

    it('refuses a missing or wrong client_secret and other accounts', async () => {
      const si = await newIntent();
      const missing = await raw(s.url, 'GET', `/v1/setup_intents/${si.id}`, { key: a.pk });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.code, 'parameter_missing');
      assert.equal(missing.body.error.param, 'client_secret');
      const other = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'] });
      const wrong = await raw(s.url, 'GET', `/v1/setup_intents/${si.id}`, { key: a.pk, form: `client_secret=${enc(other.client_secret!)}` });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.type, 'invalid_request_error');
      assert.equal(wrong.body.error.param, 'client_secret');
      assert.equal(wrong.body.error.message, 'The client_secret provided does not match the client_secret associated with the SetupIntent.');
      const wrongConfirm = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { form: browserConfirmForm(a.pk, other.client_secret!) });
      assert.equal(wrongConfirm.status, 400);
      assert.equal(wrongConfirm.body.error.param, 'client_secret');
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).status, 'requires_confirmation');
      const stranger = await s.newAccount();
      const foreign = await raw(s.url, 'GET', `/v1/setup_intents/${si.id}`, { key: stranger.pk, form: `client_secret=${enc(si.client_secret!)}` });
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.error.code, 'resource_missing');
    });

    it("confirms like Stripe.js: telemetry ignored, mandate inferred from the browser's request", async () => {
      const si = await newIntent();
      const res = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { form: browserConfirmForm(a.pk, si.client_secret!), headers: { 'user-agent': 'Mozilla/5.0 (onfile test)' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body).sort(), PK_KEYS);
      assert.equal(res.body.status, 'requires_action');
      assert.equal(res.body.next_action.type, 'redirect_to_url');
      assert.equal(res.body.payment_method.object, 'payment_method');
      const done = await fetch(res.body.next_action.redirect_to_url.url, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'another agent' }, redirect: 'manual' });
      assert.equal(done.status, 303);
      const final = await a.stripe.setupIntents.retrieve(si.id, { expand: ['mandate'] });
      assert.equal(final.status, 'succeeded');
      const mandate = final.mandate as Stripe.Mandate;
      assert.equal(mandate.customer_acceptance.online?.user_agent, 'Mozilla/5.0 (onfile test)');
      assert.equal(mandate.customer_acceptance.online?.ip_address, '127.0.0.1');
      assert.equal((await a.stripe.paymentMethods.retrieve(final.payment_method as string)).customer, customer.id);
      // Confirming again: the error carries the client-safe intent, as Stripe.js expects.
      const again = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { form: browserConfirmForm(a.pk, si.client_secret!) });
      assert.equal(again.status, 400);
      assert.equal(again.body.error.code, 'setup_intent_unexpected_state');
      assert.equal(again.body.error.setup_intent.id, si.id);
      assert.equal(again.body.error.setup_intent.status, 'succeeded');
      assert.ok(!('customer' in again.body.error.setup_intent) && !('metadata' in again.body.error.setup_intent));
    });

    it('keeps telemetry fields and infer_from_client to publishable keys', async () => {
      const si = await newIntent();
      const sk = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { key: a.sk, form: `return_url=${enc(RETURN_URL)}&guid=g` });
      assert.equal(sk.status, 400);
      assert.equal(sk.body.error.code, 'parameter_unknown');
      assert.equal(sk.body.error.param, 'guid');
      const unknownPk = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { form: browserConfirmForm(a.pk, si.client_secret!, '&metadata[x]=1') });
      assert.equal(unknownPk.status, 400);
      assert.equal(unknownPk.body.error.param, 'metadata');
    });

    it('refuses every other SetupIntent, attempt and mandate call with the publishable-key error', async () => {
      const si = await newIntent();
      const calls: [string, string, string?][] = [
        ['POST', '/v1/setup_intents', 'allowed_payment_method_types[0]=amazon_pay'],
        ['GET', '/v1/setup_intents'],
        ['POST', `/v1/setup_intents/${si.id}`, `client_secret=${enc(si.client_secret!)}&description=x`],
        ['POST', `/v1/setup_intents/${si.id}/cancel`, `client_secret=${enc(si.client_secret!)}`],
        ['GET', `/v1/setup_attempts`, `setup_intent=${si.id}`],
        ['GET', '/v1/mandates/mandate_x'],
        ['GET', `/v1/customers/${customer.id}/payment_methods`],
      ];
      for (const [method, path, form] of calls) {
        const res = await raw(s.url, method, path, { key: a.pk, form });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.body.error.code, 'secret_key_required');
      }
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).description, null);
    });
  });
}

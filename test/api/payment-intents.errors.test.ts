import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, sdk, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { chargeOffSession, MANDATE, newOwner, RETURN_URL, savedMethod, type Owner } from './payment-intents.fixtures.js';

const bad = (code: string | undefined, param?: string, message?: RegExp) => (e: Stripe.errors.StripeError) =>
  e.statusCode === 400 && e.type === 'StripeInvalidRequestError' && e.code === code && (param === undefined || e.param === param) && (message === undefined || message.test(e.message));

for (const engine of engines()) {
  describe(`payment intents: validation and Stripe's errors [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    let de: TestAccount;
    let owner: Owner;
    const base = { amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'] };
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
      de = await s.newAccount({ country: 'DE' });
      owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
    });
    after(async () => s.close());

    it("enforces Stripe's per-currency minimum and 8-digit maximum (zero-decimal currencies included)", async () => {
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, amount: 49 }), bad('amount_too_small', 'amount', /^Amount must be at least \$0\.50 usd$/));
      assert.equal((await a.stripe.paymentIntents.create({ ...base, amount: 50 })).amount, 50);
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, amount: 100_000_000 }), bad('amount_too_large', 'amount', /^Amount must be no more than \$999,999\.99$/));
      assert.equal((await a.stripe.paymentIntents.create({ ...base, amount: 99_999_999 })).amount, 99_999_999);
      // JPY has no minor unit: 50 means ¥50.
      await assert.rejects(de.stripe.paymentIntents.create({ ...base, currency: 'jpy', amount: 49 }), bad('amount_too_small', 'amount', /^Amount must be at least ¥50 jpy$/));
      assert.equal((await de.stripe.paymentIntents.create({ ...base, currency: 'jpy', amount: 50 })).currency, 'jpy');
      await assert.rejects(de.stripe.paymentIntents.create({ ...base, currency: 'gbp', amount: 29 }), bad('amount_too_small', 'amount', /£0\.30 gbp/));
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, amount: -1 }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'amount');
      // Zero is not "too small" but Stripe's pointer to SetupIntents (recorded).
      await assert.rejects(
        a.stripe.paymentIntents.create({ ...base, amount: 0 }),
        bad('parameter_invalid_integer', 'amount', /^The amount must be greater than or equal to the minimum charge amount allowed for your account and the currency set \(https:\/\/docs\.stripe\.com\/currencies#minimum-and-maximum-charge-amounts\)\. {2}If you want to save a Payment Method for future use without an immediate payment, use a Setup Intent instead: https:\/\/docs\.stripe\.com\/payments\/setup-intents$/),
      );
      await assert.rejects(raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, form: 'amount=abc&currency=usd' }).then((r) => Promise.reject(r.body.error)), (e: { code: string; param: string }) => e.code === 'parameter_invalid_integer' && e.param === 'amount');
      const missing = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, form: 'currency=usd' });
      assert.deepEqual([missing.status, missing.body.error.code, missing.body.error.message], [400, 'parameter_missing', 'Missing required param: amount.']);
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, currency: 'xyz' }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'currency');
    });

    it('offers Amazon Pay in USD only to US accounts and in its twelve currencies to European ones', async () => {
      // Explicit types (older version, as in the seed's curl) are an error; allowed types filter.
      const cad = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, form: 'amount=1000&currency=cad&payment_method_types[]=amazon_pay' });
      assert.equal(cad.status, 400);
      assert.deepEqual([cad.body.error.code, cad.body.error.param], ['payment_intent_invalid_parameter', 'currency']);
      const eurUs = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, form: 'amount=1000&currency=eur&payment_method_types[]=amazon_pay' });
      assert.equal(eurUs.status, 400);
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, currency: 'eur' }), bad(undefined, 'allowed_payment_method_types'));
      for (const currency of ['eur', 'gbp', 'chf', 'sek', 'dkk', 'nok', 'usd']) assert.deepEqual((await de.stripe.paymentIntents.create({ ...base, currency })).payment_method_types, ['amazon_pay']);
      await assert.rejects(de.stripe.paymentIntents.create({ ...base, currency: 'cad' }), bad(undefined, 'allowed_payment_method_types'));
    });

    it('applies the API-version rules for payment_method_types and allowed_payment_method_types', async () => {
      // endive (the SDK's pinned version): payment_method_types is gone.
      await assert.rejects(
        a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method_types: ['amazon_pay'] } as Stripe.PaymentIntentCreateParams),
        bad('payment_method_types_no_longer_supported', 'payment_method_types'),
      );
      // An older version does not know allowed_payment_method_types.
      const old = sdk(s.port, a.sk, { apiVersion: '2026-04-22.dahlia' as Stripe.LatestApiVersion });
      await assert.rejects(old.paymentIntents.create({ ...base }), bad('parameter_unknown', 'allowed_payment_method_types'));
      const oldPi = (await old.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method_types: ['amazon_pay'] } as Stripe.PaymentIntentCreateParams)) as unknown as Record<string, unknown>;
      assert.deepEqual(oldPi.payment_method_types, ['amazon_pay']);
      assert.equal('allowed_payment_method_types' in oldPi, false, 'the field does not exist before 2026-07-29');
      const dynamic = await a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      assert.deepEqual(dynamic.automatic_payment_methods, { allow_redirects: 'always', enabled: true });
      assert.deepEqual(dynamic.payment_method_types, ['amazon_pay']);
      await assert.rejects(a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', automatic_payment_methods: { enabled: true, allow_redirects: 'never' } }), (e: Stripe.errors.StripeError) => e.statusCode === 400);
      await assert.rejects(
        a.stripe.paymentIntents.create({ ...base, automatic_payment_methods: { enabled: true } }),
        bad('parameters_exclusive', 'allowed_payment_method_types'),
      );
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, allowed_payment_method_types: ['card'] }), bad(undefined, 'allowed_payment_method_types'));
      const unsupported = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, form: 'amount=1000&currency=usd&payment_method_types[]=amazon_pay&payment_method_types[]=card' });
      assert.deepEqual([unsupported.status, unsupported.body.error.param], [400, 'payment_method_types[1]']);
    });

    it("checks statement descriptors with Stripe's rules", async () => {
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, statement_descriptor: 'x'.repeat(23) }), bad(undefined, 'statement_descriptor', /^The statement descriptor must be at most 22 characters\./));
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, statement_descriptor: 'abc' }), bad(undefined, 'statement_descriptor', /at least 5/));
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, statement_descriptor: 'Rocket <Rides>' }), bad(undefined, 'statement_descriptor', /special characters/));
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, statement_descriptor: '1234567' }), bad(undefined, 'statement_descriptor', /at least one letter/));
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, statement_descriptor: 'Café 東京' }), bad(undefined, 'statement_descriptor', /Latin/));
      const ok = await a.stripe.paymentIntents.create({ ...base, statement_descriptor: 'Rocket Rides 42', statement_descriptor_suffix: 'RIDE' });
      assert.deepEqual([ok.statement_descriptor, ok.statement_descriptor_suffix], ['Rocket Rides 42', 'RIDE']);
    });

    it('refuses confirm-only parameters without confirm, unknown parameters, and on_session saving for Amazon Pay', async () => {
      for (const [k, v] of [['return_url', RETURN_URL], ['off_session', true], ['mandate_data', MANDATE], ['error_on_requires_action', true]] as const) {
        await assert.rejects(a.stripe.paymentIntents.create({ ...base, [k]: v } as Stripe.PaymentIntentCreateParams), bad(undefined, k));
      }
      const unknown = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, form: 'amount=1000&currency=usd&payment_method_options[amazon_pay][foo]=1' });
      assert.deepEqual([unknown.status, unknown.body.error.code, unknown.body.error.param], [400, 'parameter_unknown', 'payment_method_options[amazon_pay][foo]']);
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, setup_future_usage: 'on_session' }), bad(undefined, 'allowed_payment_method_types'));
      const explicit = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, form: 'amount=1000&currency=usd&payment_method_types[]=amazon_pay&setup_future_usage=on_session' });
      assert.deepEqual([explicit.status, explicit.body.error.param], [400, 'setup_future_usage']);
      await assert.rejects(
        a.stripe.paymentIntents.create({ ...base, payment_method_options: { amazon_pay: { setup_future_usage: 'on_session' } } } as Stripe.PaymentIntentCreateParams),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'payment_method_options[amazon_pay][setup_future_usage]',
      );
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, application_fee_amount: 10 }), bad(undefined, 'application_fee_amount', /Connect/));
      const noUrl = await a.stripe.paymentIntents
        .create({ ...base, payment_method_data: { type: 'amazon_pay' }, confirm: true })
        .catch((e: Stripe.errors.StripeError) => e);
      assert.ok(noUrl instanceof Stripe.errors.StripeInvalidRequestError && noUrl.param === 'return_url' && noUrl.code === 'payment_intent_invalid_parameter');
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, payment_method_data: { type: 'amazon_pay' }, confirm: true, return_url: 'javascript:alert(1)' }), bad('url_invalid', 'return_url'));
      await assert.rejects(
        a.stripe.paymentIntents.create({ ...base, payment_method_data: { type: 'amazon_pay' }, confirm: true, return_url: RETURN_URL, mandate_data: { customer_acceptance: { type: 'online', online: { infer_from_client: true } } } } as unknown as Stripe.PaymentIntentCreateParams),
        bad(undefined, 'mandate_data[customer_acceptance][online][infer_from_client]'),
      );
      await assert.rejects(
        a.stripe.paymentIntents.create({ ...base, payment_method_data: { type: 'amazon_pay' }, confirm: true, return_url: RETURN_URL, mandate_data: { customer_acceptance: { type: 'online' } } } as Stripe.PaymentIntentCreateParams),
        bad('parameter_missing', 'mandate_data[customer_acceptance][online]'),
      );
    });

    it("gets Stripe's errors for detached, another customer's, and customer-less off-session methods", async () => {
      const pm = await savedMethod(a.stripe, owner);
      const other = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const otherId = (other as { customer: string }).customer;
      const ownerId = (owner as { customer: string }).customer;
      await assert.rejects(
        chargeOffSession(a.stripe, other, pm),
        bad(undefined, 'payment_method', new RegExp(`^The PaymentMethod ${pm} does not belong to the Customer you supplied ${otherId}\\. Please use this PaymentMethod with the Customer that it belongs to instead\\.$`)),
      );
      const acct = await newOwner(s.url, a.sk, a.stripe, 'account');
      await assert.rejects(chargeOffSession(a.stripe, acct, pm), bad(undefined, 'payment_method', /does not belong to the Account you supplied acct_/));
      await assert.rejects(
        a.stripe.paymentIntents.create({ ...base, payment_method: pm, confirm: true, off_session: true }),
        bad('parameter_missing', 'source', new RegExp(`^The \`payment_method\` parameter supplied ${pm} belongs to the Customer ${ownerId}\\. Please include the Customer in the \`customer\` parameter on the PaymentIntent\\.$`)),
      );
      await assert.rejects(
        a.stripe.paymentIntents.create({ ...base, payment_method_data: { type: 'amazon_pay' }, confirm: true, off_session: true }),
        bad(undefined, 'customer', /Off-session payments charge a PaymentMethod saved to a customer/),
      );
      // A method the customer never authorized for later charges: the customer would have to act (402).
      const fresh = await a.stripe.paymentMethods.create({ type: 'amazon_pay' } as Stripe.PaymentMethodCreateParams);
      await a.stripe.paymentMethods.attach(fresh.id, owner as { customer: string });
      const auth = await chargeOffSession(a.stripe, owner, fresh.id).catch((e: Stripe.errors.StripeError) => e);
      assert.ok(auth instanceof Stripe.errors.StripeCardError);
      assert.equal(auth.code, 'authentication_required');
      assert.equal((auth.raw as { payment_intent: Stripe.PaymentIntent }).payment_intent.status, 'requires_payment_method');
      await a.stripe.paymentMethods.detach(pm);
      await assert.rejects(chargeOffSession(a.stripe, owner, pm), bad('payment_method_unexpected_state', 'payment_method', /may not be used again/));
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, payment_method: 'pm_nope', ...owner }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'resource_missing' && e.param === 'payment_method');
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, customer: 'cus_nope' }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'resource_missing' && e.param === 'customer');
      await assert.rejects(a.stripe.paymentIntents.create({ ...base, customer: (owner as { customer: string }).customer, customer_account: (acct as { customer_account: string }).customer_account } as Stripe.PaymentIntentCreateParams), bad('parameters_exclusive'));
    });

    it('puts the intent in any error of a request involving it, as the caller may see it at its version', async () => {
      const pi = await a.stripe.paymentIntents.create({ ...base, ...owner, metadata: { order: '9' } });
      // Stripe's recorded body for a cancel with parameters it does not take.
      const cancel = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/cancel`, { key: a.sk, form: 'amount=5&currency=usd' });
      assert.equal(cancel.status, 400);
      assert.deepEqual([cancel.body.error.code, cancel.body.error.param, cancel.body.error.message], ['parameter_unknown', 'amount', 'Received unknown parameters: amount, currency']);
      assert.deepEqual([cancel.body.error.payment_intent.id, cancel.body.error.payment_intent.status, cancel.body.error.payment_intent.metadata], [pi.id, 'requires_payment_method', { order: '9' }]);
      const update = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}`, { key: a.sk, form: 'amount=abc' });
      assert.deepEqual([update.status, update.body.error.code, update.body.error.payment_intent.id], [400, 'parameter_invalid_integer', pi.id]);
      // Recorded at dahlia: zero is the range error under `amount`, a negative amount its own refusal.
      const capture = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/capture`, { key: a.sk, form: 'amount_to_capture=0' });
      assert.deepEqual(
        [capture.status, capture.body.error.code, capture.body.error.param, capture.body.error.message, capture.body.error.payment_intent.id],
        [400, 'parameter_invalid_integer', 'amount', 'This value must be greater than or equal to 1.', pi.id],
      );
      const negative = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/capture`, { key: a.sk, form: 'amount_to_capture=-100' });
      assert.deepEqual(
        [negative.status, negative.body.error.code, negative.body.error.param, negative.body.error.message, negative.body.error.payment_intent.id],
        [400, undefined, 'amount_to_capture', 'Invalid non-negative integer', pi.id],
      );
      // Before 2026-07-29.dahlia an intent has no allowed_payment_method_types, in an error too.
      const old = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/cancel`, { key: a.sk, form: 'foo=1', headers: { 'stripe-version': '2025-12-15.clover' } });
      assert.equal(old.body.error.payment_intent.id, pi.id);
      assert.ok(!('allowed_payment_method_types' in old.body.error.payment_intent));
      assert.deepEqual(cancel.body.error.payment_intent.allowed_payment_method_types, ['amazon_pay']);
      // A publishable key sees the client-safe subset, and only with the client secret.
      const withSecret = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/confirm`, { key: a.pk, form: `client_secret=${pi.client_secret}&bogus=1` });
      assert.deepEqual([withSecret.status, withSecret.body.error.code, withSecret.body.error.payment_intent.id], [400, 'parameter_unknown', pi.id]);
      assert.ok(!('metadata' in withSecret.body.error.payment_intent) || Object.keys(withSecret.body.error.payment_intent.metadata).length === 0, 'no metadata for Stripe.js');
      assert.ok(!('customer' in withSecret.body.error.payment_intent));
      const withoutSecret = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/confirm`, { key: a.pk, form: `client_secret=${pi.id}_secret_wrong&bogus=1` });
      assert.equal(withoutSecret.status, 400);
      assert.ok(!('payment_intent' in withoutSecret.body.error), JSON.stringify(withoutSecret.body.error));
      // No intent, nothing to add: another account's id is simply unknown.
      const other = await s.newAccount();
      const foreign = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/cancel`, { key: other.sk, form: 'foo=1' });
      assert.equal(foreign.status, 400);
      assert.ok(!('payment_intent' in foreign.body.error));
      // The SetupIntent's endpoints do the same with `setup_intent`.
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], ...owner } as Stripe.SetupIntentCreateParams);
      const siCancel = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/cancel`, { key: a.sk, form: 'cancellation_reason=bogus' });
      assert.deepEqual([siCancel.status, siCancel.body.error.param, siCancel.body.error.setup_intent.id], [400, 'cancellation_reason', si.id]);
      const siOld = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}`, { key: a.sk, form: 'foo=1', headers: { 'stripe-version': '2025-12-15.clover' } });
      assert.deepEqual([siOld.body.error.code, siOld.body.error.setup_intent.id, 'allowed_payment_method_types' in siOld.body.error.setup_intent], ['parameter_unknown', si.id, false]);
    });

    it('lets a publishable key retrieve and confirm with the client secret only, seeing the client-safe subset', async () => {
      const pi = await a.stripe.paymentIntents.create({ ...base, ...owner, metadata: { secret: 'yes' }, description: 'Ride', setup_future_usage: 'off_session' });
      const got = await raw(s.url, 'GET', `/v1/payment_intents/${pi.id}?key=${a.pk}&client_secret=${pi.client_secret}&is_stripe_sdk=false`);
      assert.equal(got.status, 200, got.text);
      assert.equal(got.body.id, pi.id);
      assert.equal(got.body.description, 'Ride');
      for (const hidden of ['customer', 'metadata', 'latest_charge', 'payment_method_options', 'statement_descriptor']) assert.equal(hidden in got.body, false, hidden);
      const noSecret = await raw(s.url, 'GET', `/v1/payment_intents/${pi.id}?key=${a.pk}`);
      assert.deepEqual([noSecret.status, noSecret.body.error.code, noSecret.body.error.param], [400, 'parameter_missing', 'client_secret']);
      const wrong = await raw(s.url, 'GET', `/v1/payment_intents/${pi.id}?key=${a.pk}&client_secret=${pi.id}_secret_wrong`);
      assert.deepEqual([wrong.status, wrong.body.error.param], [400, 'client_secret']);
      const otherAccount = await raw(s.url, 'GET', `/v1/payment_intents/${pi.id}?key=${de.pk}&client_secret=${pi.client_secret}`);
      assert.equal(otherAccount.status, 404);
      // Stripe.js's confirm: inferred mandate acceptance, telemetry accepted and ignored.
      const form = [
        `key=${a.pk}`,
        `client_secret=${pi.client_secret}`,
        'return_url=https%3A%2F%2Fshop.example%2Fdone',
        'payment_method_data[type]=amazon_pay',
        'payment_method_data[payment_user_agent]=stripe.js%2Fabc',
        'mandate_data[customer_acceptance][type]=online',
        'mandate_data[customer_acceptance][online][infer_from_client]=true',
        'expand[0]=payment_method',
        'use_stripe_sdk=true',
        'expected_payment_method_type=amazon_pay',
        'muid=m1',
      ].join('&');
      const confirmed = await raw(s.url, 'POST', `/v1/payment_intents/${pi.id}/confirm`, { form, headers: { 'user-agent': 'Mozilla/5.0 test' } });
      assert.equal(confirmed.status, 200, confirmed.text);
      assert.equal(confirmed.body.status, 'requires_action');
      assert.equal(confirmed.body.payment_method.object, 'payment_method');
      assert.deepEqual(confirmed.body.payment_method.metadata, {});
      assert.equal('customer' in confirmed.body, false);
      // Everything else with a publishable key is refused.
      for (const [method, path] of [['POST', `/v1/payment_intents/${pi.id}/capture`], ['POST', `/v1/payment_intents/${pi.id}/cancel`], ['POST', '/v1/payment_intents'], ['GET', '/v1/payment_intents'], ['POST', `/v1/payment_intents/${pi.id}`]] as const) {
        const r = await raw(s.url, method, path, { form: `key=${a.pk}&client_secret=${pi.client_secret}` });
        assert.equal(r.status, 403, `${method} ${path}`);
      }
      const expandOther = await raw(s.url, 'GET', `/v1/payment_intents/${pi.id}?key=${a.pk}&client_secret=${pi.client_secret}&expand[]=customer`);
      assert.equal(expandOther.status, 400);
      // The mandate saved on approval records the browser's IP and user agent.
      await fetch(confirmed.body.next_action.redirect_to_url.url, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      const after = await a.stripe.paymentIntents.retrieve(pi.id);
      assert.equal(after.status, 'succeeded');
      const again = await chargeOffSession(a.stripe, owner, after.payment_method as string);
      assert.equal(again.status, 'succeeded');
    });
  });
}

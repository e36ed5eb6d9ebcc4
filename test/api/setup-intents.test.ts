import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';

type StripeErr = Stripe.errors.StripeError;
const fails = (status: number, check: (e: StripeErr) => boolean = () => true) => (e: StripeErr) => e.statusCode === status && check(e);
const RETURN_URL = 'https://example.com/setup/complete';
const MANDATE = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.0', user_agent: 'device' } } };
const MANDATE_FORM = 'mandate_data[customer_acceptance][type]=online&mandate_data[customer_acceptance][online][ip_address]=127.0.0.0&mandate_data[customer_acceptance][online][user_agent]=device';

/** Finishes a redirect the way a script does: POST the hosted page's form. */
async function answer(url: string, action: 'authorize' | 'fail' | 'authorize_decline_later') {
  const res = await fetch(url, { method: 'POST', body: `action=${action}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

/** An update that voided the redirect `pending` was waiting on: confirm again; the old page is refused. */
async function assertRedirectVoided(a: TestAccount, updated: Stripe.SetupIntent, pending: Stripe.SetupIntent) {
  assert.equal(updated.status, 'requires_confirmation');
  assert.equal(updated.next_action, null);
  assert.equal((await a.stripe.setupAttempts.list({ setup_intent: updated.id })).data[0].status, 'abandoned');
  assert.equal((await answer(pending.next_action!.redirect_to_url!.url!, 'authorize')).status, 409);
}

async function v2Customer(s: TestServer, sk: string): Promise<string> {
  const res = await raw(s.url, 'POST', '/v2/core/accounts', {
    key: sk,
    json: { contact_email: 'jenny.rosen@example.com', display_name: 'Jenny Rosen', configuration: { customer: {} }, include: ['configuration.customer'] },
    headers: { 'stripe-version': '2026-05-27.preview' },
  });
  assert.equal(res.status, 200, res.text);
  return res.body.id;
}

async function eventTypes(a: TestAccount, objectId: string): Promise<string[]> {
  const all = await a.stripe.events.list({ limit: 100 });
  return all.data
    .filter((e) => (e.data.object as { id?: string }).id === objectId || (e.data.object as { setup_intent?: string }).setup_intent === objectId)
    .map((e) => e.type)
    .reverse();
}

const SI_KEYS = [
  'allowed_payment_method_types', 'application', 'automatic_payment_methods', 'cancellation_reason', 'client_secret', 'created', 'customer', 'customer_account',
  'description', 'excluded_payment_method_types', 'flow_directions', 'id', 'last_setup_error', 'latest_attempt', 'livemode', 'mandate', 'metadata', 'next_action',
  'object', 'on_behalf_of', 'payment_method', 'payment_method_configuration_details', 'payment_method_options', 'payment_method_types', 'single_use_mandate', 'status', 'usage',
];

for (const engine of engines()) {
  describe(`setup intents [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
    });
    after(async () => s.close());

    it("runs the seed's curl flow (dahlia default, payment_method_types[]) to an active mandate", async () => {
      const cus = await raw(s.url, 'POST', '/v1/customers', { key: a.sk, basic: true, form: 'name=Jenny%20Rosen&email=jenny.rosen%40example.com' });
      const created = await raw(s.url, 'POST', '/v1/setup_intents', {
        key: a.sk,
        basic: true,
        form: `payment_method_types[]=amazon_pay&payment_method_data[type]=amazon_pay&usage=off_session&customer=${cus.body.id}`,
      });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.headers.get('stripe-version'), '2026-08-26.dahlia');
      const si = created.body as Stripe.SetupIntent;
      assert.deepEqual(Object.keys(si).sort(), SI_KEYS);
      assert.match(si.id, /^seti_[A-Za-z0-9]{24}$/);
      assert.ok(si.client_secret?.startsWith(`${si.id}_secret_`));
      assert.equal(si.status, 'requires_confirmation');
      assert.match(si.payment_method as string, /^pm_/);
      assert.deepEqual(si.payment_method_types, ['amazon_pay']);
      assert.equal(si.allowed_payment_method_types, null);
      assert.equal(si.automatic_payment_methods, null);
      assert.equal(si.usage, 'off_session');
      assert.equal(si.customer, cus.body.id);
      assert.equal(si.customer_account, null);
      for (const k of ['mandate', 'latest_attempt', 'next_action', 'last_setup_error', 'cancellation_reason', 'application', 'on_behalf_of', 'single_use_mandate'] as const) assert.equal(si[k], null, k);
      assert.deepEqual(si.metadata, {});
      const pm0 = await a.stripe.paymentMethods.retrieve(si.payment_method as string);
      assert.equal(pm0.customer, null);

      const confirmed = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { key: a.sk, basic: true, form: `return_url=${encodeURIComponent(RETURN_URL)}&${MANDATE_FORM}` });
      assert.equal(confirmed.status, 200, confirmed.text);
      const ra = confirmed.body as Stripe.SetupIntent;
      assert.equal(ra.status, 'requires_action');
      assert.equal(ra.next_action?.type, 'redirect_to_url');
      assert.equal(ra.next_action?.redirect_to_url?.return_url, RETURN_URL);
      const url = ra.next_action!.redirect_to_url!.url!;
      assert.ok(url.startsWith(`${s.url}/`), url);
      assert.match(ra.latest_attempt as string, /^setatt_/);
      const attempts = await a.stripe.setupAttempts.list({ setup_intent: si.id });
      assert.deepEqual(attempts.data.map((x) => x.status), ['requires_action']);

      const done = await answer(url, 'authorize');
      assert.equal(done.status, 303);
      const back = new URL(done.location!);
      assert.equal(`${back.origin}${back.pathname}`, RETURN_URL);
      assert.equal(back.searchParams.get('setup_intent'), si.id);
      assert.equal(back.searchParams.get('setup_intent_client_secret'), si.client_secret);
      assert.equal(back.searchParams.get('redirect_status'), 'succeeded');

      const final = await a.stripe.setupIntents.retrieve(si.id, { expand: ['mandate', 'latest_attempt', 'payment_method'] });
      assert.equal(final.status, 'succeeded');
      assert.equal(final.next_action, null);
      const pm = final.payment_method as Stripe.PaymentMethod;
      assert.equal(pm.customer, cus.body.id);
      const mandate = final.mandate as Stripe.Mandate;
      assert.equal(mandate.status, 'active');
      assert.equal(mandate.type, 'multi_use');
      assert.deepEqual(mandate.multi_use, {});
      assert.equal(mandate.payment_method, pm.id);
      assert.deepEqual(mandate.payment_method_details, { type: 'amazon_pay', amazon_pay: {} });
      assert.equal(mandate.customer_acceptance.type, 'online');
      assert.deepEqual(mandate.customer_acceptance.online, { ip_address: '127.0.0.0', user_agent: 'device' });
      assert.equal(typeof mandate.customer_acceptance.accepted_at, 'number');
      const attempt = final.latest_attempt as Stripe.SetupAttempt;
      assert.equal(attempt.status, 'succeeded');
      assert.equal(attempt.payment_method, pm.id);
      assert.equal(attempt.customer, cus.body.id);
      assert.equal(attempt.usage, 'off_session');
      assert.deepEqual(attempt.payment_method_details, { type: 'amazon_pay', amazon_pay: {} } as Stripe.SetupAttempt.PaymentMethodDetails);
      assert.deepEqual(await eventTypes(a, si.id), ['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.succeeded']);
      const attachedEvt = (await a.stripe.events.list({ type: 'payment_method.attached' })).data.find((e) => (e.data.object as Stripe.PaymentMethod).id === pm.id);
      assert.ok(attachedEvt);
      const succeededEvt = (await a.stripe.events.list({ type: 'setup_intent.succeeded' })).data.find((e) => (e.data.object as Stripe.SetupIntent).id === si.id)!;
      assert.ok(succeededEvt.created >= attachedEvt!.created);
      assert.equal(succeededEvt.request?.id, null, 'the customer’s answer is no API request');
      const listed = await a.stripe.customers.listPaymentMethods(cus.body.id);
      assert.deepEqual(listed.data.map((p) => p.id), [pm.id]);
    });

    it('runs the SDK flow (endive, allowed_payment_method_types, confirm=true) for a v2 customer account', async () => {
      const acct = await v2Customer(s, a.sk);
      const si = await a.stripe.setupIntents.create({
        allowed_payment_method_types: ['amazon_pay'],
        payment_method_data: { type: 'amazon_pay' },
        usage: 'off_session',
        customer_account: acct,
        confirm: true,
        return_url: RETURN_URL,
        mandate_data: MANDATE,
        metadata: { order: '7' },
        description: 'Save Amazon Pay',
      });
      assert.equal(si.lastResponse.headers['stripe-version'], '2026-10-28.endive');
      assert.equal(si.status, 'requires_action');
      assert.deepEqual(si.allowed_payment_method_types, ['amazon_pay']);
      assert.deepEqual(si.payment_method_types, ['amazon_pay']);
      assert.equal(si.customer, null);
      assert.equal(si.customer_account, acct);
      assert.equal(si.description, 'Save Amazon Pay');
      assert.deepEqual(await eventTypes(a, si.id), ['setup_intent.created', 'setup_intent.requires_action']);
      assert.equal((await answer(si.next_action!.redirect_to_url!.url!, 'authorize')).status, 303);
      const final = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(final.status, 'succeeded');
      const pm = await a.stripe.paymentMethods.retrieve(final.payment_method as string);
      assert.equal(pm.customer, null);
      assert.equal(pm.customer_account, acct);
      assert.equal((await a.stripe.mandates.retrieve(final.mandate as string)).status, 'active');
      const byAccount = await a.stripe.setupIntents.list({ customer_account: acct });
      assert.deepEqual(byAccount.data.map((x) => x.id), [si.id]);
      const attempts = await a.stripe.setupAttempts.list({ setup_intent: si.id });
      assert.equal(attempts.data[0].customer_account, acct);
    });

    it('fails on the page: back to requires_payment_method with last_setup_error, nothing saved, then retried', async () => {
      const c = await a.stripe.customers.create({});
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: c.id, confirm: true, return_url: `${RETURN_URL}?order=9`, mandate_data: MANDATE });
      const pmId = si.payment_method as string;
      const done = await answer(si.next_action!.redirect_to_url!.url!, 'fail');
      assert.equal(done.status, 303);
      const back = new URL(done.location!);
      assert.equal(back.searchParams.get('order'), '9');
      assert.equal(back.searchParams.get('redirect_status'), 'failed');
      const failed = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.payment_method, null);
      assert.equal(failed.next_action, null);
      assert.equal(failed.mandate, null);
      const err = failed.last_setup_error!;
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.code, 'setup_intent_authentication_failure');
      assert.equal(typeof err.message, 'string');
      assert.equal(err.payment_method?.id, pmId);
      const attempt = (await a.stripe.setupAttempts.list({ setup_intent: si.id })).data[0];
      assert.equal(attempt.status, 'failed');
      assert.equal(attempt.setup_error?.code, 'setup_intent_authentication_failure');
      assert.equal((await a.stripe.paymentMethods.retrieve(pmId)).customer, null);
      assert.deepEqual(await eventTypes(a, si.id), ['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.setup_failed']);
      const retry = await a.stripe.setupIntents.confirm(si.id, { payment_method_data: { type: 'amazon_pay' }, return_url: RETURN_URL, mandate_data: MANDATE });
      assert.equal(retry.status, 'requires_action');
      assert.equal(retry.last_setup_error, null);
      assert.notEqual(retry.latest_attempt, attempt.id);
      assert.equal((await answer(retry.next_action!.redirect_to_url!.url!, 'authorize')).status, 303);
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).status, 'succeeded');
    });

    it('"Authorize, but decline later charges" saves the method with an active mandate', async () => {
      const c = await a.stripe.customers.create({});
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: c.id, confirm: true, return_url: RETURN_URL, mandate_data: MANDATE });
      const done = await answer(si.next_action!.redirect_to_url!.url!, 'authorize_decline_later');
      assert.equal(new URL(done.location!).searchParams.get('redirect_status'), 'succeeded');
      const final = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(final.status, 'succeeded');
      assert.equal((await a.stripe.mandates.retrieve(final.mandate as string)).status, 'active');
      assert.equal((await a.stripe.paymentMethods.retrieve(final.payment_method as string)).customer, c.id);
    });

    it('usage=on_session saves the method without a mandate; no customer saves nothing but still succeeds', async () => {
      const c = await a.stripe.customers.create({});
      const on = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: c.id, usage: 'on_session', confirm: true, return_url: RETURN_URL, mandate_data: MANDATE });
      await answer(on.next_action!.redirect_to_url!.url!, 'authorize');
      const onFinal = await a.stripe.setupIntents.retrieve(on.id);
      assert.equal(onFinal.status, 'succeeded');
      assert.equal(onFinal.usage, 'on_session');
      assert.equal(onFinal.mandate, null);
      assert.equal((await a.stripe.paymentMethods.retrieve(onFinal.payment_method as string)).customer, c.id);
      const loose = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, confirm: true, return_url: RETURN_URL, mandate_data: MANDATE });
      await answer(loose.next_action!.redirect_to_url!.url!, 'authorize');
      const looseFinal = await a.stripe.setupIntents.retrieve(loose.id);
      assert.equal(looseFinal.status, 'succeeded');
      assert.equal(looseFinal.customer, null);
      const pm = await a.stripe.paymentMethods.retrieve(looseFinal.payment_method as string);
      assert.equal(pm.customer, null);
      // Set up without a customer, the method may still be attached afterwards.
      assert.equal((await a.stripe.paymentMethods.attach(pm.id, { customer: c.id })).customer, c.id);
    });

    it('applies the API version rules for payment_method_types and allowed_payment_method_types', async () => {
      const endive = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: 'payment_method_types[0]=amazon_pay', headers: { 'stripe-version': '2026-10-28.endive' } });
      assert.equal(endive.status, 400);
      assert.equal(endive.body.error.code, 'payment_method_types_no_longer_supported');
      assert.equal(endive.body.error.param, 'payment_method_types');
      const clover = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: 'allowed_payment_method_types[0]=amazon_pay', headers: { 'stripe-version': '2025-12-15.clover' } });
      assert.equal(clover.status, 400);
      assert.equal(clover.body.error.code, 'parameter_unknown');
      const old = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: 'payment_method_types[]=amazon_pay', headers: { 'stripe-version': '2025-12-15.clover' } });
      assert.equal(old.status, 200, old.text);
      assert.ok(!('allowed_payment_method_types' in old.body), 'field newer than the request version');
      const filtered = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['card', 'amazon_pay'] });
      assert.deepEqual(filtered.payment_method_types, ['amazon_pay']);
      assert.deepEqual(filtered.allowed_payment_method_types, ['card', 'amazon_pay']);
      await assert.rejects(a.stripe.setupIntents.create({ allowed_payment_method_types: ['card'] }), fails(400, (e) => e.param === 'allowed_payment_method_types'));
      await assert.rejects(
        a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], automatic_payment_methods: { enabled: true } }),
        fails(400, (e) => e.code === 'parameters_exclusive'),
      );
      const strict = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: 'payment_method_types[]=card' });
      assert.equal(strict.status, 400);
      assert.equal(strict.body.error.param, 'payment_method_types');
      const dynamic = await a.stripe.setupIntents.create({});
      assert.deepEqual(dynamic.automatic_payment_methods, { allow_redirects: 'always', enabled: true });
      assert.deepEqual(dynamic.payment_method_types, ['amazon_pay']);
      assert.equal(dynamic.status, 'requires_payment_method');
      await assert.rejects(a.stripe.setupIntents.create({ automatic_payment_methods: { enabled: true, allow_redirects: 'never' } }), fails(400));
      const japan = await s.newAccount({ country: 'JP' });
      await assert.rejects(japan.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'] }), fails(400, (e) => e.param === 'allowed_payment_method_types'));
    });

    it("renders an expanded SetupIntent in the request's version's shape", async () => {
      const form = [
        'payment_method_types[]=amazon_pay',
        'payment_method_data[type]=amazon_pay',
        'confirm=true',
        `return_url=${encodeURIComponent('https://example.com/setup/complete')}`,
        'mandate_data[customer_acceptance][type]=online',
        'mandate_data[customer_acceptance][online][ip_address]=127.0.0.1',
        'mandate_data[customer_acceptance][online][user_agent]=device',
      ].join('&');
      const si = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form, headers: { 'stripe-version': '2025-12-15.clover' } });
      assert.equal(si.body.status, 'requires_action', si.text);
      const attemptsAt = (version: string) =>
        raw(s.url, 'GET', `/v1/setup_attempts?setup_intent=${si.body.id}&expand[]=data.setup_intent`, { key: a.sk, headers: { 'stripe-version': version } });
      const atClover = await attemptsAt('2025-12-15.clover');
      assert.equal(atClover.body.data[0].setup_intent.id, si.body.id);
      assert.equal('allowed_payment_method_types' in atClover.body.data[0].setup_intent, false, 'the field does not exist before 2026-07-29');
      assert.deepEqual(atClover.body.data[0].setup_intent, (await raw(s.url, 'GET', `/v1/setup_intents/${si.body.id}`, { key: a.sk, headers: { 'stripe-version': '2025-12-15.clover' } })).body);
      const atEndive = await attemptsAt('2026-10-28.endive');
      assert.equal('allowed_payment_method_types' in atEndive.body.data[0].setup_intent, true);
    });

    it('answers parameter errors the way Stripe does', async () => {
      const c = await a.stripe.customers.create({});
      const cases: [string, number, (b: { error: Record<string, string> }) => void][] = [
        ['usage=sometimes', 400, (b) => assert.equal(b.error.param, 'usage')],
        [`customer=cus_missing`, 400, (b) => (assert.equal(b.error.code, 'resource_missing'), assert.equal(b.error.param, 'customer'))],
        [`customer=${c.id}&customer_account=acct_x`, 400, (b) => assert.equal(b.error.code, 'parameters_exclusive')],
        ['bogus=1', 400, (b) => (assert.equal(b.error.code, 'parameter_unknown'), assert.equal(b.error.param, 'bogus'))],
        ['payment_method_options[amazon_pay][foo]=1', 400, (b) => assert.equal(b.error.param, 'payment_method_options[amazon_pay][foo]')],
        [`return_url=${encodeURIComponent(RETURN_URL)}`, 400, (b) => assert.equal(b.error.param, 'return_url')],
        [MANDATE_FORM, 400, (b) => assert.equal(b.error.param, 'mandate_data')],
        ['payment_method_data[type]=card', 400, (b) => assert.equal(b.error.param, 'payment_method_data[type]')],
        ['payment_method=pm_missing', 400, (b) => (assert.equal(b.error.code, 'resource_missing'), assert.equal(b.error.param, 'payment_method'))],
        [
          'payment_method_data[type]=amazon_pay&confirm=true&return_url=javascript%3Aalert(1)',
          400,
          (b) => (assert.equal(b.error.code, 'url_invalid'), assert.equal(b.error.param, 'return_url')),
        ],
        [
          'payment_method_data[type]=amazon_pay&confirm=true&return_url=https%3A%2F%2Fexample.com&mandate_data[customer_acceptance][type]=online&mandate_data[customer_acceptance][online][infer_from_client]=true',
          400,
          (b) => assert.equal(b.error.param, 'mandate_data[customer_acceptance][online][infer_from_client]'),
        ],
        [
          'payment_method_data[type]=amazon_pay&confirm=true&return_url=https%3A%2F%2Fexample.com&mandate_data[customer_acceptance][type]=online&mandate_data[customer_acceptance][online][user_agent]=x',
          400,
          (b) => (assert.equal(b.error.code, 'parameter_missing'), assert.equal(b.error.param, 'mandate_data[customer_acceptance][online][ip_address]')),
        ],
        [
          'payment_method_data[type]=amazon_pay&confirm=true',
          400,
          (b) => (assert.equal(b.error.param, 'return_url'), assert.match(b.error.message, /return_url/)),
        ],
      ];
      const before_ = (await a.stripe.setupIntents.list({ limit: 100 })).data.length;
      for (const [form, status, check] of cases) {
        const res = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: `allowed_payment_method_types[0]=amazon_pay&${form}` });
        assert.equal(res.status, status, `${form}: ${res.text}`);
        assert.equal(res.body.error.type, 'invalid_request_error');
        check(res.body);
      }
      assert.equal((await a.stripe.setupIntents.list({ limit: 100 })).data.length, before_, 'a refused create (with confirm) creates nothing');
      await assert.rejects(a.stripe.setupIntents.retrieve('seti_missing'), fails(404, (e) => e.code === 'resource_missing' && e.param === 'intent' && e.message === "No such setupintent: 'seti_missing'"));
      await assert.rejects(a.stripe.setupIntents.cancel('seti_missing'), fails(404, (e) => e.code === 'resource_missing' && e.param === 'intent'));
      const mine = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'] } as Stripe.SetupIntentCreateParams);
      await assert.rejects(
        a.stripe.setupIntents.retrieve(mine.client_secret as string),
        fails(404, (e) => e.param === 'intent' && e.message === 'You passed a string that looks like a client secret as the SetupIntent ID, but you must provide a valid SetupIntent ID. Please use the value in the `id` field of the SetupIntent.'),
      );
      await assert.rejects(a.stripe.setupAttempts.list({} as Stripe.SetupAttemptListParams), fails(400, (e) => e.code === 'parameter_missing' && e.param === 'setup_intent'));
    });

    it('refuses wrong-state calls with setup_intent_unexpected_state and the intent', async () => {
      const empty = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'] });
      await assert.rejects(a.stripe.setupIntents.confirm(empty.id, { return_url: RETURN_URL }), (e: StripeErr) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.code, 'setup_intent_unexpected_state');
        assert.match(e.message, /missing a payment method/);
        assert.equal((e.raw as { setup_intent?: Stripe.SetupIntent }).setup_intent?.id, empty.id);
        return true;
      });
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, confirm: true, return_url: RETURN_URL, mandate_data: MANDATE });
      await answer(si.next_action!.redirect_to_url!.url!, 'authorize');
      // Stripe's wording, as recorded at 2026-08-26.dahlia.
      await assert.rejects(a.stripe.setupIntents.confirm(si.id, { return_url: RETURN_URL }), fails(400, (e) => e.code === 'setup_intent_unexpected_state' && e.message === 'You cannot confirm this SetupIntent because it has already succeeded.'));
      await assert.rejects(
        a.stripe.setupIntents.cancel(si.id),
        fails(400, (e) => e.message === 'You cannot cancel this SetupIntent because it has a status of succeeded. Only a SetupIntent with one of the following statuses may be canceled: `requires_payment_method`, `requires_confirmation`, or `requires_action`.'),
      );
      // A succeeded intent still takes a description and metadata, nothing else.
      const described = await a.stripe.setupIntents.update(si.id, { description: 'saved at checkout', metadata: { a: 'b' } });
      assert.deepEqual([described.status, described.description, described.metadata], ['succeeded', 'saved at checkout', { a: 'b' }]);
      await assert.rejects(
        a.stripe.setupIntents.update(si.id, { metadata: { a: 'c' }, payment_method_data: { type: 'amazon_pay' } } as Stripe.SetupIntentUpdateParams),
        fails(400, (e) => e.code === 'setup_intent_unexpected_state' && e.message === 'You cannot update this SetupIntent because it has already succeeded.'),
      );
      assert.deepEqual((await a.stripe.setupIntents.retrieve(si.id)).metadata, { a: 'b' }, 'a refused update changes nothing');
      const canceled = await a.stripe.setupIntents.cancel(empty.id, { cancellation_reason: 'requested_by_customer' });
      assert.equal(canceled.status, 'canceled');
      assert.equal(canceled.cancellation_reason, 'requested_by_customer');
      await assert.rejects(
        a.stripe.setupIntents.confirm(empty.id, { payment_method_data: { type: 'amazon_pay' }, return_url: RETURN_URL } as Stripe.SetupIntentConfirmParams),
        fails(400, (e) => e.code === 'setup_intent_unexpected_state' && e.message === 'You cannot confirm this SetupIntent because it has been canceled.'),
      );
      await assert.rejects(a.stripe.setupIntents.cancel(empty.id), fails(400, (e) => e.code === 'setup_intent_unexpected_state' && e.message === 'You cannot cancel this SetupIntent because it is already canceled.'));
      // Without a payment method, that is what a confirmation is refused for, whatever the status (recorded).
      await assert.rejects(
        a.stripe.setupIntents.confirm(empty.id, { return_url: RETURN_URL }),
        fails(400, (e) => e.code === 'setup_intent_unexpected_state' && /^You cannot confirm this SetupIntent because it's missing a payment method\./.test(e.message)),
      );
    });

    it("refuses another customer's PaymentMethod with Stripe's recorded wordings, the intent inside once it exists", async () => {
      const [mine, other] = [await a.stripe.customers.create({}), await a.stripe.customers.create({})];
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' } as Stripe.PaymentMethodCreateParams);
      await a.stripe.paymentMethods.attach(pm.id, { customer: mine.id });
      const notYours = `The PaymentMethod ${pm.id} does not belong to the Customer you supplied ${other.id}. Please use this PaymentMethod with the Customer that it belongs to instead.`;
      const nameTheCustomer = `The payment method supplied (${pm.id}) belongs to the Customer ${mine.id}. Please include the Customer in the \`customer\` parameter on the SetupIntent.`;
      const base = 'allowed_payment_method_types[0]=amazon_pay';
      const wrong = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: `${base}&customer=${other.id}&payment_method=${pm.id}` });
      assert.deepEqual([wrong.status, wrong.body.error.code, wrong.body.error.param, wrong.body.error.message, 'setup_intent' in wrong.body.error], [400, undefined, 'payment_method', notYours, false]);
      const nobody = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: `${base}&payment_method=${pm.id}` });
      assert.deepEqual([nobody.status, nobody.body.error.code, nobody.body.error.param, nobody.body.error.message, 'setup_intent' in nobody.body.error], [400, undefined, 'payment_method', nameTheCustomer, false]);
      const bare = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'] } as Stripe.SetupIntentCreateParams);
      const update = await raw(s.url, 'POST', `/v1/setup_intents/${bare.id}`, { key: a.sk, form: `payment_method=${pm.id}` });
      assert.deepEqual([update.status, update.body.error.message, update.body.error.setup_intent?.id], [400, nameTheCustomer, bare.id]);
      await a.stripe.setupIntents.update(bare.id, { customer: other.id });
      const confirm = await raw(s.url, 'POST', `/v1/setup_intents/${bare.id}/confirm`, { key: a.sk, form: `payment_method=${pm.id}&return_url=${encodeURIComponent(RETURN_URL)}` });
      assert.deepEqual([confirm.status, confirm.body.error.message, confirm.body.error.setup_intent?.id], [400, notYours, bare.id]);
    });

    it('cancels a pending redirect (attempt abandoned, setup_intent.canceled) and re-confirming abandons the old attempt', async () => {
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, confirm: true, return_url: RETURN_URL, mandate_data: MANDATE });
      const again = await a.stripe.setupIntents.confirm(si.id, { return_url: RETURN_URL, mandate_data: MANDATE });
      assert.equal(again.status, 'requires_action');
      assert.notEqual(again.next_action!.redirect_to_url!.url, si.next_action!.redirect_to_url!.url);
      const attempts = await a.stripe.setupAttempts.list({ setup_intent: si.id });
      assert.deepEqual(attempts.data.map((x) => x.status), ['requires_action', 'abandoned']);
      const stale = await answer(si.next_action!.redirect_to_url!.url!, 'authorize');
      assert.equal(stale.status, 409);
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).status, 'requires_action');
      const canceled = await a.stripe.setupIntents.cancel(si.id, { cancellation_reason: 'abandoned' });
      assert.equal(canceled.status, 'canceled');
      assert.equal(canceled.next_action, null);
      assert.deepEqual((await a.stripe.setupAttempts.list({ setup_intent: si.id })).data.map((x) => x.status), ['abandoned', 'abandoned']);
      assert.equal((await answer(again.next_action!.redirect_to_url!.url!, 'authorize')).status, 409);
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).status, 'canceled');
      assert.deepEqual(await eventTypes(a, si.id), ['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.requires_action', 'setup_intent.canceled']);
    });

    it('updates fields, and a new payment method goes back to requires_confirmation', async () => {
      const c = await a.stripe.customers.create({});
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], metadata: { a: '1' } });
      assert.equal(si.status, 'requires_payment_method');
      const u = await a.stripe.setupIntents.update(si.id, { description: 'd', metadata: { a: '', b: '2' }, customer: c.id, payment_method_data: { type: 'amazon_pay' } });
      assert.equal(u.status, 'requires_confirmation');
      assert.equal(u.description, 'd');
      assert.deepEqual(u.metadata, { b: '2' });
      assert.equal(u.customer, c.id);
      const pending = await a.stripe.setupIntents.confirm(si.id, { return_url: RETURN_URL, mandate_data: MANDATE });
      assert.equal(pending.status, 'requires_action');
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      const swapped = await a.stripe.setupIntents.update(si.id, { payment_method: pm.id });
      await assertRedirectVoided(a, swapped, pending);
      assert.equal(swapped.payment_method, pm.id);
      const byPm = await a.stripe.setupIntents.list({ payment_method: pm.id });
      assert.deepEqual(byPm.data.map((x) => x.id), [si.id]);
      const byCustomer = await a.stripe.setupIntents.list({ customer: c.id });
      assert.deepEqual(byCustomer.data.map((x) => x.id), [si.id]);
    });

    it("another customer while a redirect is pending voids it: the first customer's answer saves nothing to the new one", async () => {
      const first = await a.stripe.customers.create({});
      const other = await a.stripe.customers.create({});
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: first.id, confirm: true, return_url: RETURN_URL, mandate_data: MANDATE });
      assert.equal(si.status, 'requires_action');
      // The same customer again changes nothing.
      assert.equal((await a.stripe.setupIntents.update(si.id, { customer: first.id })).status, 'requires_action');
      const moved = await a.stripe.setupIntents.update(si.id, { customer: other.id });
      await assertRedirectVoided(a, moved, si);
      assert.equal(moved.customer, other.id);
      assert.equal((await a.stripe.paymentMethods.retrieve(si.payment_method as string)).customer, null);
      // Confirmed again, the new customer's own answer saves it to them.
      const again = await a.stripe.setupIntents.confirm(si.id, { return_url: RETURN_URL, mandate_data: MANDATE });
      assert.equal((await answer(again.next_action!.redirect_to_url!.url!, 'authorize')).status, 303);
      const done = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(done.status, 'succeeded');
      assert.equal((await a.stripe.paymentMethods.retrieve(done.payment_method as string)).customer, other.id);
      assert.equal((await a.stripe.mandates.retrieve(done.mandate as string)).status, 'active');
      // A v2 account in place of a customer voids a pending redirect the same way.
      const account = await v2Customer(s, a.sk);
      const pending = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: first.id, confirm: true, return_url: RETURN_URL, mandate_data: MANDATE });
      const toAccount = await a.stripe.setupIntents.update(pending.id, { customer: '', customer_account: account } as Stripe.SetupIntentUpdateParams);
      assert.equal(toAccount.status, 'requires_confirmation');
      assert.equal((await answer(pending.next_action!.redirect_to_url!.url!, 'authorize')).status, 409);
    });

    it("enforces the payment method's owner: other customer's, missing customer, detached", async () => {
      const c1 = await a.stripe.customers.create({});
      const c2 = await a.stripe.customers.create({});
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' });
      await a.stripe.paymentMethods.attach(pm.id, { customer: c1.id });
      await assert.rejects(a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method: pm.id, customer: c2.id }), fails(400, (e) => e.param === 'payment_method' && /does not belong to the Customer you supplied/.test(e.message)));
      await assert.rejects(a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method: pm.id }), fails(400, (e) => e.param === 'payment_method'));
      const ok = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method: pm.id, customer: c1.id });
      assert.equal(ok.status, 'requires_confirmation');
      await a.stripe.paymentMethods.detach(pm.id);
      await assert.rejects(a.stripe.setupIntents.confirm(ok.id, { return_url: RETURN_URL, mandate_data: MANDATE }), fails(400, (e) => /may not be used again/.test(e.message)));
      await assert.rejects(a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method: pm.id, customer: c1.id }), fails(400, (e) => /may not be used again/.test(e.message)));
    });

    it('refuses to confirm once its customer is deleted or its v2 account closed, instead of succeeding with nothing saved', async () => {
      const customer = await a.stripe.customers.create({});
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], customer: customer.id, usage: 'off_session' });
      await a.stripe.customers.del(customer.id);
      const form = `payment_method_data[type]=amazon_pay&return_url=${encodeURIComponent(RETURN_URL)}&${MANDATE_FORM}`;
      const bySecret = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { key: a.sk, form });
      const e = bySecret.body.error;
      assert.deepEqual([bySecret.status, e.type, e.code, e.param, e.message, e.setup_intent?.id], [400, 'invalid_request_error', 'resource_missing', 'customer', `No such customer: '${customer.id}'`, si.id]);
      // Stripe.js never sees an intent's customer, so a publishable key is not told its id.
      const byBrowser = await raw(s.url, 'POST', `/v1/setup_intents/${si.id}/confirm`, { key: a.pk, form: `${form}&client_secret=${encodeURIComponent(si.client_secret!)}` });
      assert.deepEqual([byBrowser.status, byBrowser.body.error.code, byBrowser.body.error.param], [400, 'resource_missing', undefined]);
      assert.ok(!byBrowser.text.includes(customer.id), byBrowser.text);
      const after = await a.stripe.setupIntents.retrieve(si.id);
      assert.deepEqual([after.status, after.latest_attempt, after.payment_method], ['requires_payment_method', null, null]);
      assert.deepEqual((await a.stripe.setupAttempts.list({ setup_intent: si.id })).data, [], 'no attempt was opened');

      const account = await v2Customer(s, a.sk);
      const forAccount = await raw(s.url, 'POST', '/v1/setup_intents', { key: a.sk, form: `allowed_payment_method_types[0]=amazon_pay&customer_account=${account}` });
      assert.equal(forAccount.status, 200, forAccount.text);
      const closed = await raw(s.url, 'POST', `/v2/core/accounts/${account}/close`, { key: a.sk, json: { applied_configurations: ['customer'] }, headers: { 'stripe-version': '2026-05-27.preview' } });
      assert.equal(closed.status, 200, closed.text);
      const refused = await raw(s.url, 'POST', `/v1/setup_intents/${forAccount.body.id}/confirm`, { key: a.sk, form });
      assert.deepEqual([refused.status, refused.body.error.param, refused.body.error.setup_intent?.status], [400, 'customer_account', 'requires_payment_method']);
    });

    it('lists with created filters and cursors, and expands on retrieve', async () => {
      const b = await s.newAccount();
      const first = await b.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'] });
      s.clock.advance(5_000);
      const second = await b.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'] });
      const newer = await b.stripe.setupIntents.list({ created: { gt: first.created } });
      assert.deepEqual(newer.data.map((x) => x.id), [second.id]);
      const page = await b.stripe.setupIntents.list({ limit: 1 });
      assert.equal(page.has_more, true);
      assert.equal(page.url, '/v1/setup_intents');
      const next = await b.stripe.setupIntents.list({ limit: 1, starting_after: page.data[0].id });
      assert.deepEqual(next.data.map((x) => x.id), [first.id]);
      await assert.rejects(b.stripe.setupIntents.list({ starting_after: 'seti_missing' }), fails(400, (e) => e.param === 'starting_after'));
      await assert.rejects(b.stripe.setupIntents.retrieve(first.id, { expand: ['nope'] }), fails(400, (e) => e.message === 'This property cannot be expanded (nope).'));
    });
  });
}

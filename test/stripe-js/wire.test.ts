// Wire contract of the browser library (client.md §3): exact params, key as a parameter,
// simple CORS requests, against a loopback stub standing in for the API.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { invoke, type RecordedRequest, useLibraryPage } from './harness.js';
import { PI, PI_SECRET, PK, SETI, SETI_SECRET, paymentIntentBody, setupIntentBody } from './fixtures.js';
import { chromiumSkip } from '../support/tools.js';

const MANDATE = { customer_acceptance: { type: 'online', online: { infer_from_client: 'true' } } };

const env = useLibraryPage({
  beforeLoad: ({ api }) => {
    api.respond = (req) => {
      if (req.path.startsWith('/v1/setup_intents/')) return { status: 200, json: setupIntentBody() };
      if (req.path.startsWith('/v1/payment_intents/')) return { status: 200, json: paymentIntentBody() };
      return { status: 404, json: { error: { type: 'invalid_request_error', message: 'unexpected path' } } };
    };
  },
});

/** The single API request made, after checking it was a CORS simple request. */
function onlyApiRequest(): RecordedRequest {
  const reqs = env.api.apiRequests();
  assert.equal(reqs.filter((r) => r.method === 'OPTIONS').length, 0, 'no CORS preflight');
  assert.equal(reqs.length, 1, `exactly one API request, got ${reqs.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  const req = reqs[0]!;
  assert.equal(req.headers.authorization, undefined, 'never an Authorization header');
  assert.equal(req.headers.origin, env.site.origin, 'cross-origin call from the merchant page');
  return req;
}

function assertFormPost(req: RecordedRequest, path: string): void {
  assert.equal(req.method, 'POST');
  assert.equal(req.path, path);
  assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(req.rawQuery, '');
}

function keys(raw: string): string[] {
  return [...new URLSearchParams(raw).keys()].sort();
}

const returnUrl = (): string => `${env.site.origin}/setup/complete?order=42`;

describe('confirmAmazonPaySetup', { skip: chromiumSkip }, () => {
  test('posts the documented confirm params with version and account options', async () => {
    const out = await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin, apiVersion: '2026-10-28.endive', stripeAccount: 'acct_1Conn' },
      method: 'confirmAmazonPaySetup',
      args: [SETI_SECRET, { return_url: returnUrl() }, { handleActions: false }],
    });
    assert.deepEqual(out, { result: { setupIntent: setupIntentBody() } });
    const req = onlyApiRequest();
    assertFormPost(req, `/v1/setup_intents/${SETI}/confirm`);
    assert.deepEqual(req.form, {
      client_secret: SETI_SECRET,
      return_url: returnUrl(),
      payment_method_data: { type: 'amazon_pay' },
      expand: ['payment_method'],
      mandate_data: MANDATE,
      key: PK,
      _stripe_version: '2026-10-28.endive',
      _stripe_account: 'acct_1Conn',
    });
    // Stripe's bracket and indexed-array spelling, not `expand[]` or JSON.
    assert.deepEqual(keys(req.rawBody), [
      '_stripe_account', '_stripe_version', 'client_secret', 'expand[0]', 'key',
      'mandate_data[customer_acceptance][online][infer_from_client]', 'mandate_data[customer_acceptance][type]',
      'payment_method_data[type]', 'return_url',
    ]);
  });

  test('mandate default matches the seed snippet, which passes mandate_data explicitly', async () => {
    const seedMandate = { customer_acceptance: { type: 'online', online: { infer_from_client: true } } };
    const out = await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin },
      method: 'confirmAmazonPaySetup',
      args: [SETI_SECRET, { return_url: returnUrl(), mandate_data: seedMandate }, { handleActions: false }],
    });
    assert.ok('result' in out);
    const req = onlyApiRequest();
    assert.deepEqual(req.form.mandate_data, MANDATE);
    assert.equal(req.form._stripe_version, undefined, 'no version param unless apiVersion is set');
    assert.equal(req.form._stripe_account, undefined, 'no account param unless stripeAccount is set');
  });

  test('sends an existing PaymentMethod id as payment_method and keeps caller mandate_data', async () => {
    const offline = { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'ua' } } };
    await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin },
      method: 'confirmAmazonPaySetup',
      args: [SETI_SECRET, { return_url: returnUrl(), payment_method: 'pm_1Saved', mandate_data: offline }, { handleActions: false }],
    });
    const req = onlyApiRequest();
    assert.deepEqual(req.form, {
      client_secret: SETI_SECRET,
      return_url: returnUrl(),
      payment_method: 'pm_1Saved',
      expand: ['payment_method'],
      mandate_data: offline,
      key: PK,
    });
  });

  test('creates the PaymentMethod inline with billing details (object form and payment_method_data)', async () => {
    await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin },
      method: 'confirmAmazonPaySetup',
      args: [
        SETI_SECRET,
        {
          return_url: returnUrl(),
          payment_method: { billing_details: { name: 'Jenny Rosen', address: { country: 'US' } } },
          payment_method_data: { metadata: { cart: 'c_1' } },
          expand: ['latest_attempt'],
          description: 'A & B = c',
        },
        { handleActions: false },
      ],
    });
    const req = onlyApiRequest();
    assert.deepEqual(req.form, {
      description: 'A & B = c',
      client_secret: SETI_SECRET,
      return_url: returnUrl(),
      payment_method_data: {
        type: 'amazon_pay',
        metadata: { cart: 'c_1' },
        billing_details: { name: 'Jenny Rosen', address: { country: 'US' } },
      },
      expand: ['payment_method', 'latest_attempt'],
      mandate_data: MANDATE,
      key: PK,
    });
  });
});

describe('confirmAmazonPayPayment', { skip: chromiumSkip }, () => {
  test('posts to the PaymentIntent confirm path; setup_future_usage brings the inferred mandate', async () => {
    const out = await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin },
      method: 'confirmAmazonPayPayment',
      args: [
        PI_SECRET,
        {
          return_url: returnUrl(),
          setup_future_usage: 'off_session',
          payment_method_options: { amazon_pay: { capture_method: 'manual' } },
          receipt_email: 'jenny@example.com',
        },
        { handleActions: false },
      ],
    });
    assert.deepEqual(out, { result: { paymentIntent: paymentIntentBody() } });
    const req = onlyApiRequest();
    assertFormPost(req, `/v1/payment_intents/${PI}/confirm`);
    assert.deepEqual(req.form, {
      return_url: returnUrl(),
      setup_future_usage: 'off_session',
      payment_method_options: { amazon_pay: { capture_method: 'manual' } },
      receipt_email: 'jenny@example.com',
      client_secret: PI_SECRET,
      payment_method_data: { type: 'amazon_pay' },
      expand: ['payment_method'],
      mandate_data: MANDATE,
      key: PK,
    });
  });

  test('one-off payment sends no mandate_data', async () => {
    await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin },
      method: 'confirmAmazonPayPayment',
      args: [PI_SECRET, { return_url: returnUrl() }, { handleActions: false }],
    });
    const req = onlyApiRequest();
    assert.deepEqual(req.form, {
      return_url: returnUrl(),
      client_secret: PI_SECRET,
      payment_method_data: { type: 'amazon_pay' },
      expand: ['payment_method'],
      key: PK,
    });
  });
});

describe('retrieve', { skip: chromiumSkip }, () => {
  test('retrieveSetupIntent is a GET with client_secret, is_stripe_sdk and key in the query', async () => {
    const out = await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin, apiVersion: '2026-10-28.endive' },
      method: 'retrieveSetupIntent',
      args: [SETI_SECRET],
    });
    assert.deepEqual(out, { result: { setupIntent: setupIntentBody() } });
    const req = onlyApiRequest();
    assert.equal(req.method, 'GET');
    assert.equal(req.path, `/v1/setup_intents/${SETI}`);
    assert.equal(req.rawBody, '');
    assert.equal(req.headers['content-type'], undefined);
    assert.deepEqual(req.query, {
      client_secret: SETI_SECRET,
      is_stripe_sdk: 'false',
      key: PK,
      _stripe_version: '2026-10-28.endive',
    });
  });

  test('retrievePaymentIntent is a GET on the PaymentIntent and never handles actions', async () => {
    const pending = paymentIntentBody({
      status: 'requires_action',
      next_action: { type: 'redirect_to_url', redirect_to_url: { url: `${env.site.origin}/authorize/x`, return_url: null } },
    });
    env.api.respond = () => ({ status: 200, json: pending });
    const out = await invoke(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'retrievePaymentIntent', args: [PI_SECRET] });
    assert.deepEqual(out, { result: { paymentIntent: pending } });
    const req = onlyApiRequest();
    assert.equal(req.method, 'GET');
    assert.equal(req.path, `/v1/payment_intents/${PI}`);
    assert.deepEqual(req.query, { client_secret: PI_SECRET, is_stripe_sdk: 'false', key: PK });
    assert.equal(env.site.requests.filter((r) => r.path.startsWith('/authorize/')).length, 0);
  });
});

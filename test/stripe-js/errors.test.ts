// Failure paths (client.md §2.1, §6): API errors pass through as {error}, network failures are
// api_connection_error, integration mistakes throw synchronously; promises never reject.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deadPort, invoke, useLibraryPage } from './harness.js';
import { PI, PI_SECRET, PK, SETI_SECRET, paymentIntentBody, setupIntentBody } from './fixtures.js';
import { chromiumSkip } from '../support/tools.js';

const env = useLibraryPage();

describe('API errors', { skip: chromiumSkip }, () => {
  test('the body error object is passed through, including the embedded intent', async () => {
    const error = {
      type: 'invalid_request_error',
      code: 'setup_intent_unexpected_state',
      doc_url: 'https://docs.stripe.com/error-codes/setup-intent-unexpected-state',
      message: 'You cannot confirm this SetupIntent because it has already succeeded.',
      request_log_url: 'http://127.0.0.1/logs/req_1',
      setup_intent: setupIntentBody({ status: 'succeeded' }),
    };
    env.api.respond = () => ({ status: 400, json: { error } });
    const out = await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin },
      method: 'confirmAmazonPaySetup',
      args: [SETI_SECRET, { return_url: `${env.site.origin}/done` }],
    });
    assert.deepEqual(out, { result: { error } });
  });

  test('a 402 on a payment confirm resolves {error} with payment_intent', async () => {
    const error = {
      type: 'card_error',
      code: 'payment_intent_authentication_failure',
      message: 'The provided PaymentMethod has failed authentication.',
      payment_intent: paymentIntentBody({ status: 'requires_payment_method' }),
    };
    env.api.respond = () => ({ status: 402, json: { error } });
    const out = await invoke(env.page, {
      key: PK,
      options: { apiHost: env.api.origin },
      method: 'confirmAmazonPayPayment',
      args: [PI_SECRET, { return_url: `${env.site.origin}/done` }],
    });
    assert.deepEqual(out, { result: { error } });
  });

  test('a 401 on retrieve resolves {error}', async () => {
    const error = { type: 'invalid_request_error', message: 'Invalid API Key provided: pk_test_****0000' };
    env.api.respond = () => ({ status: 401, json: { error } });
    const out = await invoke(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'retrievePaymentIntent', args: [PI_SECRET] });
    assert.deepEqual(out, { result: { error } });
  });

  test('a non-JSON answer resolves api_error', async () => {
    env.api.respond = () => ({ status: 502, text: '<html>Bad Gateway</html>', contentType: 'text/html' });
    const out = await invoke(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'retrieveSetupIntent', args: [SETI_SECRET] });
    assert.ok('result' in out, JSON.stringify(out));
    assert.equal(out.result.error.type, 'api_error');
    assert.match(out.result.error.message, /502/);
    assert.equal(out.result.setupIntent, undefined);
  });

  test('a 200 that is not the expected intent resolves api_error', async () => {
    env.api.respond = () => ({ status: 200, json: setupIntentBody() });
    const out = await invoke(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'retrievePaymentIntent', args: [PI_SECRET] });
    assert.ok('result' in out, JSON.stringify(out));
    assert.equal(out.result.error.type, 'api_error');
  });
});

describe('network failure', { skip: chromiumSkip }, () => {
  test('a dead port resolves api_connection_error for confirm and retrieve', async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    for (const [method, args] of [
      ['confirmAmazonPaySetup', [SETI_SECRET, { return_url: `${env.site.origin}/done` }]],
      ['retrievePaymentIntent', [PI_SECRET]],
      ['handleNextAction', [{ clientSecret: PI_SECRET }]],
    ] as const) {
      const out = await invoke(env.page, { key: PK, options: { apiHost: dead }, method, args: [...args] });
      assert.ok('result' in out, `${method}: ${JSON.stringify(out)}`);
      assert.equal(out.result.error.type, 'api_connection_error', method);
      assert.equal(typeof out.result.error.message, 'string', method);
      assert.deepEqual(Object.keys(out.result).sort(), ['error'], method);
    }
  });
});

describe('integration mistakes throw synchronously', { skip: chromiumSkip }, () => {
  const thrown = async (spec: Parameters<typeof invoke>[1]): Promise<string> => {
    const out = await invoke(env.page, spec);
    assert.ok('thrown' in out, `expected a synchronous throw, got ${JSON.stringify(out)}`);
    assert.equal(out.thrown.name, 'IntegrationError');
    return out.thrown.message;
  };

  test('Stripe() rejects non-string, empty and secret keys', async () => {
    for (const key of [undefined, 42, null, { key: PK }, '']) await thrown({ key });
    assert.match(await thrown({ key: 'sk_test_123' }), /secret key/);
    assert.match(await thrown({ key: 'rk_test_123' }), /secret key/);
    assert.match(await thrown({ key: PK, options: { apiHost: 'ftp://127.0.0.1' } }), /apiHost/);
    assert.equal(env.api.apiRequests().length, 0);
  });

  test('malformed or mismatched client secrets throw', async () => {
    const opts = { apiHost: env.api.origin };
    const cases: Array<[string, unknown[]]> = [
      ['confirmAmazonPaySetup', ['seti_123']],
      ['confirmAmazonPaySetup', [PI_SECRET, {}]],
      ['confirmAmazonPaySetup', [42]],
      ['confirmAmazonPaySetup', [`${SETI_SECRET}/../x`]],
      ['confirmAmazonPayPayment', [SETI_SECRET]],
      ['confirmAmazonPayPayment', [`${PI}_secret_`]],
      ['retrieveSetupIntent', [undefined]],
      ['retrievePaymentIntent', ['pi__secret_abc']],
      ['handleNextAction', [PI_SECRET]],
      ['handleNextAction', [{ clientSecret: 'cus_123_secret_abc' }]],
    ];
    for (const [method, args] of cases) await thrown({ key: PK, options: opts, method, args });
    assert.equal(env.api.apiRequests().length, 0, 'nothing is sent for a malformed call');
  });

  test('bad data and options throw', async () => {
    const opts = { apiHost: env.api.origin };
    await thrown({ key: PK, options: opts, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, 'return_url'] });
    await thrown({ key: PK, options: opts, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { return_url: 5 }] });
    await thrown({ key: PK, options: opts, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { payment_method: 5 }] });
    await thrown({ key: PK, options: opts, method: 'confirmAmazonPayPayment', args: [PI_SECRET, {}, { handleActions: 'no' }] });
    assert.equal(env.api.apiRequests().length, 0);
  });
});

describe('construction and API origin', { skip: chromiumSkip }, () => {
  test('Stripe.version is dahlia and _registerWrapper exists', async () => {
    const out = await invoke(env.page, { key: PK });
    assert.deepEqual(out, { constructed: true, version: 'dahlia', registerWrapper: 'function' });
  });

  test('without apiHost, calls go to the origin the script was loaded from', async () => {
    env.api.respond = () => ({ status: 200, json: setupIntentBody() });
    const out = await invoke(env.page, { key: PK, method: 'retrieveSetupIntent', args: [SETI_SECRET] });
    assert.deepEqual(out, { result: { setupIntent: setupIntentBody() } });
    assert.equal(env.api.apiRequests().length, 1);
    assert.equal(env.site.apiRequests().length, 0);
  });

  test('an inline script falls back to the page origin', async () => {
    await env.page.goto(`${env.site.origin}/inline-page`);
    env.site.respond = () => ({ status: 200, json: setupIntentBody() });
    const out = await invoke(env.page, { key: PK, method: 'retrieveSetupIntent', args: [SETI_SECRET] });
    assert.deepEqual(out, { result: { setupIntent: setupIntentBody() } });
    assert.equal(env.site.apiRequests().length, 1);
    assert.equal(env.api.apiRequests().length, 0);
  });

  test('apiHost with a base path prefixes every call', async () => {
    env.api.respond = () => ({ status: 200, json: setupIntentBody() });
    await invoke(env.page, { key: PK, options: { apiHost: `${env.api.origin}/stripe/` }, method: 'retrieveSetupIntent', args: [SETI_SECRET] });
    assert.deepEqual(env.api.requests.filter((r) => r.path.includes('setup_intents')).map((r) => r.path), [
      '/stripe/v1/setup_intents/seti_1Qa2Bc3De4Fg5Hi6Jk7Lm8No',
    ]);
  });
});

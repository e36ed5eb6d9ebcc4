import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';

// Response conventions every request shares: Request-Id, Cache-Control, CORS for Stripe.js, and
// Stripe's 404 for unknown routes (https://docs.stripe.com/api/request_ids).
const REQ_ID = /^req_[A-Za-z0-9]{14}$/;

for (const engine of engines()) {
  describe(`wire: HTTP conventions [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('sends a fresh Request-Id on every response, errors included', async () => {
      const responses = [
        await raw(s.url, 'GET', '/v1/customers', { key: s.sk }),
        await raw(s.url, 'GET', '/v1/customers'),
        await raw(s.url, 'GET', '/v1/customers/cus_nope000000000', { key: s.sk }),
        await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'balance=abc' }),
        await raw(s.url, 'GET', '/v1/nothing/here', { key: s.sk }),
        await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { nope: 1 } }),
        await raw(s.url, 'OPTIONS', '/v1/customers', { headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } }),
      ];
      const seen = new Set<string>();
      for (const r of responses) {
        const id = r.headers.get('request-id') ?? '';
        assert.match(id, REQ_ID, `${r.status}`);
        seen.add(id);
        assert.equal(r.headers.get('cache-control'), 'no-cache, no-store');
      }
      assert.equal(seen.size, responses.length);
      const viaSdk = await s.stripe.customers.list({ limit: 1 });
      assert.match(viaSdk.lastResponse.requestId, REQ_ID);
    });

    it('answers unknown routes and methods with Stripe\'s 404 wording', async () => {
      const r = await raw(s.url, 'POST', '/v1/widgets', { key: s.sk, form: 'a=1' });
      assert.equal(r.status, 404);
      assert.deepEqual(r.body, {
        error: { message: 'Unrecognized request URL (POST: /v1/widgets). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.', type: 'invalid_request_error' },
      });
      const put = await raw(s.url, 'PUT', '/v1/customers', { key: s.sk });
      assert.equal(put.status, 404);
      assert.match(put.body.error.message, /^Unrecognized request URL \(PUT: \/v1\/customers\)/);
      const query = await raw(s.url, 'GET', '/v1/widgets?limit=3', { key: s.sk });
      assert.match(query.body.error.message, /\(GET: \/v1\/widgets\)/, 'the query string is not echoed');
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('answers a trailing slash with a 404 that says so, as an empty id in a retrieve makes one', async () => {
      const hint =
        'If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code. Please see https://stripe.com/docs or we can help at https://support.stripe.com/.';
      const post = await raw(s.url, 'POST', '/v1/payment_intents/', { key: s.sk, form: 'amount=100&currency=usd' });
      assert.deepEqual([post.status, post.body], [404, { error: { message: `Unrecognized request URL (POST: /v1/payment_intents/). ${hint}`, type: 'invalid_request_error' } }]);
      const list = await raw(s.url, 'GET', '/v1/customers/?limit=1', { key: s.sk });
      assert.deepEqual([list.status, list.body.error.message], [404, `Unrecognized request URL (GET: /v1/customers/). ${hint}`]);
      await assert.rejects(s.stripe.customers.retrieve(''), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.message.startsWith('Unrecognized request URL (GET: /v1/customers/).'));
      const nested = await raw(s.url, 'GET', '/v1/customers/cus_x/payment_methods/', { key: s.sk });
      assert.deepEqual([nested.status, nested.body.error.message], [404, `Unrecognized request URL (GET: /v1/customers/cus_x/payment_methods/). ${hint}`]);
      const noKey = await raw(s.url, 'GET', '/v1/customers/');
      assert.equal(noKey.status, 404, 'the URL is judged before the key, as for any unknown URL');
    });

    it('allows cross-origin calls from a browser: CORS headers and OPTIONS preflight', async () => {
      const origin = 'https://shop.example';
      const pre = await raw(s.url, 'OPTIONS', '/v1/customers', {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,stripe-version' },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), origin);
      assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
      assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type,stripe-version');
      assert.equal(pre.headers.get('access-control-max-age'), '300');
      const get = await raw(s.url, 'GET', '/v1/customers', { key: s.sk, headers: { origin } });
      assert.equal(get.headers.get('access-control-allow-origin'), origin);
      const exposed = (get.headers.get('access-control-expose-headers') ?? '').split(/,\s*/);
      for (const h of ['Request-Id', 'Stripe-Should-Retry', 'Idempotent-Replayed', 'Original-Request']) assert.ok(exposed.includes(h), h);
      const error = await raw(s.url, 'GET', '/v1/customers', { headers: { origin } });
      assert.equal(error.status, 401);
      assert.equal(error.headers.get('access-control-allow-origin'), origin, 'errors are readable by the page too');
      const noOrigin = await raw(s.url, 'GET', '/v1/customers', { key: s.sk });
      assert.equal(noOrigin.headers.get('access-control-allow-origin'), '*');
    });

    it('tells SDKs whether to retry: Stripe-Should-Retry false on success and on a 4xx', async () => {
      const ok = await raw(s.url, 'GET', '/v1/customers', { key: s.sk });
      assert.equal(ok.headers.get('stripe-should-retry'), 'false');
      const bad = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'balance=abc' });
      assert.equal(bad.headers.get('stripe-should-retry'), 'false');
    });
  });
}

// Redirect handling (client.md §4): with handleActions the page navigates to the authorize URL
// and the promise never settles; without it nothing navigates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invoke, start, waitUntil, WAIT_MS, within, useLibraryPage } from './harness.js';
import { PI_SECRET, PK, SETI_SECRET, paymentIntentBody, redirectAction, setupIntentBody } from './fixtures.js';
import { chromiumSkip } from '../support/tools.js';

const env = useLibraryPage();

const authorizeUrl = (): string => `${env.site.origin}/authorize/tok_abc?x=1`;
const returnUrl = (): string => `${env.site.origin}/complete`;
const settledReports = (): string[] => env.site.requests.filter((r) => r.path === '/settled').map((r) => r.rawQuery);
const authorizeHits = (): number => env.site.requests.filter((r) => r.path.startsWith('/authorize/')).length;

function answerRequiresAction(): void {
  env.api.respond = (req) =>
    req.path.startsWith('/v1/setup_intents/')
      ? { status: 200, json: setupIntentBody({ status: 'requires_action', next_action: redirectAction(authorizeUrl(), returnUrl()) }) }
      : { status: 200, json: paymentIntentBody({ status: 'requires_action', next_action: redirectAction(authorizeUrl(), returnUrl()) }) };
}

/** The page lands on the authorize URL and the old page's promise never settled. */
async function expectNavigationWithoutSettling(): Promise<void> {
  await env.page.waitForURL(authorizeUrl(), { timeout: WAIT_MS });
  assert.equal(await env.page.textContent('#authorize'), 'authorize page');
  const hit = env.site.requests.find((r) => r.path.startsWith('/authorize/'));
  assert.equal(hit?.method, 'GET');
  assert.equal(hit?.rawQuery, 'x=1');
  assert.equal(hit?.headers.referer, env.pageUrl, 'a top-level navigation from the merchant page');
  // The driver beacons when the promise settles; give a late beacon time to arrive.
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(settledReports(), [], 'the promise must not settle when the page navigates');
}

test('confirmAmazonPaySetup navigates to next_action.redirect_to_url.url by default', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  assert.equal(
    await start(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { return_url: returnUrl() }] }),
    'started',
  );
  await expectNavigationWithoutSettling();
});

test('confirmAmazonPayPayment with handleActions: true navigates too', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  await start(env.page, {
    key: PK,
    options: { apiHost: env.api.origin },
    method: 'confirmAmazonPayPayment',
    args: [PI_SECRET, { return_url: returnUrl() }, { handleActions: true }],
  });
  await expectNavigationWithoutSettling();
});

test('handleActions: false resolves the requires_action intent and does not navigate', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  const out = await invoke(env.page, {
    key: PK,
    options: { apiHost: env.api.origin },
    method: 'confirmAmazonPaySetup',
    args: [SETI_SECRET, { return_url: returnUrl() }, { handleActions: false }],
  });
  assert.deepEqual(out, {
    result: { setupIntent: setupIntentBody({ status: 'requires_action', next_action: redirectAction(authorizeUrl(), returnUrl()) }) },
  });
  // The settle beacon is what the navigation tests rely on to prove a promise stayed pending.
  await waitUntil(() => settledReports().length > 0, 'the settle beacon');
  assert.deepEqual(settledReports(), ['how=resolved']);
  // Give a wrongly started navigation time to reach the server before checking it did not.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(authorizeHits(), 0);
  assert.equal(env.page.url(), env.pageUrl);
});

test('handleNextAction retrieves the intent, then performs its redirect', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  await start(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'handleNextAction', args: [{ clientSecret: SETI_SECRET }] });
  await expectNavigationWithoutSettling();
  const reqs = env.api.apiRequests();
  assert.deepEqual(
    reqs.map((r) => `${r.method} ${r.path}`),
    ['GET /v1/setup_intents/seti_1Qa2Bc3De4Fg5Hi6Jk7Lm8No'],
  );
  assert.deepEqual(reqs[0]?.query, { client_secret: SETI_SECRET, is_stripe_sdk: 'false', key: PK });
});

test('handleNextAction on an intent without a pending action resolves {error} with the intent', { skip: chromiumSkip }, async () => {
  env.api.respond = () => ({ status: 200, json: paymentIntentBody({ status: 'succeeded' }) });
  const out = await invoke(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'handleNextAction', args: [{ clientSecret: PI_SECRET }] });
  assert.ok('result' in out, JSON.stringify(out));
  assert.equal(out.result.error.type, 'invalid_request_error');
  assert.equal(typeof out.result.error.message, 'string');
  assert.deepEqual(out.result.error.payment_intent, paymentIntentBody({ status: 'succeeded' }));
  assert.equal(out.result.paymentIntent, undefined);
});

test('a next_action other than redirect_to_url resolves invalid_request_error without navigating', { skip: chromiumSkip }, async () => {
  const sdkAction = { type: 'use_stripe_sdk', use_stripe_sdk: {} };
  env.api.respond = () => ({ status: 200, json: setupIntentBody({ status: 'requires_action', next_action: sdkAction }) });
  const out = await invoke(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { return_url: returnUrl() }] });
  assert.ok('result' in out, JSON.stringify(out));
  assert.equal(out.result.error.type, 'invalid_request_error');
  assert.equal(out.result.error.setup_intent.next_action.type, 'use_stripe_sdk');
  assert.equal(env.page.url(), env.pageUrl);
});

test('a non-http(s) redirect URL is refused rather than followed', { skip: chromiumSkip }, async () => {
  const evil = { type: 'redirect_to_url', redirect_to_url: { url: 'javascript:window.__pwned=1', return_url: null } };
  env.api.respond = () => ({ status: 200, json: setupIntentBody({ status: 'requires_action', next_action: evil }) });
  const out = await invoke(env.page, { key: PK, options: { apiHost: env.api.origin }, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { return_url: returnUrl() }] });
  assert.ok('result' in out, JSON.stringify(out));
  assert.equal(out.result.error.type, 'invalid_request_error');
  assert.equal(await within(env.page.evaluate('window.__pwned')), undefined);
  assert.equal(env.page.url(), env.pageUrl);
});

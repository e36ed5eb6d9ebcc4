// Redirect handling (client.md §4): with handleActions the page navigates to the authorize URL
// and the promise never settles; without it nothing navigates.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import type { Page } from 'playwright-core';
import { invoke, launchBrowser, start, Stub, waitUntil, WAIT_MS, within, type BrowserHandle } from './harness.js';
import { PI_SECRET, PK, SETI_SECRET, paymentIntentBody, redirectAction, setupIntentBody } from './fixtures.js';
import { chromiumSkip } from '../support/tools.js';

let site: Stub;
let api: Stub;
let browser: BrowserHandle;
let page: Page;
let pageUrl: string;

before(async () => {
  if (chromiumSkip) return; // the suite is skipped: no browser to start
  [site, api] = await Promise.all([Stub.start(), Stub.start()]);
  browser = await launchBrowser();
});
after(async () => {
  if (chromiumSkip) return; // the suite is skipped: no browser to start
  await browser?.close();
  await Promise.all([site?.close(), api?.close()]);
});
beforeEach(async () => {
  if (chromiumSkip) return; // the suite is skipped: no browser to start
  site.requests.length = 0;
  api.requests.length = 0;
  page = await browser.context.newPage();
  pageUrl = `${site.origin}/page?script=${encodeURIComponent(`${api.origin}/v3/`)}`;
  await page.goto(pageUrl);
});
afterEach(async () => {
  if (chromiumSkip) return; // the suite is skipped: no browser to start
  await page.close();
});

const authorizeUrl = (): string => `${site.origin}/authorize/tok_abc?x=1`;
const returnUrl = (): string => `${site.origin}/complete`;
const settledReports = (): string[] => site.requests.filter((r) => r.path === '/settled').map((r) => r.rawQuery);
const authorizeHits = (): number => site.requests.filter((r) => r.path.startsWith('/authorize/')).length;

function answerRequiresAction(): void {
  api.respond = (req) =>
    req.path.startsWith('/v1/setup_intents/')
      ? { status: 200, json: setupIntentBody({ status: 'requires_action', next_action: redirectAction(authorizeUrl(), returnUrl()) }) }
      : { status: 200, json: paymentIntentBody({ status: 'requires_action', next_action: redirectAction(authorizeUrl(), returnUrl()) }) };
}

/** The page lands on the authorize URL and the old page's promise never settled. */
async function expectNavigationWithoutSettling(): Promise<void> {
  await page.waitForURL(authorizeUrl(), { timeout: WAIT_MS });
  assert.equal(await page.textContent('#authorize'), 'authorize page');
  const hit = site.requests.find((r) => r.path.startsWith('/authorize/'));
  assert.equal(hit?.method, 'GET');
  assert.equal(hit?.rawQuery, 'x=1');
  assert.equal(hit?.headers.referer, pageUrl, 'a top-level navigation from the merchant page');
  // The driver beacons when the promise settles; give a late beacon time to arrive.
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(settledReports(), [], 'the promise must not settle when the page navigates');
}

test('confirmAmazonPaySetup navigates to next_action.redirect_to_url.url by default', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  assert.equal(
    await start(page, { key: PK, options: { apiHost: api.origin }, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { return_url: returnUrl() }] }),
    'started',
  );
  await expectNavigationWithoutSettling();
});

test('confirmAmazonPayPayment with handleActions: true navigates too', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  await start(page, {
    key: PK,
    options: { apiHost: api.origin },
    method: 'confirmAmazonPayPayment',
    args: [PI_SECRET, { return_url: returnUrl() }, { handleActions: true }],
  });
  await expectNavigationWithoutSettling();
});

test('handleActions: false resolves the requires_action intent and does not navigate', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  const out = await invoke(page, {
    key: PK,
    options: { apiHost: api.origin },
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
  assert.equal(page.url(), pageUrl);
});

test('handleNextAction retrieves the intent, then performs its redirect', { skip: chromiumSkip }, async () => {
  answerRequiresAction();
  await start(page, { key: PK, options: { apiHost: api.origin }, method: 'handleNextAction', args: [{ clientSecret: SETI_SECRET }] });
  await expectNavigationWithoutSettling();
  const reqs = api.apiRequests();
  assert.deepEqual(
    reqs.map((r) => `${r.method} ${r.path}`),
    ['GET /v1/setup_intents/seti_1Qa2Bc3De4Fg5Hi6Jk7Lm8No'],
  );
  assert.deepEqual(reqs[0]?.query, { client_secret: SETI_SECRET, is_stripe_sdk: 'false', key: PK });
});

test('handleNextAction on an intent without a pending action resolves {error} with the intent', { skip: chromiumSkip }, async () => {
  api.respond = () => ({ status: 200, json: paymentIntentBody({ status: 'succeeded' }) });
  const out = await invoke(page, { key: PK, options: { apiHost: api.origin }, method: 'handleNextAction', args: [{ clientSecret: PI_SECRET }] });
  assert.ok('result' in out, JSON.stringify(out));
  assert.equal(out.result.error.type, 'invalid_request_error');
  assert.equal(typeof out.result.error.message, 'string');
  assert.deepEqual(out.result.error.payment_intent, paymentIntentBody({ status: 'succeeded' }));
  assert.equal(out.result.paymentIntent, undefined);
});

test('a next_action other than redirect_to_url resolves invalid_request_error without navigating', { skip: chromiumSkip }, async () => {
  const sdkAction = { type: 'use_stripe_sdk', use_stripe_sdk: {} };
  api.respond = () => ({ status: 200, json: setupIntentBody({ status: 'requires_action', next_action: sdkAction }) });
  const out = await invoke(page, { key: PK, options: { apiHost: api.origin }, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { return_url: returnUrl() }] });
  assert.ok('result' in out, JSON.stringify(out));
  assert.equal(out.result.error.type, 'invalid_request_error');
  assert.equal(out.result.error.setup_intent.next_action.type, 'use_stripe_sdk');
  assert.equal(page.url(), pageUrl);
});

test('a non-http(s) redirect URL is refused rather than followed', { skip: chromiumSkip }, async () => {
  const evil = { type: 'redirect_to_url', redirect_to_url: { url: 'javascript:window.__pwned=1', return_url: null } };
  api.respond = () => ({ status: 200, json: setupIntentBody({ status: 'requires_action', next_action: evil }) });
  const out = await invoke(page, { key: PK, options: { apiHost: api.origin }, method: 'confirmAmazonPaySetup', args: [SETI_SECRET, { return_url: returnUrl() }] });
  assert.ok('result' in out, JSON.stringify(out));
  assert.equal(out.result.error.type, 'invalid_request_error');
  assert.equal(await within(page.evaluate('window.__pwned')), undefined);
  assert.equal(page.url(), pageUrl);
});

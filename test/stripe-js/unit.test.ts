// Pure parts of the browser library, run in Node: wire encoding, client secrets, the bundle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import qs from 'qs';
import { buildBrowserBundle } from '../../packages/stripe-js/build.js';
import { getBrowserBundle } from '../../packages/stripe-js/serve.js';
import { parseClientSecret } from '../../packages/stripe-js/src/client-secret.js';
import { encodeForm } from '../../packages/stripe-js/src/form.js';
import { Stripe, IntegrationError } from '../../packages/stripe-js/src/index.js';

test('encodeForm spells nesting with brackets and arrays with indices', () => {
  const body = encodeForm({
    a: { b: { c: 'v' } },
    expand: ['payment_method', 'x'],
    items: [{ price: 'p1', quantity: 2 }],
    flag: true,
    none: undefined,
    cleared: null,
    text: 'A & B = c+d é',
  });
  assert.equal(
    body,
    'a[b][c]=v&expand[0]=payment_method&expand[1]=x&items[0][price]=p1&items[0][quantity]=2&flag=true' +
      '&cleared=&text=A%20%26%20B%20%3D%20c%2Bd%20%C3%A9',
  );
  assert.deepEqual(qs.parse(body), {
    a: { b: { c: 'v' } },
    expand: ['payment_method', 'x'],
    items: [{ price: 'p1', quantity: '2' }],
    flag: 'true',
    cleared: '',
    text: 'A & B = c+d é',
  });
});

test('encodeForm escapes separators inside keys', () => {
  assert.equal(encodeForm({ metadata: { 'a&b=c': '1' } }), 'metadata[a%26b%3Dc]=1');
});

test('encodeForm refuses values that cannot go on the wire', () => {
  assert.throws(() => encodeForm({ f: (() => 1) as never }), IntegrationError);
  assert.throws(() => encodeForm({ d: new Date(0) as never }), IntegrationError);
});

test('parseClientSecret takes the id before _secret_ and checks the intent kind', () => {
  assert.deepEqual(parseClientSecret('m', 'setup_intent', 'seti_1Abc_secret_Xyz'), {
    kind: 'setup_intent',
    id: 'seti_1Abc',
    clientSecret: 'seti_1Abc_secret_Xyz',
  });
  assert.equal(parseClientSecret('m', 'payment_intent', 'pi_1Abc_secret_Xy_secret_z').id, 'pi_1Abc');
  for (const bad of ['pi_1Abc_secret_Xyz', 'seti_1Abc', 'seti_1Abc_secret_', 'seti_1 Abc_secret_x', 'seti_1%2F_secret_x']) {
    assert.throws(() => parseClientSecret('m', 'setup_intent', bad), IntegrationError, bad);
  }
});

test('the factory validates keys in Node too (no window needed until a call is made)', () => {
  assert.equal(Stripe.version, 'dahlia');
  assert.throws(() => Stripe('sk_test_1', { apiHost: 'http://127.0.0.1:1' }), IntegrationError);
  const stripe = Stripe('pk_test_1', { apiHost: 'http://127.0.0.1:1' });
  assert.equal(typeof stripe.confirmAmazonPaySetup, 'function');
  assert.equal(new Stripe('pk_test_1', { apiHost: 'http://127.0.0.1:1' }).retrieveSetupIntent.length, 1);
});

test('the bundle is a classic script that defines window.Stripe', async () => {
  const bundle = await buildBrowserBundle();
  assert.doesNotMatch(bundle, /^\s*(import|export)\s/m, 'no module syntax in the IIFE');
  const window: Record<string, unknown> = { location: { origin: 'http://127.0.0.1:9' } };
  runInNewContext(bundle, { window, document: { currentScript: { src: 'http://127.0.0.1:12111/v3/' } }, URL });
  const S = window.Stripe as typeof Stripe;
  assert.equal(typeof S, 'function');
  assert.equal(S.version, 'dahlia');
  assert.equal(typeof S('pk_test_1').handleNextAction, 'function');
});

test('getBrowserBundle builds once and reuses the result', async () => {
  const [a, b] = await Promise.all([getBrowserBundle(), getBrowserBundle()]);
  assert.equal(a, b);
  assert.ok(a.includes('window.Stripe = Stripe'));
});

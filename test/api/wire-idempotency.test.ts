import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { engines, forgetAnswer, raw, startTestServer, type TestServer } from '../support/harness.js';
import { beginIdempotent, finishIdempotent } from '../../src/http/idempotency.js';
import { onEventInserted } from '../../src/events/hooks.js';

// https://docs.stripe.com/api/idempotent_requests
const key = () => `test-${randomUUID()}`;

/** A gate a test opens by hand: requests creating a customer with metadata[gate]=<id> wait on it inside their transaction. */
const gates = new Map<string, { entered: () => void; wait: Promise<void> }>();
onEventInserted(async (_t, _ctx, event) => {
  const gate = (event.data.object as { metadata?: Record<string, string> }).metadata?.gate;
  const g = gate ? gates.get(gate) : undefined;
  if (g) {
    g.entered();
    await g.wait;
  }
});
function gate(id: string) {
  let entered!: () => void;
  let open!: () => void;
  const enteredP = new Promise<void>((r) => (entered = r));
  const wait = new Promise<void>((r) => (open = r));
  gates.set(id, { entered, wait });
  return { entered: enteredP, open };
}

/** Bounded wait for a promise in a test: fails instead of hanging. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

for (const engine of engines()) {
  describe(`wire: idempotency [${engine}]`, () => {
    let s: TestServer;
    const countByEmail = async (email: string) => (await s.stripe.customers.list({ email, limit: 100 })).data.length;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('replays the first response byte for byte with Idempotent-Replayed and Original-Request', async () => {
      const k = key();
      const form = 'email=replay%40example.com&metadata[n]=1';
      const one = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(one.status, 200);
      assert.equal(one.headers.get('idempotency-key'), k);
      assert.equal(one.headers.get('original-request'), one.headers.get('request-id'));
      assert.equal(one.headers.get('idempotent-replayed'), null);
      const two = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(two.status, 200);
      assert.equal(two.text, one.text);
      assert.equal(two.headers.get('idempotent-replayed'), 'true');
      assert.equal(two.headers.get('original-request'), one.headers.get('request-id'));
      assert.notEqual(two.headers.get('request-id'), one.headers.get('request-id'));
      assert.equal(await countByEmail('replay@example.com'), 1);
      const viaSdk = await s.stripe.customers.create({ email: 'replay@example.com', metadata: { n: '1' } }, { idempotencyKey: k });
      assert.equal(viaSdk.id, one.body.id);
    });

    it('replays errors of a request that began executing (a 404 on a missing customer)', async () => {
      const k = key();
      const one = await raw(s.url, 'POST', '/v1/customers/cus_missing000000', { key: s.sk, form: 'name=x', headers: { 'idempotency-key': k } });
      assert.equal(one.status, 404);
      const two = await raw(s.url, 'POST', '/v1/customers/cus_missing000000', { key: s.sk, form: 'name=x', headers: { 'idempotency-key': k } });
      assert.equal(two.status, 404);
      assert.equal(two.text, one.text);
      assert.equal(two.headers.get('idempotent-replayed'), 'true');
    });

    it('refuses the same key with other parameters or another endpoint: 400 idempotency_error', async () => {
      const k = key();
      await s.stripe.customers.create({ email: 'first@example.com' }, { idempotencyKey: k });
      const err = await s.stripe.customers.create({ email: 'second@example.com' }, { idempotencyKey: k }).catch((e: Stripe.errors.StripeError) => e);
      assert.ok(err instanceof Stripe.errors.StripeIdempotencyError, String(err));
      assert.equal(err.statusCode, 400);
      assert.equal(
        err.message,
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${k}' if you meant to execute a different request.`,
      );
      const c = await s.stripe.customers.create({});
      const other = await raw(s.url, 'POST', `/v1/customers/${c.id}`, { key: s.sk, form: 'email=first%40example.com', headers: { 'idempotency-key': k } });
      assert.equal(other.status, 400);
      assert.equal(other.body.error.type, 'idempotency_error');
      assert.equal(await countByEmail('second@example.com'), 0);
    });

    it('does not store a validation failure: the corrected retry runs', async () => {
      const k = key();
      const bad = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'email=fixed%40example.com&balance=abc', headers: { 'idempotency-key': k } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'parameter_invalid_integer');
      const good = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'email=fixed%40example.com&balance=5', headers: { 'idempotency-key': k } });
      assert.equal(good.status, 200, good.text);
      assert.equal(good.body.balance, 5);
      assert.equal(good.headers.get('idempotent-replayed'), null);
    });

    it('scopes keys per account', async () => {
      const k = key();
      const other = await s.newAccount();
      const a = await s.stripe.customers.create({ email: 'scoped@example.com' }, { idempotencyKey: k });
      const b = await other.stripe.customers.create({ email: 'scoped@example.com' }, { idempotencyKey: k });
      assert.notEqual(a.id, b.id);
      await assert.rejects(other.stripe.customers.retrieve(a.id), (e: Stripe.errors.StripeError) => e.statusCode === 404);
    });

    it('ignores the key on GET and refuses keys over 255 characters', async () => {
      const k = key();
      const one = await raw(s.url, 'GET', '/v1/customers?limit=1', { key: s.sk, headers: { 'idempotency-key': k } });
      const two = await raw(s.url, 'GET', '/v1/customers?limit=2', { key: s.sk, headers: { 'idempotency-key': k } });
      assert.equal(one.status, 200);
      assert.equal(two.status, 200);
      assert.equal(two.headers.get('idempotent-replayed'), null);
      const long = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'name=x', headers: { 'idempotency-key': 'k'.repeat(256) } });
      assert.equal(long.status, 400);
    });

    it('answers 409 idempotency_key_in_use while another request holds the key, then replays its result', async () => {
      const k = key();
      const scope = { accountId: s.account.id, livemode: false };
      const form = 'email=held%40example.com';
      // Another process (or request) has claimed the key and is still running.
      const first = await beginIdempotent(s.server.store, scope, k, { method: 'POST', path: '/v1/customers', params: { email: 'held@example.com' }, requestId: 'req_holder0000000', nowMs: s.clock.nowMs() });
      assert.equal(first.kind, 'execute');
      const busy = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(busy.status, 409);
      assert.equal(busy.body.error.type, 'idempotency_error');
      assert.equal(busy.body.error.code, 'idempotency_key_in_use');
      assert.equal(busy.headers.get('stripe-should-retry'), 'true');
      const err = await s.stripe.customers.create({ email: 'held@example.com' }, { idempotencyKey: k }).catch((e: Stripe.errors.StripeError) => e);
      // stripe-node maps a 409 to StripeAPIError (and would retry it, honouring Stripe-Should-Retry).
      assert.ok(err instanceof Stripe.errors.StripeAPIError, String(err));
      assert.equal(err.statusCode, 409);
      assert.equal(err.code, 'idempotency_key_in_use');
      const stored = JSON.stringify({ id: 'cus_fromholder000', object: 'customer' });
      await finishIdempotent(s.server.store, scope, k, 'req_holder0000000', 200, stored, true);
      const after_ = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(after_.status, 200);
      assert.equal(after_.text, stored);
      assert.equal(after_.headers.get('original-request'), 'req_holder0000000');
      assert.equal(await countByEmail('held@example.com'), 0);
    });

    it('two racing requests with one key execute once', async () => {
      const k = key();
      const g = gate(k);
      const form = `email=race%40example.com&metadata[gate]=${k}`;
      const first = raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      await within(g.entered, 5000, 'first request inside its transaction');
      // The first request is inside its transaction, its key not yet written: the second one meets it
      // (in this process, before executing) and is told to retry, on both engines.
      const r2 = await within(raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } }), 5000, 'second request');
      assert.equal(r2.status, 409, r2.text);
      assert.equal(r2.body.error.code, 'idempotency_key_in_use');
      assert.equal(r2.headers.get('stripe-should-retry'), 'true');
      g.open();
      const r1 = await within(first, 5000, 'first request');
      assert.equal(r1.status, 200);
      // The retry the 409 asked for replays the first request's answer.
      const r3 = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(r3.text, r1.text);
      assert.equal(r3.headers.get('idempotent-replayed'), 'true');
      gates.delete(k);
      assert.equal(await countByEmail('race@example.com'), 1);
    });

    it('after a crash between the committed change and the stored response, a retry replays the object instead of creating another', async () => {
      const k = key();
      const form = 'email=crash%40example.com&name=Before';
      const one = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(one.status, 200);
      const recorded = await s.server.store.read.one<{ object_type: string; object_id: string }>(
        'SELECT object_type, object_id FROM idempotency_keys WHERE account_id = ? AND key = ?',
        [s.account.id, k],
      );
      assert.deepEqual({ ...recorded }, { object_type: 'customer', object_id: one.body.id }, 'the state-change transaction recorded its object');
      // The state a crash right after that commit leaves; the first request's lock has not lapsed yet.
      await forgetAnswer(s, k, false);
      await s.stripe.customers.update(one.body.id, { name: 'After' });
      const tooSoon = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(tooSoon.status, 409, 'within the lock the first request may still be running');
      s.clock.advance(61_000);
      const retry = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(retry.status, 200, retry.text);
      assert.equal(retry.body.id, one.body.id);
      assert.equal(retry.body.name, 'After', 'the object as it is now');
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal(retry.headers.get('original-request'), one.headers.get('request-id'));
      assert.equal(await countByEmail('crash@example.com'), 1);
      const again = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(again.text, retry.text, 'the recovered answer is stored and replayed from then on');
    });

    it('after a crash between the committed create and its stored answer, a PaymentMethod create is not made twice either', async () => {
      const k = key();
      const form = 'type=amazon_pay&metadata[order]=crash';
      const one = await raw(s.url, 'POST', '/v1/payment_methods', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(one.status, 200, one.text);
      await forgetAnswer(s, k);
      const retry = await raw(s.url, 'POST', '/v1/payment_methods', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(retry.status, 200, retry.text);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal(retry.body.id, one.body.id);
      assert.deepEqual(retry.body, one.body);
    });

    it('after a crash between the committed create and its stored answer, a webhook endpoint create answers with its signing secret; an update never shows it', async () => {
      const k = key();
      const form = 'url=http%3A%2F%2F127.0.0.1%3A9%2Fcrash&enabled_events[]=customer.created';
      const one = await raw(s.url, 'POST', '/v1/webhook_endpoints', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(one.status, 200, one.text);
      assert.match(one.body.secret, /^whsec_/);
      await forgetAnswer(s, k);
      const retry = await raw(s.url, 'POST', '/v1/webhook_endpoints', { key: s.sk, form, headers: { 'idempotency-key': k } });
      assert.equal(retry.status, 200, retry.text);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.body, one.body, 'the secret is the only place the caller learns it, so the recovered create shows it');
      assert.equal((await s.stripe.webhookEndpoints.list({ limit: 100 })).data.filter((e) => e.id === one.body.id).length, 1);

      const uk = key();
      const update = 'description=changed';
      const updated = await raw(s.url, 'POST', `/v1/webhook_endpoints/${one.body.id}`, { key: s.sk, form: update, headers: { 'idempotency-key': uk } });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.secret, undefined);
      await forgetAnswer(s, uk);
      const retriedUpdate = await raw(s.url, 'POST', `/v1/webhook_endpoints/${one.body.id}`, { key: s.sk, form: update, headers: { 'idempotency-key': uk } });
      assert.equal(retriedUpdate.status, 200, retriedUpdate.text);
      assert.equal(retriedUpdate.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retriedUpdate.body, updated.body, 'an update answers without the secret, recovered or not');
      await s.stripe.webhookEndpoints.del(one.body.id);
    });

    it('after a crash before anything committed, a retry executes the request', async () => {
      const k = key();
      const scope = { accountId: s.account.id, livemode: false };
      await beginIdempotent(s.server.store, scope, k, { method: 'POST', path: '/v1/customers', params: { email: 'never@example.com' }, requestId: 'req_died000000000', nowMs: s.clock.nowMs() });
      s.clock.advance(61_000);
      const retry = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'email=never%40example.com', headers: { 'idempotency-key': k } });
      assert.equal(retry.status, 200, retry.text);
      assert.equal(retry.headers.get('idempotent-replayed'), null);
      assert.equal(await countByEmail('never@example.com'), 1);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { engines, sdk, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { dropSchema, pgSchema, startOnfile, type StartedServer } from '../cli/process.js';
import { newOwner, savedMethod, type Owner } from '../api/payment-intents.fixtures.js';

/**
 * Correctness under load (issue 4): calls racing on one PaymentIntent make exactly one payment and
 * answer the others with a clean error, on SQLite, on PostgreSQL, and with two onfile processes
 * sharing one PostgreSQL schema. Requests are raw and simultaneous, each with its own
 * Idempotency-Key as stripe-node sends.
 */
interface Answer {
  status: number;
  body: { id?: string; status?: string; error?: { code?: string; message: string } };
}

async function post(base: string, sk: string, path: string, form: string): Promise<Answer> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${sk}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': `stripe-node-retry-${randomUUID()}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** Exactly one winner; every loser is a 400 payment_intent_unexpected_state (never a 5xx or a second payment). */
function oneWinner(answers: Answer[]): Answer {
  const ok = answers.filter((a) => a.status === 200);
  assert.equal(ok.length, 1, JSON.stringify(answers));
  for (const a of answers.filter((x) => x.status !== 200)) {
    assert.equal(a.status, 400, JSON.stringify(a));
    assert.equal(a.body.error?.code, 'payment_intent_unexpected_state', JSON.stringify(a));
  }
  return ok[0];
}

interface Target {
  bases: string[];
  sk: string;
  stripe: Stripe;
  owner: Owner;
  pm: string;
}

const ownerForm = (o: Owner) => ('customer' in o ? `customer=${o.customer}` : `customer_account=${o.customer_account}`);

/** The races, run against one or several servers (requests alternate between them). */
function races(label: string, target: () => Target) {
  const base = (t: Target, i: number) => t.bases[i % t.bases.length];
  const intent = async (t: Target, extra = '') => {
    const r = await post(t.bases[0], t.sk, '/v1/payment_intents', `amount=1000&currency=usd&allowed_payment_method_types[]=amazon_pay&payment_method=${t.pm}&${ownerForm(t.owner)}${extra}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.id!;
  };
  const charges = async (t: Target, pi: string) => (await t.stripe.charges.list({ payment_intent: pi })).data;

  it(`${label}: concurrent confirms of one PaymentIntent charge it exactly once`, async () => {
    const t = target();
    for (let round = 0; round < 4; round++) {
      const pi = await intent(t);
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => post(base(t, i), t.sk, `/v1/payment_intents/${pi}/confirm`, 'off_session=true')));
      const won = oneWinner(answers);
      assert.equal(won.body.status, 'succeeded');
      const made = await charges(t, pi);
      assert.equal(made.length, 1);
      assert.equal(made[0].amount_captured, 1000);
    }
  });

  it(`${label}: a confirm racing a cancel: one of them happens, never both`, async () => {
    const t = target();
    for (let round = 0; round < 4; round++) {
      const pi = await intent(t);
      const order = round % 2 === 0;
      const [confirm, cancel] = await Promise.all([
        post(base(t, order ? 0 : 1), t.sk, `/v1/payment_intents/${pi}/confirm`, 'off_session=true'),
        post(base(t, order ? 1 : 0), t.sk, `/v1/payment_intents/${pi}/cancel`, ''),
      ]);
      oneWinner([confirm, cancel]);
      const final = await t.stripe.paymentIntents.retrieve(pi);
      const made = await charges(t, pi);
      if (confirm.status === 200) {
        assert.equal(final.status, 'succeeded');
        assert.equal(made.length, 1);
      } else {
        assert.equal(final.status, 'canceled');
        assert.equal(made.length, 0);
      }
    }
  });

  it(`${label}: a capture racing a cancel on a held payment: captured or released, never both`, async () => {
    const t = target();
    for (let round = 0; round < 4; round++) {
      const pi = await intent(t, '&capture_method=manual&confirm=true&off_session=true');
      const [capture, cancel] = await Promise.all([
        post(base(t, round), t.sk, `/v1/payment_intents/${pi}/capture`, 'amount_to_capture=700'),
        post(base(t, round + 1), t.sk, `/v1/payment_intents/${pi}/cancel`, ''),
      ]);
      oneWinner([capture, cancel]);
      const final = await t.stripe.paymentIntents.retrieve(pi);
      const [charge] = await charges(t, pi);
      if (capture.status === 200) {
        assert.deepEqual([final.status, final.amount_received, charge.captured, charge.amount_captured], ['succeeded', 700, true, 700]);
      } else {
        assert.deepEqual([final.status, charge.captured, charge.refunded], ['canceled', false, true]);
      }
    }
  });

  it(`${label}: concurrent refunds never refund more than was paid`, async () => {
    const t = target();
    const pi = await intent(t, '&confirm=true&off_session=true');
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => post(base(t, i), t.sk, '/v1/refunds', `payment_intent=${pi}&amount=400`)));
    const ok = answers.filter((a) => a.status === 200);
    assert.equal(ok.length, 2, JSON.stringify(answers));
    for (const a of answers.filter((x) => x.status !== 200)) assert.equal(a.status, 400, JSON.stringify(a));
    const [charge] = await charges(t, pi);
    assert.deepEqual([charge.amount_refunded, charge.refunded], [800, false]);
    assert.equal((await t.stripe.refunds.list({ payment_intent: pi })).data.length, 2);
  });

  it(`${label}: two captures at once capture once`, async () => {
    const t = target();
    const pi = await intent(t, '&capture_method=manual&confirm=true&off_session=true');
    const answers = await Promise.all(Array.from({ length: 3 }, (_, i) => post(base(t, i), t.sk, `/v1/payment_intents/${pi}/capture`, '')));
    oneWinner(answers);
    const [charge] = await charges(t, pi);
    assert.deepEqual([charge.captured, charge.amount_captured], [true, 1000]);
  });
}

for (const engine of engines()) {
  describe(`payment intents under concurrency [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    let t: Target;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      t = { bases: [s.url], sk: a.sk, stripe: a.stripe, owner, pm: await savedMethod(a.stripe, owner) };
    });
    after(async () => s.close());
    races('one process', () => t);
  });
}

const skip = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set (PostgreSQL only)';

describe('payment intents under concurrency: two onfile processes sharing one PostgreSQL schema', { skip }, () => {
  const schema = pgSchema();
  const dirs: string[] = [];
  let p1: StartedServer;
  let p2: StartedServer;
  let t: Target;
  before(async () => {
    const sk = `sk_test_pi${randomUUID().replace(/-/g, '')}`;
    const pk = `pk_test_pi${randomUUID().replace(/-/g, '')}`;
    const env = { DATABASE_URL: process.env.DATABASE_URL!, ONFILE_PG_SCHEMA: schema, ONFILE_SECRET_KEY: sk, ONFILE_PUBLISHABLE_KEY: pk };
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), 'onfile-pi-mp-'));
      dirs.push(d);
      return d;
    };
    [p1, p2] = await Promise.all([startOnfile(['--port', '0', '--data', dir()], env), startOnfile(['--port', '0', '--data', dir()], env)]);
    const stripe = sdk(Number(new URL(p1.url).port), sk);
    const owner = await newOwner(p1.url, sk, stripe, 'account');
    t = { bases: [p1.url, p2.url], sk, stripe, owner, pm: await savedMethod(stripe, owner) };
  });
  after(async () => {
    await p1?.stop();
    await p2?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await dropSchema(schema);
  });
  races('two processes', () => t);
});

// The seed's server-side calls with Debian's python3-stripe (test/python/seed_server_calls.py)
// against onfile on each engine: customer, SetupIntent, the customer's answer on the hosted page,
// an off-session charge (approved, and declined after "Authorize, but decline later charges"),
// detach. Python asserts what it gets back; this test checks the same state with the Node SDK.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { pythonSkip, pythonExecutable } from '../support/tools.js';

const SCRIPT = join(import.meta.dirname, 'seed_server_calls.py');

/** Debian's interpreter: the first python3 on PATH may not see the python3-stripe package. */
function python(s: TestServer, args: string[], env: Record<string, string> = {}): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(
      pythonExecutable(),
      [SCRIPT, ...args],
      { env: { PATH: process.env.PATH ?? '', ONFILE_SECRET_KEY: s.sk, ONFILE_API_BASE: s.url, NO_PROXY: '*', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`python3 ${args.join(' ')} failed: ${stderr || err.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()!));
      },
    );
  });
}

/** The customer's answer on the hosted authorization page, posted as its form does. */
async function answerHostedPage(url: string, action: 'authorize' | 'authorize_decline_later'): Promise<URL> {
  const res = await fetch(url, { method: 'POST', body: `action=${action}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  await res.arrayBuffer();
  assert.equal(res.status, 303);
  return new URL(res.headers.get('location')!);
}

for (const engine of engines()) {
  describe(`the seed's server-side calls with Debian's python3-stripe [${engine}]`, { skip: pythonSkip, timeout: 120_000 }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s?.close());

    it('saves Amazon Pay with a SetupIntent, charges it off-session, and detaches it', async () => {
      const setup = await python(s, ['setup']);
      assert.match(setup.customer, /^cus_/);
      const customer = (await s.stripe.customers.retrieve(setup.customer)) as Stripe.Customer;
      assert.equal(customer.name, 'Jenny Rosen');
      const pending = await s.stripe.setupIntents.retrieve(setup.setup_intent);
      assert.equal(pending.status, 'requires_action');
      assert.equal(pending.customer, setup.customer);
      assert.equal(pending.next_action?.redirect_to_url?.url, setup.redirect_url);

      const back = await answerHostedPage(setup.redirect_url, 'authorize');
      assert.equal(back.searchParams.get('setup_intent'), setup.setup_intent);
      assert.equal(back.searchParams.get('setup_intent_client_secret'), setup.client_secret);
      assert.equal(back.searchParams.get('redirect_status'), 'succeeded');

      const charged = await python(s, ['charge', setup.customer, setup.setup_intent]);
      assert.equal(charged.outcome, 'succeeded');
      const pi = await s.stripe.paymentIntents.retrieve(charged.payment_intent);
      assert.equal(pi.status, 'succeeded');
      assert.equal(pi.amount_received, 1000);
      assert.equal(pi.customer, setup.customer);
      assert.equal(pi.payment_method, charged.payment_method);
      assert.equal(pi.statement_descriptor, 'test_statement');
      assert.equal(pi.latest_charge, charged.charge);
      assert.equal((await s.stripe.charges.retrieve(charged.charge)).paid, true);

      const detached = await python(s, ['detach', charged.payment_method], { CUSTOMER: setup.customer });
      assert.deepEqual(detached, { payment_method: charged.payment_method, customer: null });
      assert.equal((await s.stripe.paymentMethods.retrieve(charged.payment_method)).customer, null);
      const mandate = await s.stripe.mandates.retrieve((await s.stripe.setupIntents.retrieve(setup.setup_intent)).mandate as string);
      assert.equal(mandate.status, 'inactive');
      assert.deepEqual((await s.stripe.customers.listPaymentMethods(setup.customer)).data, []);
    });

    it('searches customers, one page and every page (auto_paging_iter)', async () => {
      const tag = `py${Date.now()}`;
      const made = [];
      for (const n of [1, 2, 3]) made.push((await s.stripe.customers.create({ email: `c${n}@${tag}.example.com` })).id);
      const found = await python(s, ['search', tag]);
      assert.deepEqual(found.first, [made[2]]);
      assert.equal(found.has_more, true);
      assert.deepEqual(found.all, [...made].reverse());
    });

    it("retrieves the key's account and its balance", async () => {
      const got = await python(s, ['account']);
      assert.equal(got.account, s.account.id);
      assert.equal(got.default_currency, 'usd');
      const balance = await s.stripe.balance.retrieve();
      assert.deepEqual(got.pending, balance.pending.map((b) => [b.currency, b.amount]));
      assert.deepEqual(got.available, balance.available.map((b) => [b.currency, b.amount]));
    });

    it('reports a later decline as a CardError carrying the PaymentIntent', async () => {
      const setup = await python(s, ['setup']);
      await answerHostedPage(setup.redirect_url, 'authorize_decline_later');
      assert.equal((await s.stripe.setupIntents.retrieve(setup.setup_intent)).status, 'succeeded');
      const declined = await python(s, ['charge', setup.customer, setup.setup_intent]);
      assert.equal(declined.outcome, 'declined');
      assert.equal(declined.status, 'requires_payment_method');
      assert.equal(typeof declined.message, 'string');
      const pi = await s.stripe.paymentIntents.retrieve(declined.payment_intent);
      assert.equal(pi.status, 'requires_payment_method');
      assert.equal(pi.last_payment_error?.code, declined.code);
      assert.equal(pi.last_payment_error?.decline_code ?? null, declined.decline_code);
      assert.equal(pi.last_payment_error?.payment_method?.id, declined.payment_method);
    });
  });
}

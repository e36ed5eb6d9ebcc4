// The seed's curl commands, verbatim and in the seed's order, against onfile on each engine: only
// the placeholders are filled in (secret key, ids from earlier responses, the local API origin).
// Redirects are finished the way a script does it, by POSTing the hosted page's form.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { ANSWER_HOSTED_PAGE, CONFIRM_SETUP_AS_STRIPE_JS, DETACH, SEED } from './seed-commands.js';
import { SeedShell, type CurlResult } from './curl.js';
import { curlSkip } from '../support/tools.js';

function ok(r: CurlResult, object: string): any {
  assert.equal(r.status, 200, `${r.command}\n→ ${r.status} ${r.text}`);
  assert.equal(r.body.object, object);
  return r.body;
}

for (const engine of engines()) {
  describe(`the seed's curl commands [${engine}]`, { skip: curlSkip, timeout: 120_000 }, () => {
    let s: TestServer;
    let sh: SeedShell;
    const ids: Record<string, string> = {};

    before(async () => {
      s = await startTestServer(engine);
      sh = new SeedShell(s.url, s.sk);
    });
    after(async () => {
      sh?.close();
      await s?.close();
    });

    it('creates the customer as a customer-configured Account (v2)', async () => {
      const acct = ok(await sh.run(SEED.createAccountV2), 'v2.core.account');
      assert.match(acct.id, /^acct_/);
      assert.equal(acct.contact_email, 'jenny.rosen@example.com');
      assert.equal(acct.display_name, 'Jenny Rosen');
      assert.ok(acct.configuration.customer, 'include[]=configuration.customer renders the configuration');
      assert.deepEqual(acct.applied_configurations, ['customer']);
      ids.CUSTOMERACCOUNT_ID = acct.id;
    });

    it('creates the customer as a Customer (v1)', async () => {
      const cus = ok(await sh.run(SEED.createCustomer), 'customer');
      assert.match(cus.id, /^cus_/);
      assert.equal(cus.name, 'Jenny Rosen');
      assert.equal(cus.email, 'jenny.rosen@example.com');
      ids.CUSTOMER_ID = cus.id;
    });

    for (const [tab, command, owner] of [
      ['Accounts v2', SEED.createSetupIntentAccount, 'customer_account'],
      ['Customers v1', SEED.createSetupIntentCustomer, 'customer'],
    ] as const) {
      it(`creates a SetupIntent (${tab}) and saves Amazon Pay once the browser step is done`, async () => {
        const ownerId = owner === 'customer' ? ids.CUSTOMER_ID : ids.CUSTOMERACCOUNT_ID;
        const si = ok(await sh.run(command, ids), 'setup_intent') as Stripe.SetupIntent;
        assert.match(si.id, /^seti_/);
        assert.equal(si.status, 'requires_confirmation', 'payment_method_data attached a method; nothing confirmed yet');
        assert.deepEqual(si.payment_method_types, ['amazon_pay']);
        assert.equal(si.usage, 'off_session');
        assert.equal(si[owner], ownerId);
        assert.equal(si[owner === 'customer' ? 'customer_account' : 'customer'], null);
        assert.match(si.payment_method as string, /^pm_/);
        assert.ok(si.client_secret!.startsWith(`${si.id}_secret_`));

        // The browser's part (confirmAmazonPaySetup), as the request the library sends.
        const confirmed = ok(await sh.run(CONFIRM_SETUP_AS_STRIPE_JS, { SETUP_INTENT_ID: si.id, PUBLISHABLE_KEY: s.pk, SETUP_INTENT_CLIENT_SECRET: si.client_secret! }), 'setup_intent');
        assert.equal(confirmed.status, 'requires_action');
        assert.equal(confirmed.next_action.type, 'redirect_to_url');
        assert.equal(confirmed.customer, undefined, 'a publishable key sees the client-safe subset');
        const back = await answer(confirmed.next_action.redirect_to_url.url);
        assert.equal(`${back.origin}${back.pathname}`, 'https://example.com/setup/complete');
        assert.equal(back.searchParams.get('setup_intent'), si.id);
        assert.equal(back.searchParams.get('redirect_status'), 'succeeded');

        const done = await s.stripe.setupIntents.retrieve(si.id, { expand: ['payment_method', 'mandate'] });
        assert.equal(done.status, 'succeeded');
        assert.equal((done.payment_method as Stripe.PaymentMethod)[owner], ownerId);
        assert.equal((done.mandate as Stripe.Mandate).status, 'active');
        assert.equal((done.mandate as Stripe.Mandate).customer_acceptance.online?.ip_address, '127.0.0.1', 'inferred from the client');
      });
    }

    it('handles the redirect manually: a confirmed PaymentIntent with next_action.redirect_to_url, finished by POSTing the hosted form', async () => {
      const pi = ok(await sh.run(SEED.manualRedirectPaymentIntent), 'payment_intent') as Stripe.PaymentIntent;
      assert.match(pi.id, /^pi_/);
      assert.equal(pi.status, 'requires_action');
      assert.equal(pi.amount, 1000);
      assert.equal(pi.currency, 'usd');
      assert.deepEqual(pi.payment_method_types, ['amazon_pay']);
      assert.equal(pi.next_action?.type, 'redirect_to_url');
      assert.equal(pi.next_action?.redirect_to_url?.return_url, 'https://example.com/checkout/complete');
      const back = await answer(pi.next_action!.redirect_to_url!.url!);
      assert.equal(`${back.origin}${back.pathname}`, 'https://example.com/checkout/complete');
      assert.equal(back.searchParams.get('payment_intent'), pi.id);
      assert.equal(back.searchParams.get('payment_intent_client_secret'), pi.client_secret);
      assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
      const done = await s.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
      assert.equal(done.status, 'succeeded');
      assert.equal(done.amount_received, 1000);
      assert.equal((done.latest_charge as Stripe.Charge).status, 'succeeded');
      assert.equal((done.latest_charge as Stripe.Charge).payment_method_details?.type, 'amazon_pay');
    });

    for (const [tab, command, owner, pmName] of [
      ['Accounts v2', SEED.savePaymentIntentAccount, 'customer_account', 'PAYMENTMETHOD_ID'],
      ['Customers v1', SEED.savePaymentIntentCustomer, 'customer', 'PAYMENT_METHOD_ID'],
    ] as const) {
      it(`creates a PaymentIntent that saves the payment method (${tab})`, async () => {
        const ownerId = owner === 'customer' ? ids.CUSTOMER_ID : ids.CUSTOMERACCOUNT_ID;
        const pi = ok(await sh.run(command, ids), 'payment_intent') as Stripe.PaymentIntent;
        assert.equal(pi.status, 'requires_action');
        assert.equal(pi.setup_future_usage, 'off_session');
        assert.equal(pi.statement_descriptor, 'test_statement');
        assert.equal(pi.capture_method, 'automatic');
        assert.equal(pi[owner], ownerId);
        assert.ok(pi.client_secret!.startsWith(`${pi.id}_secret_`));
        assert.equal(pi.next_action?.redirect_to_url?.return_url, 'https://www.stripe.com');
        const back = await answer(pi.next_action!.redirect_to_url!.url!);
        assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
        const done = await s.stripe.paymentIntents.retrieve(pi.id, { expand: ['payment_method'] });
        assert.equal(done.status, 'succeeded');
        const pm = done.payment_method as Stripe.PaymentMethod;
        assert.equal(pm.type, 'amazon_pay');
        assert.equal(pm[owner], ownerId, 'saved to the customer for later');
        ids[pmName] = pm.id;
      });
    }

    for (const [tab, command, owner, pmName] of [
      ['Accounts v2', SEED.offSessionAccount, 'customer_account', 'PAYMENTMETHOD_ID'],
      ['Customers v1', SEED.offSessionCustomer, 'customer', 'PAYMENT_METHOD_ID'],
    ] as const) {
      it(`charges the saved payment method off-session (${tab})`, async () => {
        const pi = ok(await sh.run(command, ids), 'payment_intent') as Stripe.PaymentIntent;
        assert.equal(pi.status, 'succeeded');
        assert.equal(pi.payment_method, ids[pmName]);
        assert.equal(pi[owner], owner === 'customer' ? ids.CUSTOMER_ID : ids.CUSTOMERACCOUNT_ID);
        assert.equal(pi.amount_received, 1000);
        assert.equal(pi.next_action, null);
        const charge = await s.stripe.charges.retrieve(pi.latest_charge as string);
        assert.equal(charge.paid, true);
        assert.equal(charge.payment_method, ids[pmName]);
      });
    }

    it('detaches the reusable payment method: payment_method.detached and mandate.updated', async () => {
      const pm = ok(await sh.run(DETACH, ids), 'payment_method') as Stripe.PaymentMethod;
      assert.equal(pm.id, ids.PAYMENT_METHOD_ID);
      assert.equal(pm.customer, null);
      const detached = await s.stripe.events.list({ type: 'payment_method.detached' });
      assert.ok(detached.data.some((e) => (e.data.object as Stripe.PaymentMethod).id === pm.id));
      const updated = await s.stripe.events.list({ type: 'mandate.updated' });
      const mandate = updated.data.map((e) => e.data.object as Stripe.Mandate).find((m) => m.payment_method === pm.id);
      assert.ok(mandate, 'mandate.updated names the detached method');
      assert.equal(mandate.status, 'inactive');
      const again = await sh.run(SEED.offSessionCustomer, ids);
      assert.equal(again.status, 400, 'a detached method cannot be charged');
      assert.equal(again.body.error.type, 'invalid_request_error');
    });

    /**
     * Finishes a redirect as a script does: curl POSTs the hosted page's form (headers to stdout,
     * the body dropped) and the 303's Location is where the customer would land.
     */
    async function answer(url: string): Promise<URL> {
      assert.ok(url.startsWith(`${s.url}/`), `the redirect is served by onfile: ${url}`);
      const r = await sh.run(`${ANSWER_HOSTED_PAGE} -o /dev/null -D -`, { ACTION: 'authorize', REDIRECT_URL: url });
      assert.equal(r.status, 303, r.text);
      const location = /^location: (.+)$/im.exec(r.text)?.[1]?.trim();
      assert.ok(location, r.text);
      return new URL(location);
    }
  });
}

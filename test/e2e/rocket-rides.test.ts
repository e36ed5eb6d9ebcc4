// Rocket Rides, the seed's integration, walked end to end in real Chromium on each engine: the
// example's pages, the browser library from onfile's /v3/, the hosted authorization page, and the
// webhook receiver — checking the page, the API (official SDK) and the verified events at each step.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { engines } from '../support/harness.js';
import { launchBrowser, rejectedWebhooks, screenshot, startStory, waitForEvents, type Browser, type Story } from './support.js';
import { chromiumSkip } from '../support/tools.js';

const TERMS =
  "By continuing, you authorize Rocket Rides to debit your Amazon Pay account for this payment and future payments in accordance with Rocket Rides's terms, until this authorization is revoked.";

async function signUp(page: Page, appUrl: string, rider: { name: string; email: string; kind: 'customer' | 'account' }): Promise<string> {
  await page.goto(appUrl);
  await page.getByLabel('Name').fill(rider.name);
  await page.getByLabel('Email').fill(rider.email);
  await page.locator(`input[name=kind][value=${rider.kind}]`).check();
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(`${appUrl}/`);
  return (await page.locator('#stripe-customer').textContent())!.trim();
}

/** Ticks the opt-in of the Stripe.js form and confirms; the browser lands on onfile's hosted page. */
async function confirmWithStripeJs(page: Page, onfileUrl: string): Promise<void> {
  const form = page.locator('#confirm-form');
  assert.equal((await form.locator('.terms').textContent())?.trim(), TERMS, 'the seed’s authorization text is shown before confirming');
  await form.getByLabel('I agree to these terms').check();
  await page.locator('#confirm:not([disabled])').click();
  await page.waitForURL(`${onfileUrl}/**`);
}

async function answerHostedPage(page: Page, appUrl: string, choice: 'Authorize test payment' | 'Fail test payment' | 'Authorize, but decline later charges'): Promise<URL> {
  await page.getByRole('button', { name: choice }).click();
  await page.waitForURL(`${appUrl}/return?**`);
  return new URL(page.url());
}

async function resultStatus(page: Page): Promise<{ server: string; browser: string }> {
  await page.locator('#browser-status[data-status]').waitFor();
  return { server: (await page.locator('#server-status').textContent())!, browser: (await page.locator('#browser-status').textContent())! };
}

function mandateOf(si: Stripe.SetupIntent | Stripe.PaymentIntent): string {
  const m = (si as Stripe.SetupIntent).mandate;
  return typeof m === 'string' ? m : m!.id;
}

for (const engine of engines()) {
  describe(`Rocket Rides end to end [${engine}]`, { skip: chromiumSkip, timeout: 180_000 }, () => {
    let story: Story;
    let browser: Browser;
    let appUrl: string;
    let onfileUrl: string;
    let stripe: Stripe;
    const shot = (page: Page, name: string) => screenshot(page, engine, name);

    before(async () => {
      story = await startStory(engine);
      browser = await launchBrowser();
      appUrl = story.app.url;
      onfileUrl = story.onfile.url;
      stripe = story.onfile.stripe;
    });
    after(async () => {
      await browser?.close();
      await story?.close();
    });

    it('registered its webhook endpoint through the API', async () => {
      const we = await stripe.webhookEndpoints.retrieve(story.app.webhookEndpointId);
      assert.equal(we.url, `${appUrl}/webhook`);
      assert.deepEqual(we.enabled_events, ['*']);
      assert.equal(we.status, 'enabled');
    });

    describe('a Customers v1 rider saves Amazon Pay with a SetupIntent (single-page /secret), rides, and removes it', { skip: chromiumSkip }, () => {
      let page: Page;
      let customer: string;
      let pm: string;

      it('signs up as a Customer', async () => {
        page = await browser.newRider();
        customer = await signUp(page, appUrl, { name: 'Jenny Rosen', email: 'jenny.rosen@example.com', kind: 'customer' });
        await shot(page, '01-sign-up-customer');
        assert.match(customer, /^cus_/);
        const c = (await stripe.customers.retrieve(customer)) as Stripe.Customer;
        assert.equal(c.email, 'jenny.rosen@example.com');
        assert.equal(c.name, 'Jenny Rosen');
        assert.ok(await page.locator('#no-payment-method').isVisible());
        await waitForEvents(appUrl, [['customer.created', customer]]);
      });

      it('saves Amazon Pay: /secret, the terms, confirmAmazonPaySetup, the hosted page, the return page', async () => {
        const secretResponse = page.waitForResponse(`${appUrl}/secret`);
        await page.goto(`${appUrl}/save`);
        const { client_secret: clientSecret } = (await (await secretResponse).json()) as { client_secret: string };
        const siId = clientSecret.split('_secret_')[0];
        const created = await stripe.setupIntents.retrieve(siId);
        assert.equal(created.customer, customer);
        assert.equal(created.usage, 'off_session');
        assert.deepEqual(created.payment_method_types, ['amazon_pay']);
        await shot(page, '02-save-terms');

        await confirmWithStripeJs(page, onfileUrl);
        const waiting = await stripe.setupIntents.retrieve(siId);
        assert.equal(waiting.status, 'requires_action');
        assert.equal(page.url(), waiting.next_action!.redirect_to_url!.url);
        const hosted = (await page.locator('main').textContent())!;
        assert.match(hosted, /Rocket Rides wants to save your Amazon Pay account for future payments/);
        assert.ok(hosted.includes(TERMS));
        await shot(page, '03-hosted-authorization-page');
        // The README's screenshot (just the page's card) is refreshed on demand only, so a test run leaves the tree clean.
        if (process.env.UPDATE_DOCS_SCREENSHOT === '1' && engine === 'sqlite') {
          await page.locator('main').screenshot({ path: join(import.meta.dirname, '..', '..', 'docs', 'hosted-authorization-page.png') });
        }

        const back = await answerHostedPage(page, appUrl, 'Authorize test payment');
        assert.equal(back.searchParams.get('setup_intent'), siId);
        assert.equal(back.searchParams.get('setup_intent_client_secret'), clientSecret);
        assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
        assert.deepEqual(await resultStatus(page), { server: 'succeeded', browser: 'succeeded' });
        assert.equal(await page.locator('h1').textContent(), 'Amazon Pay is saved');
        await shot(page, '04-saved-setup-intent');

        const si = await stripe.setupIntents.retrieve(siId, { expand: ['payment_method', 'mandate'] });
        assert.equal(si.status, 'succeeded');
        pm = (si.payment_method as Stripe.PaymentMethod).id;
        assert.equal((si.payment_method as Stripe.PaymentMethod).customer, customer);
        assert.equal(await page.locator('#result-payment-method').textContent(), pm);
        const mandate = si.mandate as Stripe.Mandate;
        assert.equal(mandate.status, 'active');
        assert.equal(mandate.type, 'multi_use');
        // infer_from_client: the API recorded this browser's address and user agent.
        assert.equal(mandate.customer_acceptance.online?.ip_address, '127.0.0.1');
        assert.equal(mandate.customer_acceptance.online?.user_agent, await page.evaluate('navigator.userAgent'));

        await page.goto(appUrl);
        assert.equal(await page.locator('#saved-payment-method').textContent(), pm);
        const record = page.locator(`#acceptances tr[data-intent="${siId}"]`);
        assert.ok((await record.textContent())!.includes(TERMS), 'the app keeps a record of the acceptance');
        assert.match((await record.textContent())!, /127\.0\.0\.1/);
        await waitForEvents(appUrl, [['setup_intent.created', siId], ['setup_intent.requires_action', siId], ['payment_method.attached', pm], ['setup_intent.succeeded', siId]]);
      });

      it('charges a ride off-session with the saved method', async () => {
        await page.getByRole('button', { name: 'Charge a ride now ($15.00)' }).click();
        await page.waitForURL(`${appUrl}/rides/**`);
        await shot(page, '05-ride-charged');
        const piId = page.url().split('/rides/')[1];
        assert.equal(await page.locator('#ride-status').textContent(), 'succeeded');
        assert.match((await page.locator('#ride-result').textContent())!, /Paid \$15\.00/);
        const pi = await stripe.paymentIntents.retrieve(piId);
        assert.equal(pi.status, 'succeeded');
        assert.equal(pi.amount, 1500);
        assert.equal(pi.customer, customer);
        assert.equal(pi.payment_method, pm);
        await waitForEvents(appUrl, [['payment_intent.created', piId], ['payment_intent.succeeded', piId], ['charge.succeeded', pi.latest_charge as string]]);
        // The ride page links the Charge's receipt_url: onfile's receipt page, opened without a key.
        const charge = await stripe.charges.retrieve(pi.latest_charge as string);
        assert.equal(await page.locator('#receipt').getAttribute('href'), charge.receipt_url);
        await page.locator('#receipt').click();
        await page.waitForURL(charge.receipt_url!);
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Receipt from Rocket Rides');
        await page.getByText('$15.00', { exact: true }).waitFor();
        await shot(page, '05b-receipt');
      });

      it('removes the payment method (detach)', async () => {
        await page.goto(appUrl);
        await page.getByRole('button', { name: 'Remove payment method' }).click();
        await page.locator('#removed').waitFor();
        await shot(page, '06-payment-method-removed');
        assert.equal(await page.locator('#removed code').textContent(), pm);
        assert.ok(await page.locator('#no-payment-method').isVisible());
        const detached = await stripe.paymentMethods.retrieve(pm);
        assert.equal(detached.customer, null);
        const mandates = await stripe.setupIntents.list({ customer, limit: 1 });
        const mandate = await stripe.mandates.retrieve(mandateOf(mandates.data[0]));
        assert.equal(mandate.status, 'inactive');
        await waitForEvents(appUrl, [['payment_method.detached', pm], ['mandate.updated', mandate.id]]);
      });
    });

    describe('an Accounts v2 rider: failed authorization, then "decline later charges" on /checkout, a declined ride, detach', { skip: chromiumSkip }, () => {
      let page: Page;
      let account: string;
      let pm: string;

      it('signs up as a customer-configured Account', async () => {
        page = await browser.newRider();
        account = await signUp(page, appUrl, { name: 'Jenny Account', email: 'jenny.account@example.com', kind: 'account' });
        await shot(page, '07-sign-up-account');
        assert.match(account, /^acct_/);
        const acct = await stripe.v2.core.accounts.retrieve(account, { include: ['configuration.customer'] });
        assert.equal(acct.contact_email, 'jenny.account@example.com');
        assert.equal(acct.display_name, 'Jenny Account');
        assert.ok(acct.configuration?.customer, 'the customer configuration is set');
      });

      it('fails the authorization on the hosted page ("Fail test payment"): nothing is saved', async () => {
        await page.goto(`${appUrl}/checkout`);
        const clientSecret = await page.evaluate("JSON.parse(document.getElementById('rr-config').textContent).clientSecret");
        const siId = String(clientSecret).split('_secret_')[0];
        assert.equal((await stripe.setupIntents.retrieve(siId)).customer_account, account);
        await confirmWithStripeJs(page, onfileUrl);
        const back = await answerHostedPage(page, appUrl, 'Fail test payment');
        assert.equal(back.searchParams.get('redirect_status'), 'failed');
        assert.deepEqual(await resultStatus(page), { server: 'requires_payment_method', browser: 'requires_payment_method' });
        assert.equal(await page.locator('h1').textContent(), 'Amazon Pay was not authorized');
        await shot(page, '08-authorization-failed');
        const si = await stripe.setupIntents.retrieve(siId);
        assert.equal(si.status, 'requires_payment_method');
        assert.equal(si.last_setup_error?.code, 'setup_intent_authentication_failure');
        assert.ok((await page.locator('#result-error').textContent())!.includes('setup_intent_authentication_failure'));
        assert.deepEqual((await stripe.paymentMethods.list({ customer_account: account })).data, []);
        await waitForEvents(appUrl, [['setup_intent.setup_failed', siId]]);
      });

      it('saves with "Authorize, but decline later charges" (server-rendered /checkout)', async () => {
        await page.goto(`${appUrl}/checkout`);
        await confirmWithStripeJs(page, onfileUrl);
        const back = await answerHostedPage(page, appUrl, 'Authorize, but decline later charges');
        assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
        assert.deepEqual(await resultStatus(page), { server: 'succeeded', browser: 'succeeded' });
        await shot(page, '09-saved-decline-later');
        const siId = back.searchParams.get('setup_intent')!;
        const si = await stripe.setupIntents.retrieve(siId);
        pm = si.payment_method as string;
        const saved = await stripe.paymentMethods.retrieve(pm);
        assert.equal(saved.customer_account, account);
        assert.equal(saved.customer, null);
        await waitForEvents(appUrl, [['setup_intent.succeeded', siId], ['payment_method.attached', pm]]);
      });

      it('a later ride is declined: the page shows the decline and the API agrees', async () => {
        await page.goto(appUrl);
        await page.getByRole('button', { name: 'Charge a ride now ($15.00)' }).click();
        await page.waitForURL(`${appUrl}/rides/**`);
        await shot(page, '10-ride-declined');
        const piId = page.url().split('/rides/')[1];
        assert.match((await page.locator('#ride-result').textContent())!, /^Declined/);
        const pi = await stripe.paymentIntents.retrieve(piId);
        assert.equal(pi.status, 'requires_payment_method');
        assert.equal(pi.customer_account, account);
        assert.ok(pi.last_payment_error, 'last_payment_error is set');
        assert.equal(await page.locator('#ride-status').textContent(), 'requires_payment_method');
        assert.equal(await page.locator('#decline-code').textContent(), pi.last_payment_error!.code);
        await waitForEvents(appUrl, [['payment_intent.payment_failed', piId]]);
        await page.goto(appUrl);
        assert.equal(await page.locator(`#rides tr[data-ride="${piId}"]`).getAttribute('data-status'), 'requires_payment_method');
      });

      it('removes the payment method', async () => {
        await page.getByRole('button', { name: 'Remove payment method' }).click();
        await page.locator('#removed').waitFor();
        assert.equal((await stripe.paymentMethods.retrieve(pm)).customer_account, null);
        await waitForEvents(appUrl, [['payment_method.detached', pm]]);
      });
    });

    describe('saving Amazon Pay while paying for the first ride (PaymentIntent, setup_future_usage=off_session)', { skip: chromiumSkip }, () => {
      it('with Stripe.js (confirmAmazonPayPayment), for a Customers v1 rider, then a ride off-session', async () => {
        const page = await browser.newRider();
        const customer = await signUp(page, appUrl, { name: 'Pat Payer', email: 'pat@example.com', kind: 'customer' });
        await page.goto(`${appUrl}/first-ride`);
        const clientSecret = String(await page.evaluate("JSON.parse(document.getElementById('rr-config').textContent).clientSecret"));
        const piId = clientSecret.split('_secret_')[0];
        await shot(page, '11-first-ride');
        await confirmWithStripeJs(page, onfileUrl);
        assert.match((await page.locator('main').textContent())!, /Rocket Rides requests a payment of \$10\.00 and to save your account for future payments/);
        await shot(page, '12-hosted-page-payment');
        const back = await answerHostedPage(page, appUrl, 'Authorize test payment');
        assert.equal(back.searchParams.get('payment_intent'), piId);
        assert.equal(back.searchParams.get('payment_intent_client_secret'), clientSecret);
        assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
        assert.deepEqual(await resultStatus(page), { server: 'succeeded', browser: 'succeeded' });
        assert.equal(await page.locator('h1').textContent(), 'Ride paid — Amazon Pay is saved');
        await shot(page, '13-first-ride-paid');
        const pi = await stripe.paymentIntents.retrieve(piId);
        assert.equal(pi.status, 'succeeded');
        assert.equal(pi.amount, 1000);
        assert.equal(pi.setup_future_usage, 'off_session');
        const pm = await stripe.paymentMethods.retrieve(pi.payment_method as string);
        assert.equal(pm.customer, customer);
        await waitForEvents(appUrl, [['payment_intent.succeeded', piId], ['payment_method.attached', pm.id]]);

        await page.goto(appUrl);
        assert.equal(await page.locator('#saved-payment-method').textContent(), pm.id);
        await page.getByRole('button', { name: 'Charge a ride now ($15.00)' }).click();
        await page.waitForURL(`${appUrl}/rides/**`);
        assert.equal(await page.locator('#ride-status').textContent(), 'succeeded');
      });

      it('with the server-side redirect (the seed’s "handle the redirect manually"), for an Accounts v2 rider', async () => {
        const page = await browser.newRider();
        const account = await signUp(page, appUrl, { name: 'Alex Account', email: 'alex@example.com', kind: 'account' });
        await page.goto(`${appUrl}/first-ride`);
        const form = page.locator('#manual-form');
        assert.equal((await form.locator('.terms').textContent())?.trim(), TERMS);
        await form.getByLabel('I agree to these terms').check();
        await form.getByRole('button', { name: 'Pay $10.00 (server redirect)' }).click();
        await page.waitForURL(`${onfileUrl}/**`);
        await shot(page, '14-server-redirect-hosted-page');
        const back = await answerHostedPage(page, appUrl, 'Authorize test payment');
        assert.equal(back.searchParams.get('flow'), 'server-redirect', 'our own query parameter survives the redirect');
        assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
        assert.deepEqual(await resultStatus(page), { server: 'succeeded', browser: 'succeeded' });
        await shot(page, '15-server-redirect-paid');
        const pi = await stripe.paymentIntents.retrieve(back.searchParams.get('payment_intent')!, { expand: ['payment_method'] });
        assert.equal(pi.customer_account, account);
        assert.equal((pi.payment_method as Stripe.PaymentMethod).customer_account, account);
        await page.goto(appUrl);
        const record = page.locator(`#acceptances tr[data-intent="${pi.id}"]`);
        assert.match((await record.textContent())!, /server redirect/);
      });
    });

    it("refuses another rider's pages and escapes what riders type", async () => {
      const page = await browser.newRider();
      const name = '<img src=x onerror="window.__pwned=1">Eve & "Co"';
      await signUp(page, appUrl, { name, email: 'eve@example.com', kind: 'customer' });
      assert.equal(await page.locator('main h1').textContent(), `Hello, ${name}`);
      assert.equal(await page.locator('main img').count(), 0);
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      await shot(page, '16-escaped-name');
      // Eve holds another rider's return link: the app refuses it.
      const others = await stripe.setupIntents.list({ limit: 100 });
      const jenny = others.data.find((si) => si.status === 'succeeded' && si.customer)!;
      const res = await page.goto(`${appUrl}/return?setup_intent=${jenny.id}&setup_intent_client_secret=${jenny.client_secret}&redirect_status=succeeded`);
      assert.equal(res!.status(), 404);
      const cookies = await page.context().cookies(appUrl);
      const signedOut = await fetch(`${appUrl}/secret`, { redirect: 'manual' });
      assert.equal(signedOut.status, 303, 'no client secret without a session');
      assert.ok(cookies.some((c) => c.name === 'rr_session' && c.httpOnly));
    });

    it('verified every webhook it received', async () => {
      assert.equal(await rejectedWebhooks(appUrl), 0);
      const forged = await fetch(`${appUrl}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body: '{"id":"evt_forged","type":"customer.created","data":{"object":{}}}' });
      assert.equal(forged.status, 400);
      assert.equal(await rejectedWebhooks(appUrl), 1);
      const page = await browser.newRider();
      await page.goto(`${appUrl}/webhooks`);
      await shot(page, '17-webhook-log');
      assert.equal(await page.locator('tr[data-event-id="evt_forged"]').count(), 0);
    });
  });
}

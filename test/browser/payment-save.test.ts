import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { chromiumSkip } from '../support/tools.js';
import { launchChromium, type Chromium } from '../support/chromium.js';

/**
 * Save Amazon Pay during a payment, end to end in Debian's Chromium: the merchant's checkout page
 * (another loopback origin) loads onfile's /v3/ and calls `confirmAmazonPayPayment` with the
 * PaymentIntent's client secret; the browser goes to the hosted page, a button is clicked, the
 * browser comes back to return_url and the landing page asks the API for the status. Then the
 * merchant charges the saved method off-session.
 */
const WAIT_MS = 15_000;
const SHOTS = join(process.cwd(), 'test-output', 'browser');

function js(v: string): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

function merchantSite(api: string, pk: string): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://${req.headers.host}`;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (url.pathname === '/pay') {
      res.end(`<!doctype html><html><head><title>Pay</title><script src="${api}/v3/"></script></head>
<body><h1>Pay $10.00</h1><p id="error"></p>
<script>
  const stripe = Stripe(${js(pk)});
  (async () => {
    const {error} = await stripe.confirmAmazonPayPayment(${js(url.searchParams.get('cs') ?? '')}, {
      return_url: ${js(`${origin}/checkout/complete?cart=7`)},
      mandate_data: {customer_acceptance: {type: 'online', online: {infer_from_client: true}}},
    });
    if (error) document.getElementById('error').textContent = error.message;
  })();
</script></body></html>`);
      return;
    }
    if (url.pathname === '/checkout/complete') {
      res.end(`<!doctype html><html><head><title>Done</title><script src="${api}/v3/"></script></head>
<body><p id="status">checking</p>
<script>
  const params = new URLSearchParams(location.search);
  Stripe(${js(pk)}).retrievePaymentIntent(params.get('payment_intent_client_secret')).then(({paymentIntent, error}) => {
    document.getElementById('status').textContent = error ? 'error: ' + error.message : paymentIntent.status;
  });
</script></body></html>`);
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  });
}

for (const engine of engines()) {
  describe(`save Amazon Pay during a payment, in Chromium [${engine}]`, { skip: chromiumSkip }, () => {
    let s: TestServer;
    let site: Server;
    let siteOrigin: string;
    let context: BrowserContext;
    let browser: Chromium;
    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      s = await startTestServer(engine);
      site = merchantSite(s.url, s.pk);
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      browser = await launchChromium({ profilePrefix: 'onfile-chromium-pay-', waitMs: WAIT_MS });
      context = browser.context;
    });
    after(async () => {
      await browser?.close();
      await new Promise<void>((resolve) => site.close(() => resolve()));
      await s.close();
    });

    const outcomes = [
      { button: 'Authorize test payment', redirectStatus: 'succeeded', status: 'succeeded', later: 'succeeded' },
      { button: 'Fail test payment', redirectStatus: 'failed', status: 'requires_payment_method', later: null },
      { button: 'Authorize, but decline later charges', redirectStatus: 'succeeded', status: 'succeeded', later: 'declined' },
    ] as const;

    for (const o of outcomes) {
      it(`"${o.button}": back at return_url with redirect_status=${o.redirectStatus}, then the saved method is charged off-session`, async () => {
        const customer = await s.stripe.customers.create({ name: 'Jenny Rosen' });
        const pi = await s.stripe.paymentIntents.create({
          amount: 1000,
          currency: 'usd',
          allowed_payment_method_types: ['amazon_pay'],
          customer: customer.id,
          setup_future_usage: 'off_session',
          metadata: { order: '7' },
        });
        const page = await context.newPage();
        try {
          await page.goto(`${siteOrigin}/pay?cs=${encodeURIComponent(pi.client_secret!)}`);
          await page.waitForURL((u) => u.href.startsWith(`${s.url}/redirect/authorize/`));
          assert.equal(await page.getByRole('button').count(), 3);
          await page.getByText('$10.00').first().waitFor();
          const slug = o.button.replace(/\W+/g, '-').toLowerCase();
          await page.screenshot({ path: join(SHOTS, `${engine}-payment-${slug}-1-hosted.png`), fullPage: true });
          await page.getByRole('button', { name: o.button, exact: true }).click();
          await page.waitForURL((u) => u.href.startsWith(`${siteOrigin}/checkout/complete`));
          const back = new URL(page.url());
          assert.equal(back.searchParams.get('cart'), '7');
          assert.equal(back.searchParams.get('payment_intent'), pi.id);
          assert.equal(back.searchParams.get('payment_intent_client_secret'), pi.client_secret);
          assert.equal(back.searchParams.get('redirect_status'), o.redirectStatus);
          await page.locator('#status', { hasText: o.status }).waitFor();
          await page.screenshot({ path: join(SHOTS, `${engine}-payment-${slug}-2-returned.png`), fullPage: true });
        } finally {
          await page.close();
        }

        const final = await s.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
        assert.equal(final.status, o.status);
        const pms = await s.stripe.customers.listPaymentMethods(customer.id);
        if (o.later === null) {
          assert.equal(final.last_payment_error?.code, 'payment_intent_authentication_failure');
          assert.equal(final.latest_charge, null);
          assert.equal(pms.data.length, 0);
          return;
        }
        assert.equal(final.amount_received, 1000);
        assert.equal((final.latest_charge as Stripe.Charge).payment_method_details?.type, 'amazon_pay');
        assert.deepEqual(pms.data.map((p) => p.id), [final.payment_method]);
        const later = await s.stripe.paymentIntents
          .create({ amount: 500, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], customer: customer.id, payment_method: final.payment_method as string, confirm: true, off_session: true })
          .then((p) => p.status, (e: unknown) => (e instanceof Stripe.errors.StripeCardError ? 'declined' : String(e)));
        assert.equal(later, o.later);
      });
    }
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { chromiumSkip } from '../support/tools.js';
import { launchChromium, type Chromium } from '../support/chromium.js';

/**
 * End to end in Debian's Chromium: a merchant page on another loopback port loads onfile's /v3/,
 * calls confirmAmazonPaySetup exactly as the seed does, the browser lands on onfile's hosted page,
 * a button is clicked, and the browser comes back to return_url; then the objects are checked.
 */
const WAIT_MS = 15_000;
const SHOTS = join(process.cwd(), 'test-output', 'browser');

function escapeJs(v: string): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/** The merchant's own site: a checkout page and a return page, as the seed describes them. */
function merchantSite(api: string, pk: string): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://${req.headers.host}`;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (url.pathname === '/checkout') {
      const clientSecret = url.searchParams.get('cs') ?? '';
      res.end(`<!doctype html><html><head><title>Checkout</title><script src="${api}/v3/"></script></head>
<body><h1>Checkout</h1><p id="error"></p>
<script>
  const stripe = Stripe(${escapeJs(pk)});
  (async () => {
    // Redirects away from the client
    const {error} = await stripe.confirmAmazonPaySetup(
      ${escapeJs(clientSecret)},
      {
        return_url: ${escapeJs(`${origin}/setup/complete?order=42`)},
        mandate_data: {
          customer_acceptance: {
            type: 'online',
            online: {
              infer_from_client: true
            }
          }
        },
      }
    );
    if (error) {
      // Inform the customer that there was an error.
      document.getElementById('error').textContent = error.message;
    }
  })();
</script></body></html>`);
      return;
    }
    if (url.pathname === '/setup/complete') {
      // The landing page does not trust redirect_status: it asks the API (client.md §4).
      res.end(`<!doctype html><html><head><title>Complete</title><script src="${api}/v3/"></script></head>
<body><h1>Setup complete?</h1><p id="status">checking</p>
<script>
  const params = new URLSearchParams(location.search);
  Stripe(${escapeJs(pk)}).retrieveSetupIntent(params.get('setup_intent_client_secret')).then(({setupIntent, error}) => {
    document.getElementById('status').textContent = error ? 'error: ' + error.message : setupIntent.status;
  });
</script></body></html>`);
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  });
}

for (const engine of engines()) {
  describe(`Amazon Pay setup in Chromium [${engine}]`, { skip: chromiumSkip }, () => {
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
      browser = await launchChromium({ profilePrefix: 'onfile-chromium-', waitMs: WAIT_MS });
      context = browser.context;
    });
    after(async () => {
      await browser?.close();
      await new Promise<void>((resolve) => site.close(() => resolve()));
      await s.close();
    });

    const outcomes = [
      { button: 'Authorize test payment', redirectStatus: 'succeeded', status: 'succeeded', saved: true },
      { button: 'Fail test payment', redirectStatus: 'failed', status: 'requires_payment_method', saved: false },
      { button: 'Authorize, but decline later charges', redirectStatus: 'succeeded', status: 'succeeded', saved: true },
    ] as const;

    for (const o of outcomes) {
      it(`"${o.button}" returns to return_url with redirect_status=${o.redirectStatus}`, async () => {
        const customer = await s.stripe.customers.create({ name: 'Jenny Rosen', email: 'jenny.rosen@example.com' });
        const si = await s.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, usage: 'off_session', customer: customer.id });
        const page = await context.newPage();
        const userAgent = await page.evaluate(() => navigator.userAgent);
        try {
          await page.goto(`${siteOrigin}/checkout?cs=${encodeURIComponent(si.client_secret!)}`);
          await page.waitForURL((u) => u.href.startsWith(`${s.url}/redirect/authorize/`));
          assert.equal(await page.getByRole('button').count(), 3);
          await page.getByText('By continuing, you authorize Rocket Rides to debit your Amazon Pay account').waitFor();
          const slug = o.button.replace(/\W+/g, '-').toLowerCase();
          await page.screenshot({ path: join(SHOTS, `${engine}-${slug}-1-hosted.png`), fullPage: true });
          await page.getByRole('button', { name: o.button, exact: true }).click();
          await page.waitForURL((u) => u.href.startsWith(`${siteOrigin}/setup/complete`));
          const back = new URL(page.url());
          assert.equal(back.searchParams.get('order'), '42');
          assert.equal(back.searchParams.get('setup_intent'), si.id);
          assert.equal(back.searchParams.get('setup_intent_client_secret'), si.client_secret);
          assert.equal(back.searchParams.get('redirect_status'), o.redirectStatus);
          await page.locator('#status', { hasText: o.status }).waitFor();
          await page.screenshot({ path: join(SHOTS, `${engine}-${slug}-2-returned.png`), fullPage: true });
        } finally {
          await page.close();
        }

        const final = await s.stripe.setupIntents.retrieve(si.id, { expand: ['latest_attempt'] });
        assert.equal(final.status, o.status);
        const attempts = await s.stripe.setupAttempts.list({ setup_intent: si.id });
        assert.equal(attempts.data.length, 1);
        const pms = await s.stripe.customers.listPaymentMethods(customer.id);
        if (o.saved) {
          assert.equal((final.latest_attempt as Stripe.SetupAttempt).status, 'succeeded');
          assert.deepEqual(pms.data.map((p) => p.id), [final.payment_method]);
          const mandate = await s.stripe.mandates.retrieve(final.mandate as string);
          assert.equal(mandate.status, 'active');
          assert.equal(mandate.customer_acceptance.online?.user_agent, userAgent, 'infer_from_client: the browser’s own user agent');
          assert.equal(mandate.customer_acceptance.online?.ip_address, '127.0.0.1');
        } else {
          assert.equal((final.latest_attempt as Stripe.SetupAttempt).status, 'failed');
          assert.equal(final.last_setup_error?.code, 'setup_intent_authentication_failure');
          assert.equal(pms.data.length, 0);
          assert.equal(final.mandate, null);
        }
      });
    }
  });
}

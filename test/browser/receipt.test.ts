import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { engines, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { chromiumSkip } from '../support/tools.js';
import { launchChromium, type Chromium } from '../support/chromium.js';
import { chargeOffSession, newOwner, savedMethod } from '../api/payment-intents.fixtures.js';

/**
 * A charge's receipt_url opened in Debian's Chromium: what the customer reads, kept to the charge's
 * state, with the merchant's words shown as text (never as markup or script).
 */
const WAIT_MS = 15_000;
const SHOTS = join(process.cwd(), 'test-output', 'browser');
const HOSTILE = `<script>document.title='pwned'</script><img src=x onerror="document.body.dataset.owned='1'">`;

for (const engine of engines()) {
  describe(`the receipt page, in Chromium [${engine}]`, { skip: chromiumSkip }, () => {
    let s: TestServer;
    let a: TestAccount;
    let context: BrowserContext;
    let browser: Chromium;
    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      s = await startTestServer(engine);
      a = await s.newAccount({ name: 'Rides & <Co>' });
      browser = await launchChromium({ profilePrefix: 'onfile-chromium-receipt-', waitMs: WAIT_MS });
      context = browser.context;
    });
    after(async () => {
      await browser?.close();
      await s.close();
    });

    it('shows the amount, the method and the refunds, and the merchant\'s text only as text', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pm = await savedMethod(a.stripe, owner);
      const pi = await chargeOffSession(a.stripe, owner, pm, { amount: 4200, description: HOSTILE });
      const charge = await a.stripe.charges.retrieve(pi.latest_charge as string);
      await a.stripe.refunds.create({ charge: charge.id, amount: 1000 });
      const page = await context.newPage();
      const blocked: string[] = [];
      page.on('request', (r) => {
        // The browser's own favicon probe is no part of the page.
        if (!r.url().startsWith(charge.receipt_url!) && !r.url().endsWith('/favicon.ico')) blocked.push(r.url());
      });
      try {
        const res = await page.goto(charge.receipt_url!);
        assert.equal(res?.status(), 200);
        assert.equal(await page.title(), 'Receipt from Rides & <Co>');
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Receipt from Rides & <Co>');
        const facts = Object.fromEntries(
          await page.locator('dt').evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
        );
        assert.deepEqual(facts, {
          'Amount paid': '$42.00',
          'Date paid': new Date(charge.created * 1000).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }),
          'Payment method': 'Amazon Pay',
          Status: 'Partially refunded',
          'Amount refunded': '$10.00',
        });
        await page.getByText(HOSTILE, { exact: true }).waitFor();
        assert.equal(await page.evaluate(() => document.body.dataset.owned ?? null), null, 'no handler from data ran');
        assert.equal(await page.locator('script, img').count(), 0);
        assert.deepEqual(blocked, [], 'the page loads nothing else');
        await page.getByText('This payment appears on your statement as RIDES & CO').waitFor();
        await page.screenshot({ path: join(SHOTS, `${engine}-receipt.png`), fullPage: true });
      } finally {
        await page.close();
      }
    });
  });
}

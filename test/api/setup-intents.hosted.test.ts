import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';

const MANDATE = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.0', user_agent: 'device' } } };

function post(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' });
}

/** The buttons of a page: [accessible name, action] of each form's single submit button. */
function buttons(html: string): { name: string; action: string; formAction: string; method: string }[] {
  const forms = [...html.matchAll(/<form method="(\w+)" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  return forms.map((f) => ({
    method: f[1],
    formAction: f[2],
    action: /name="action" value="([^"]+)"/.exec(f[3])![1],
    name: /<button[^>]*>([^<]+)<\/button>/.exec(f[3])![1],
  }));
}

for (const engine of engines()) {
  describe(`hosted authorization page [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount({ name: 'Rocket <Rides> & "Co"' });
    });
    after(async () => s.close());

    const pending = async (returnUrl = 'https://example.com/setup/complete') => {
      const c = await a.stripe.customers.create({});
      return a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: c.id, confirm: true, return_url: returnUrl, mandate_data: MANDATE });
    };

    it('shows who asks, what is authorized, the mandate wording and exactly three buttons, escaped', async () => {
      const si = await pending();
      const url = si.next_action!.redirect_to_url!.url!;
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'same-origin');
      assert.match(res.headers.get('cache-control') ?? '', /no-store/);
      const html = await res.text();
      assert.ok(!html.includes('<Rides>'), 'the display name is escaped');
      assert.ok(html.includes('Rocket &#60;Rides&#62; &#38; &#34;Co&#34;'));
      const text = html.replace(/&#(\d+);/g, (_m, n) => String.fromCharCode(Number(n)));
      const name = 'Rocket <Rides> & "Co"';
      assert.ok(text.includes(`By continuing, you authorize ${name} to debit your Amazon Pay account for this payment and future payments in accordance with ${name}'s terms, until this authorization is revoked.`));
      assert.match(text, /save your Amazon Pay account for future payments/);
      const path = new URL(url).pathname;
      assert.deepEqual(buttons(html), [
        { method: 'post', formAction: path, action: 'authorize', name: 'Authorize test payment' },
        { method: 'post', formAction: path, action: 'fail', name: 'Fail test payment' },
        { method: 'post', formAction: path, action: 'authorize_decline_later', name: 'Authorize, but decline later charges' },
      ]);
      assert.ok(!/<script/i.test(html));
    });

    it('keeps the merchant query and fragment of return_url', async () => {
      const si = await pending('https://shop.example/done?order=42&lang=en#receipt');
      const res = await post(si.next_action!.redirect_to_url!.url!, 'action=authorize');
      assert.equal(res.status, 303);
      const loc = res.headers.get('location')!;
      assert.ok(loc.startsWith('https://shop.example/done?order=42&lang=en&setup_intent='), loc);
      assert.ok(loc.endsWith('&redirect_status=succeeded#receipt'), loc);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    });

    it('changes nothing for an unknown link, an unknown action or a cross-site post', async () => {
      const si = await pending();
      const url = si.next_action!.redirect_to_url!.url!;
      const unknown = await fetch(`${s.url}/redirect/authorize/${'x'.repeat(40)}`);
      assert.equal(unknown.status, 404);
      assert.match(await unknown.text(), /not valid/);
      const badAction = await post(url, 'action=approve');
      assert.equal(badAction.status, 400);
      const crossSite = await post(url, 'action=authorize', { origin: 'https://evil.example' });
      assert.equal(crossSite.status, 403);
      const fetchMeta = await post(url, 'action=authorize', { 'sec-fetch-site': 'cross-site' });
      assert.equal(fetchMeta.status, 403);
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).status, 'requires_action');
      const sameOrigin = await post(url, 'action=authorize', { origin: s.url, 'sec-fetch-site': 'same-origin' });
      assert.equal(sameOrigin.status, 303);
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).status, 'succeeded');
    });

    it('says so when used twice or when the intent was canceled, and changes nothing', async () => {
      const si = await pending();
      const url = si.next_action!.redirect_to_url!.url!;
      assert.equal((await post(url, 'action=fail')).status, 303);
      const second = await post(url, 'action=authorize');
      assert.equal(second.status, 409);
      const secondHtml = await second.text();
      assert.match(secondHtml, /already completed/);
      assert.match(secondHtml, /Nothing was changed/);
      assert.match(secondHtml, /redirect_status=failed/, 'links back with the current outcome');
      assert.equal((await a.stripe.setupIntents.retrieve(si.id)).status, 'requires_payment_method');
      const revisit = await fetch(url);
      assert.match(await revisit.text(), /Nothing to authorize/);

      const other = await pending();
      await a.stripe.setupIntents.cancel(other.id);
      const page = await (await fetch(other.next_action!.redirect_to_url!.url!)).text();
      assert.match(page, /replaced by a newer one or canceled/);
      assert.ok(!page.includes('Authorize test payment'));
      assert.equal((await post(other.next_action!.redirect_to_url!.url!, 'action=authorize')).status, 409);
      const after_ = await a.stripe.setupIntents.retrieve(other.id);
      assert.equal(after_.status, 'canceled');
      assert.equal(after_.mandate, null);
    });

    it('lets exactly one of two simultaneous answers win', async () => {
      const si = await pending();
      const url = si.next_action!.redirect_to_url!.url!;
      const [x, y] = await Promise.all([post(url, 'action=authorize'), post(url, 'action=fail')]);
      assert.deepEqual([x.status, y.status].sort(), [303, 409]);
      const winner = x.status === 303 ? 'authorize' : 'fail';
      const final = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(final.status, winner === 'authorize' ? 'succeeded' : 'requires_payment_method');
      const succeeded = (await a.stripe.events.list({ type: 'setup_intent.succeeded', limit: 100 })).data.filter((e) => (e.data.object as Stripe.SetupIntent).id === si.id);
      const failed = (await a.stripe.events.list({ type: 'setup_intent.setup_failed', limit: 100 })).data.filter((e) => (e.data.object as Stripe.SetupIntent).id === si.id);
      assert.equal(succeeded.length + failed.length, 1);
    });
  });
}

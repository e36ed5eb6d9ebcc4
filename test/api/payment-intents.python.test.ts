import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { answer } from './payment-intents.fixtures.js';
import { pythonSkip, pythonExecutable } from '../support/tools.js';

const run = promisify(execFile);

/** A snippet run by Debian's python3-stripe (only Debian's own interpreter imports it); prints JSON. */
async function python(s: TestServer, body: string, env: Record<string, string> = {}): Promise<any> {
  const script = `import json, os, stripe\nstripe.api_key = os.environ["SK"]\nstripe.api_base = os.environ["API"]\n${body}`;
  const { stdout } = await run(pythonExecutable(), ['-c', script], { env: { PATH: process.env.PATH ?? '', SK: s.sk, API: s.url, ...env }, timeout: 30_000 });
  return JSON.parse(stdout);
}

for (const engine of engines()) {
  describe(`PaymentIntents through Debian's python3-stripe [${engine}]`, { skip: pythonSkip }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('saves Amazon Pay during a payment, charges it off-session, refunds, and sees a decline as a CardError', async () => {
      // python3-stripe sends no Stripe-Version: the account's default (dahlia) applies, so the
      // seed's payment_method_types is accepted.
      const started = await python(
        s,
        `c = stripe.Customer.create(name="Jenny Rosen", email="jenny.rosen@example.com")
pi = stripe.PaymentIntent.create(amount=1000, currency="usd", payment_method_types=["amazon_pay"], payment_method_data={"type": "amazon_pay"},
  mandate_data={"customer_acceptance": {"type": "online", "online": {"ip_address": "127.0.0.0", "user_agent": "device"}}},
  return_url="https://www.stripe.com", customer=c.id, setup_future_usage="off_session", statement_descriptor="test_statement",
  capture_method="automatic", confirm=True)
print(json.dumps({"customer": c.id, "id": pi.id, "status": pi.status, "url": pi.next_action.redirect_to_url.url}))`,
      );
      assert.equal(started.status, 'requires_action');
      assert.equal((await answer(started.url, 'authorize')).status, 303);
      const later = await python(
        s,
        `first = stripe.PaymentIntent.retrieve(os.environ["PI"])
pi = stripe.PaymentIntent.create(payment_method_types=["amazon_pay"], payment_method=first.payment_method, amount=1000, currency="usd",
  customer=os.environ["CUS"], statement_descriptor="test_statement", capture_method="automatic", confirm=True, off_session=True)
r = stripe.Refund.create(payment_intent=pi.id, amount=250)
ch = stripe.Charge.retrieve(pi.latest_charge)
print(json.dumps({"first": first.status, "status": pi.status, "refund": r.status, "refunded": ch.amount_refunded}))`,
        { PI: started.id, CUS: started.customer },
      );
      assert.deepEqual(later, { first: 'succeeded', status: 'succeeded', refund: 'pending', refunded: 250 });

      const declining = await python(
        s,
        `pi = stripe.PaymentIntent.create(amount=1000, currency="usd", payment_method_types=["amazon_pay"], payment_method_data={"type": "amazon_pay"},
  return_url="https://www.stripe.com", customer=os.environ["CUS"], setup_future_usage="off_session", confirm=True)
print(json.dumps({"url": pi.next_action.redirect_to_url.url, "id": pi.id}))`,
        { CUS: started.customer },
      );
      await answer(declining.url, 'authorize_decline_later');
      const declined = await python(
        s,
        `pm = stripe.PaymentIntent.retrieve(os.environ["PI"]).payment_method
try:
    stripe.PaymentIntent.create(payment_method_types=["amazon_pay"], payment_method=pm, amount=1000, currency="usd", customer=os.environ["CUS"], confirm=True, off_session=True)
    print(json.dumps({"raised": None}))
except stripe.error.CardError as e:
    print(json.dumps({"raised": "CardError", "status": e.http_status, "code": e.code, "pi": e.error.payment_intent.status}))`,
        { PI: declining.id, CUS: started.customer },
      );
      assert.deepEqual(declined, { raised: 'CardError', status: 402, code: 'payment_method_provider_decline', pi: 'requires_payment_method' });
    });
  });
}

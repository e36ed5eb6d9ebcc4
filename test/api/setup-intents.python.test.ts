import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { pythonSkip, pythonExecutable } from '../support/tools.js';

const run = promisify(execFile);

/** Runs a snippet with Debian's python3-stripe (only Debian's interpreter can import it) and parses its JSON output. */
async function python(s: TestServer, body: string, env: Record<string, string> = {}): Promise<any> {
  const script = `import json, os, stripe\nstripe.api_key = os.environ["SK"]\nstripe.api_base = os.environ["API"]\n${body}`;
  const { stdout } = await run(pythonExecutable(), ['-c', script], { env: { PATH: process.env.PATH ?? '', SK: s.sk, API: s.url, ...env }, timeout: 30_000 });
  return JSON.parse(stdout);
}

for (const engine of engines()) {
  describe(`SetupIntents through Debian's python3-stripe [${engine}]`, { skip: pythonSkip }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('saves Amazon Pay with the seed parameters, then detaches it', async () => {
      const created = await python(
        s,
        `c = stripe.Customer.create(name="Jenny Rosen", email="jenny.rosen@example.com")
si = stripe.SetupIntent.create(payment_method_types=["amazon_pay"], payment_method_data={"type": "amazon_pay"}, usage="off_session", customer=c.id)
assert si.status == "requires_confirmation", si.status
si = si.confirm(return_url="https://example.com/setup/complete",
  mandate_data={"customer_acceptance": {"type": "online", "online": {"ip_address": "127.0.0.0", "user_agent": "device"}}})
print(json.dumps({"id": si.id, "status": si.status, "url": si.next_action.redirect_to_url.url, "customer": c.id}))`,
      );
      assert.equal(created.status, 'requires_action');
      const done = await fetch(created.url, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(done.status, 303);
      const after_ = await python(
        s,
        `si = stripe.SetupIntent.retrieve(os.environ["SI"], expand=["payment_method"])
pm = stripe.PaymentMethod.detach(si.payment_method.id)
m = stripe.Mandate.retrieve(si.mandate)
print(json.dumps({"status": si.status, "owner": si.payment_method.customer, "detached": pm.customer, "mandate": m.status}))`,
        { SI: created.id },
      );
      assert.deepEqual(after_, { status: 'succeeded', owner: created.customer, detached: null, mandate: 'inactive' });
    });
  });
}

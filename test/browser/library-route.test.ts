import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../support/harness.js';

for (const engine of engines()) {
  describe(`GET /v3/ serves the browser library [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    for (const path of ['/v3/', '/v3']) {
      it(`${path} answers JavaScript that defines window.Stripe, without an API key`, async () => {
        const res = await fetch(`${s.url}${path}`);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^application\/javascript/);
        const code = await res.text();
        assert.match(code, /window\.Stripe\s*=/);
        assert.match(code, /confirmAmazonPaySetup/);
        // A classic script: no module syntax at top level.
        assert.doesNotMatch(code, /^\s*(import|export)\s/m);
      });
    }
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { chargeOffSession, newOwner, savedMethod } from './payment-intents.fixtures.js';

for (const engine of engines()) {
  describe(`GET /v1/account [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it("answers the key's own merchant account, whose statement descriptor its charges carry", async () => {
      const a = await s.newAccount({ name: 'Rocket Rides GB', country: 'GB' });
      const account = await a.stripe.accounts.retrieveCurrent();
      assert.equal(account.id, a.account.id);
      assert.equal(account.object, 'account');
      assert.deepEqual([account.country, account.default_currency, account.type], ['GB', 'gbp', 'standard']);
      assert.deepEqual([account.charges_enabled, account.payouts_enabled, account.details_submitted], [true, true, true]);
      assert.equal(account.capabilities?.amazon_pay_payments, 'active');
      assert.equal(account.business_profile?.name, 'Rocket Rides GB');
      assert.equal(account.settings?.dashboard.display_name, 'Rocket Rides GB');

      const us = await s.newAccount({ name: 'Jenny Rosen Rides' });
      const usAccount = await us.stripe.accounts.retrieveCurrent();
      assert.notEqual(usAccount.id, account.id, 'each key sees its own account');
      assert.equal(usAccount.default_currency, 'usd');
      const owner = await newOwner(s.url, us.sk, us.stripe, 'customer');
      const pi = await chargeOffSession(us.stripe, owner, await savedMethod(us.stripe, owner));
      const charge = await us.stripe.charges.retrieve(pi.latest_charge as string);
      assert.equal(charge.calculated_statement_descriptor, usAccount.settings?.payments.statement_descriptor);
    });

    it('is for secret keys only and takes no other parameter', async () => {
      assert.equal((await raw(s.url, 'GET', '/v1/account', { key: s.pk })).status, 403);
      assert.equal((await raw(s.url, 'GET', '/v1/account', {})).status, 401);
      const unknown = await raw(s.url, 'GET', '/v1/account?email=x', { key: s.sk });
      assert.deepEqual([unknown.status, unknown.body.error.code, unknown.body.error.param], [400, 'parameter_unknown', 'email']);
    });
  });
}

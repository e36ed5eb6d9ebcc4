import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { getObject, listObjects } from '../../src/storage/repos/objects.js';
import { connectorFor } from '../../src/connectors/registry.js';
import type { MandateInternal } from '../../src/domain/mandates/mandate.js';
import { reconcilePass } from '../../src/reconcile/operations.js';

const MANDATE = { customer_acceptance: { type: 'online' as const, online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0' } } };

async function saved(a: TestAccount, action: 'authorize' | 'authorize_decline_later' = 'authorize') {
  const c = await a.stripe.customers.create({});
  const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: c.id, confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE });
  const res = await fetch(si.next_action!.redirect_to_url!.url!, { method: 'POST', body: `action=${action}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  assert.equal(res.status, 303);
  const final = await a.stripe.setupIntents.retrieve(si.id);
  return { customer: c, si: final, mandateId: final.mandate as string, pmId: final.payment_method as string };
}

for (const engine of engines()) {
  describe(`mandates [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
    });
    after(async () => s.close());

    /** The processor's agreement behind a mandate (not on the wire: read from storage). */
    const agreementOf = async (mandateId: string) =>
      (await getObject<Stripe.Mandate, MandateInternal>(s.server.store.read, { accountId: a.account.id, livemode: false }, 'mandate', mandateId))!.internal.agreementId!;
    const scope = () => ({ accountId: a.account.id, livemode: false });

    it('retrieves the mandate a setup created, with every field Stripe renders', async () => {
      const { mandateId, pmId } = await saved(a);
      const res = await raw(s.url, 'GET', `/v1/mandates/${mandateId}`, { key: a.sk });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ['customer_acceptance', 'id', 'livemode', 'multi_use', 'object', 'payment_method', 'payment_method_details', 'status', 'type']);
      assert.match(res.body.id, /^mandate_[A-Za-z0-9]{24}$/);
      assert.equal(res.body.object, 'mandate');
      assert.equal(res.body.livemode, false);
      assert.deepEqual(res.body.customer_acceptance.online, MANDATE.customer_acceptance.online);
      assert.equal(res.body.payment_method, pmId);
      const expanded = await a.stripe.mandates.retrieve(mandateId, { expand: ['payment_method'] });
      assert.equal((expanded.payment_method as Stripe.PaymentMethod).id, pmId);
      await assert.rejects(a.stripe.mandates.retrieve('mandate_missing'), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing');
      const other = await s.newAccount();
      await assert.rejects(other.stripe.mandates.retrieve(mandateId), (e: Stripe.errors.StripeError) => e.statusCode === 404);
      assert.equal((await raw(s.url, 'GET', `/v1/mandates/${mandateId}`, { key: a.pk })).status, 403);
    });

    it("stands for the processor's agreement: chargeable after authorize, declining after authorize_decline_later", async () => {
      const good = await saved(a);
      const later = await saved(a, 'authorize_decline_later');
      const connector = connectorFor(s.server.deps, 'amazon_pay');
      const ok = await connector.createCharge(scope(), { reference: 'test-ok', chargePermissionId: await agreementOf(good.mandateId), amount: 1000, currency: 'usd', capture: true });
      assert.equal(ok.status, 'captured');
      assert.equal(ok.capturedAmount, 1000);
      const declined = await connector.createCharge(scope(), { reference: 'test-decline', chargePermissionId: await agreementOf(later.mandateId), amount: 1000, currency: 'usd', capture: true });
      assert.equal(declined.status, 'declined');
      assert.equal(declined.failure?.code, 'payment_method_provider_decline');
      const retried = await connector.createCharge(scope(), { reference: 'test-ok', chargePermissionId: await agreementOf(good.mandateId), amount: 1000, currency: 'usd', capture: true });
      assert.equal(retried.chargeId, ok.chargeId, 'a retried reference finds the first charge');
    });

    it('goes inactive on detach (mandate.updated + payment_method.detached) and the agreement is revoked', async () => {
      const { mandateId, pmId, customer } = await saved(a);
      const agreement = await agreementOf(mandateId);
      await a.stripe.paymentMethods.detach(pmId);
      const m = await a.stripe.mandates.retrieve(mandateId);
      assert.equal(m.status, 'inactive');
      const updated = (await a.stripe.events.list({ type: 'mandate.updated' })).data.find((e) => (e.data.object as Stripe.Mandate).id === mandateId)!;
      assert.equal((updated.data.object as Stripe.Mandate).status, 'inactive');
      assert.deepEqual(updated.data.previous_attributes, { status: 'active' });
      const detached = (await a.stripe.events.list({ type: 'payment_method.detached' })).data.find((e) => (e.data.object as Stripe.PaymentMethod).id === pmId)!;
      assert.deepEqual(detached.data.previous_attributes, { customer: customer.id });
      const connector = connectorFor(s.server.deps, 'amazon_pay');
      assert.equal((await connector.getChargePermission(scope(), agreement))?.status, 'closed');
      const charge = await connector.createCharge(scope(), { reference: 'after-detach', chargePermissionId: agreement, amount: 500, currency: 'usd', capture: true });
      assert.equal(charge.status, 'declined');
      // Detached for good: no later intent may use it.
      await assert.rejects(
        a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method: pmId, customer: customer.id }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'payment_method_unexpected_state' && /may not be used again/.test(e.message),
      );
    });

    it("deleting the customer detaches its saved methods: mandates inactive, agreements revoked, methods unusable", async () => {
      const first = await saved(a);
      // A second method of the same customer.
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: first.customer.id, confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE });
      await fetch(si.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' }).then((r) => r.arrayBuffer());
      const second = await a.stripe.setupIntents.retrieve(si.id);
      const pms = [first.pmId, second.payment_method as string];
      const mandates = [first.mandateId, second.mandate as string];
      const agreements = await Promise.all(mandates.map(agreementOf));
      // Another customer's method stays as it is.
      const bystander = await saved(a);
      const seqBefore = (await a.stripe.events.list({ limit: 1 })).data[0].id;

      const deleted = await a.stripe.customers.del(first.customer.id);
      assert.equal(deleted.deleted, true);
      for (const pm of pms) {
        const after_ = await a.stripe.paymentMethods.retrieve(pm);
        assert.equal(after_.customer, null, pm);
      }
      for (const m of mandates) assert.equal((await a.stripe.mandates.retrieve(m)).status, 'inactive');
      const connector = connectorFor(s.server.deps, 'amazon_pay');
      for (const agreement of agreements) assert.equal((await connector.getChargePermission(scope(), agreement))?.status, 'closed');
      assert.equal((await a.stripe.paymentMethods.retrieve(bystander.pmId)).customer, bystander.customer.id);
      assert.equal((await a.stripe.mandates.retrieve(bystander.mandateId)).status, 'active');
      // The events, in the deletion's transaction: each method detached, each mandate inactive, then the customer.
      const events = (await a.stripe.events.list({ ending_before: seqBefore, limit: 20 })).data.reverse();
      assert.deepEqual(
        events.map((e) => e.type).sort(),
        ['customer.deleted', 'mandate.updated', 'mandate.updated', 'payment_method.detached', 'payment_method.detached'],
      );
      assert.equal(events.at(-1)!.type, 'customer.deleted');
      for (const e of events.filter((e) => e.type === 'payment_method.detached')) assert.deepEqual(e.data.previous_attributes, { customer: first.customer.id });
      // No longer usable, by the deleted customer's id or anyone else's.
      const other = await a.stripe.customers.create({});
      await assert.rejects(
        a.stripe.paymentIntents.create({ amount: 500, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: pms[0], customer: other.id, confirm: true, off_session: true }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'payment_method_unexpected_state',
      );
      await assert.rejects(a.stripe.paymentMethods.attach(pms[1], { customer: other.id }), (e: Stripe.errors.StripeError) => e.statusCode === 400);
    });

    /** A v2 account with the customer configuration and a method saved to it by an authorized setup. */
    async function savedToAccount() {
      const account = await a.stripe.v2.core.accounts.create({ display_name: 'Jenny Rosen', configuration: { customer: {} } });
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer_account: account.id, confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE } as Stripe.SetupIntentCreateParams);
      await fetch(si.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' }).then((r) => r.arrayBuffer());
      const done = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(done.status, 'succeeded');
      return { account, pmId: done.payment_method as string, mandateId: done.mandate as string };
    }

    it('closing the v2 account detaches the methods saved to it: mandates inactive, agreements revoked, methods unusable', async () => {
      const { account, pmId, mandateId } = await savedToAccount();
      assert.equal((await a.stripe.paymentMethods.retrieve(pmId)).customer_account, account.id);
      const agreement = await agreementOf(mandateId);
      const bystander = await savedToAccount();
      const lastEvent = (await a.stripe.events.list({ limit: 1 })).data[0].id;

      await a.stripe.v2.core.accounts.close(account.id, { applied_configurations: ['customer'] });
      const pm = await a.stripe.paymentMethods.retrieve(pmId);
      assert.equal(pm.customer_account, null);
      assert.equal(pm.customer, null);
      assert.equal((await a.stripe.mandates.retrieve(mandateId)).status, 'inactive');
      const connector = connectorFor(s.server.deps, 'amazon_pay');
      assert.equal((await connector.getChargePermission(scope(), agreement))?.status, 'closed');
      assert.equal((await a.stripe.paymentMethods.retrieve(bystander.pmId)).customer_account, bystander.account.id);
      assert.equal((await a.stripe.mandates.retrieve(bystander.mandateId)).status, 'active');
      const events = (await a.stripe.events.list({ ending_before: lastEvent, limit: 20 })).data;
      assert.deepEqual(events.map((e) => e.type).sort(), ['mandate.updated', 'payment_method.detached']);
      assert.deepEqual(events.find((e) => e.type === 'payment_method.detached')!.data.previous_attributes, { customer_account: account.id });
      // Closing again changes nothing and detaches nothing more.
      await a.stripe.v2.core.accounts.close(account.id, { applied_configurations: ['customer'] });
      assert.equal((await a.stripe.events.list({ ending_before: lastEvent, limit: 20 })).data.length, 2);
      // The method is detached for good: an off-session charge with it is refused.
      await assert.rejects(
        a.stripe.paymentIntents.create({ amount: 500, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: pmId, customer_account: bystander.account.id, confirm: true, off_session: true } as Stripe.PaymentIntentCreateParams),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'payment_method_unexpected_state',
      );
    });

    it('a setup the customer completes after the v2 account was closed saves nothing to it', async () => {
      const account = await a.stripe.v2.core.accounts.create({ display_name: 'Closing', configuration: { customer: {} } });
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer_account: account.id, confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE } as Stripe.SetupIntentCreateParams);
      await a.stripe.v2.core.accounts.close(account.id, { applied_configurations: ['customer'] });
      const res = await fetch(si.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(res.status, 303);
      const done = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(done.status, 'succeeded');
      assert.equal((await a.stripe.paymentMethods.retrieve(done.payment_method as string)).customer_account, null);
      // Attaching to a closed account directly is refused too.
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' } as Stripe.PaymentMethodCreateParams);
      await assert.rejects(a.stripe.paymentMethods.attach(pm.id, { customer_account: account.id } as Stripe.PaymentMethodAttachParams), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'account_invalid');
    });

    it('a setup the customer completes after the customer was deleted saves nothing to the deleted customer', async () => {
      const c = await a.stripe.customers.create({});
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: c.id, confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE });
      await a.stripe.customers.del(c.id);
      const res = await fetch(si.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(res.status, 303);
      const done = await a.stripe.setupIntents.retrieve(si.id);
      // The processor approved it, so the setup succeeded; there is no customer to save the method to.
      assert.equal(done.status, 'succeeded');
      assert.equal((await a.stripe.paymentMethods.retrieve(done.payment_method as string)).customer, null);
      const attached = (await a.stripe.events.list({ type: 'payment_method.attached', limit: 5 })).data.filter((e) => (e.data.object as Stripe.PaymentMethod).id === done.payment_method);
      assert.deepEqual(attached, []);
      // The mandate stands for nothing: inactive from the start, and its agreement is revoked.
      await assertRevokedMandate(done.mandate as string);
    });

    /** A mandate made for a method that could not be saved: inactive, and (after a reconciler pass) its agreement closed. */
    async function assertRevokedMandate(mandateId: string) {
      assert.equal((await a.stripe.mandates.retrieve(mandateId)).status, 'inactive');
      const agreement = await agreementOf(mandateId);
      const connector = connectorFor(s.server.deps, 'amazon_pay');
      assert.notEqual((await connector.getChargePermission(scope(), agreement))?.status, undefined);
      await reconcilePass(s.server.deps, { graceMs: 0 });
      assert.equal((await connector.getChargePermission(scope(), agreement))?.status, 'closed');
    }

    it("a method attached to another customer while the customer was away keeps no mandate of the first customer's agreement", async () => {
      const first = await a.stripe.customers.create({});
      const other = await a.stripe.customers.create({});
      const si = await a.stripe.setupIntents.create({ allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: first.id, confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE });
      await a.stripe.paymentMethods.attach(si.payment_method as string, { customer: other.id });
      const res = await fetch(si.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(res.status, 303);
      const done = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(done.status, 'succeeded');
      assert.equal((await a.stripe.paymentMethods.retrieve(si.payment_method as string)).customer, other.id);
      await assertRevokedMandate(done.mandate as string);
      // The other customer never agreed to off-session charges: the first customer's agreement must not serve them.
      await assert.rejects(
        a.stripe.paymentIntents.create({ amount: 700, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: si.payment_method as string, customer: other.id, confirm: true, off_session: true }),
        (e: Stripe.errors.StripeError) => e.statusCode === 402 && e.code === 'authentication_required',
      );
      // Nor when the charge names that mandate.
      await assert.rejects(
        a.stripe.paymentIntents.create({ amount: 700, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: si.payment_method as string, customer: other.id, confirm: true, off_session: true, mandate: done.mandate as string }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'mandate',
      );
    });

    it('a payment saving the method, whose method was attached to another customer meanwhile, leaves an inactive mandate', async () => {
      const first = await a.stripe.customers.create({});
      const other = await a.stripe.customers.create({});
      const pi = await a.stripe.paymentIntents.create({ amount: 1300, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: first.id, setup_future_usage: 'off_session', confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE });
      await a.stripe.paymentMethods.attach(pi.payment_method as string, { customer: other.id });
      const res = await fetch(pi.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(res.status, 303);
      assert.equal((await a.stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded');
      assert.equal((await a.stripe.paymentMethods.retrieve(pi.payment_method as string)).customer, other.id);
      const { items } = await listObjects<Stripe.Mandate>(s.server.store.read, scope(), { type: 'mandate', parent: pi.payment_method as string, limit: 10 });
      assert.equal(items.length, 1);
      await assertRevokedMandate(items[0].id);
      await assert.rejects(
        a.stripe.paymentIntents.create({ amount: 700, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: pi.payment_method as string, customer: other.id, confirm: true, off_session: true }),
        (e: Stripe.errors.StripeError) => e.statusCode === 402 && e.code === 'authentication_required',
      );
    });

    it('a payment saving the method, completed after the customer was deleted, leaves an inactive mandate', async () => {
      const c = await a.stripe.customers.create({});
      const pi = await a.stripe.paymentIntents.create({ amount: 1200, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: c.id, setup_future_usage: 'off_session', confirm: true, return_url: 'https://example.com/r', mandate_data: MANDATE });
      await a.stripe.customers.del(c.id);
      const res = await fetch(pi.next_action!.redirect_to_url!.url!, { method: 'POST', body: 'action=authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(res.status, 303);
      const done = await a.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
      assert.equal(done.status, 'succeeded');
      assert.equal((await a.stripe.paymentMethods.retrieve(done.payment_method as string)).customer, null);
      // The PaymentIntent names no mandate on the wire: find the one its method got in storage.
      const { items } = await listObjects<Stripe.Mandate>(s.server.store.read, scope(), { type: 'mandate', parent: done.payment_method as string, limit: 10 });
      assert.equal(items.length, 1);
      await assertRevokedMandate(items[0].id);
    });
  });
}

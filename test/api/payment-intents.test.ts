import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestAccount, type TestServer } from '../support/harness.js';
import { answer, chargeOffSession, eventTypes, MANDATE, newOwner, ownerForm, payAndSave, savedMethod } from './payment-intents.fixtures.js';

// Every non-optional field of Stripe.PaymentIntent (node SDK 23.1.0), present even when null.
const PI_FIELDS = [
  'id', 'object', 'allowed_payment_method_types', 'amount', 'amount_capturable', 'amount_received', 'application', 'application_fee_amount',
  'automatic_payment_methods', 'canceled_at', 'cancellation_reason', 'capture_method', 'client_secret', 'confirmation_method', 'created', 'currency',
  'customer', 'customer_account', 'description', 'excluded_payment_method_types', 'last_payment_error', 'latest_charge', 'livemode', 'managed_payments',
  'metadata', 'next_action', 'on_behalf_of', 'payment_method', 'payment_method_configuration_details', 'payment_method_options', 'payment_method_types',
  'payment_record', 'processing', 'receipt_email', 'review', 'setup_future_usage', 'shipping', 'source', 'statement_descriptor',
  'statement_descriptor_suffix', 'status', 'transfer_group',
  // Optional in the SDK's types, shown by Stripe on every PaymentIntent (API reference example, live bodies).
  'amount_details', 'transfer_data',
];

/** The seed's curl bodies, byte for byte (`payment_method_types[]`, Basic auth, account default version). */
const seedSave = (owner: string) =>
  [
    'payment_method_types[]=amazon_pay',
    'payment_method_data[type]=amazon_pay',
    'mandate_data[customer_acceptance][type]=online',
    'mandate_data[customer_acceptance][online][ip_address]=127.0.0.0',
    'mandate_data[customer_acceptance][online][user_agent]=device',
    'return_url=https%3A%2F%2Fwww.stripe.com',
    owner,
    'setup_future_usage=off_session',
    'amount=1000',
    'currency=usd',
    'statement_descriptor=test_statement',
    'capture_method=automatic',
    'confirm=true',
  ].join('&');
const seedOffSession = (owner: string, pm: string) =>
  ['payment_method_types[]=amazon_pay', `payment_method=${pm}`, 'amount=1000', 'currency=usd', owner, 'statement_descriptor=test_statement', 'capture_method=automatic', 'confirm=true', 'off_session=true'].join('&');

for (const engine of engines()) {
  describe(`payment intents: the seed's flows [${engine}]`, () => {
    let s: TestServer;
    let a: TestAccount;
    before(async () => {
      s = await startTestServer(engine);
      a = await s.newAccount();
    });
    after(async () => s.close());

    for (const kind of ['customer', 'account'] as const) {
      it(`saves Amazon Pay during a payment and charges it later, with the seed's curl parameters (${kind})`, async () => {
        const owner = await newOwner(s.url, a.sk, a.stripe, kind);
        const created = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, basic: true, form: seedSave(ownerForm(owner)) });
        assert.equal(created.status, 200, created.text);
        const pi = created.body;
        assert.deepEqual(Object.keys(pi).filter((k) => !PI_FIELDS.includes(k)), []);
        for (const f of PI_FIELDS) assert.ok(f in pi, `missing ${f}`);
        assert.match(pi.id, /^pi_[A-Za-z0-9]{24}$/);
        assert.ok(pi.client_secret.startsWith(`${pi.id}_secret_`));
        assert.equal(pi.status, 'requires_action');
        assert.equal(pi.next_action.type, 'redirect_to_url');
        assert.equal(pi.next_action.redirect_to_url.return_url, 'https://www.stripe.com');
        assert.ok(pi.next_action.redirect_to_url.url.startsWith(`${s.url}/`));
        assert.match(pi.payment_method, /^pm_/);
        assert.deepEqual([pi.amount_received, pi.amount_capturable, pi.latest_charge], [0, 0, null]);
        assert.deepEqual([pi.setup_future_usage, pi.statement_descriptor, pi.capture_method], ['off_session', 'test_statement', 'automatic']);
        assert.deepEqual(pi.payment_method_types, ['amazon_pay']);
        assert.deepEqual(pi.payment_method_options, { amazon_pay: { express_checkout_element_session_id: null } });
        assert.equal(pi.automatic_payment_methods, null);
        assert.deepEqual([pi.amount_details, pi.transfer_data, pi.managed_payments], [{ tip: {} }, null, { enabled: false }]);
        assert.equal('customer' in owner ? pi.customer : pi.customer_account, 'customer' in owner ? owner.customer : owner.customer_account);
        assert.equal(created.headers.get('stripe-version'), '2026-08-26.dahlia');

        // The customer approves on the hosted page and comes back to the return_url.
        const back = await answer(pi.next_action.redirect_to_url.url, 'authorize');
        assert.equal(back.status, 303);
        const loc = new URL(back.headers.get('location')!);
        assert.equal(loc.origin + loc.pathname, 'https://www.stripe.com/');
        assert.equal(loc.searchParams.get('payment_intent'), pi.id);
        assert.equal(loc.searchParams.get('payment_intent_client_secret'), pi.client_secret);
        assert.equal(loc.searchParams.get('redirect_status'), 'succeeded');

        const done = await a.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge', 'payment_method'] });
        assert.equal(done.status, 'succeeded');
        assert.equal(done.amount_received, 1000);
        assert.equal(done.next_action, null);
        const charge = done.latest_charge as Stripe.Charge;
        assert.match(charge.id, /^ch_/);
        assert.deepEqual(
          [charge.status, charge.captured, charge.paid, charge.amount, charge.amount_captured, charge.amount_refunded, charge.refunded],
          ['succeeded', true, true, 1000, 1000, 0, false],
        );
        assert.match(String(charge.balance_transaction), /^txn_/);
        assert.equal(charge.statement_descriptor, 'test_statement');
        assert.equal(charge.calculated_statement_descriptor, 'test_statement');
        assert.equal(charge.payment_intent, pi.id);
        assert.equal(charge.payment_method, pi.payment_method);
        assert.equal(charge.payment_method_details?.type, 'amazon_pay');
        assert.ok(charge.payment_method_details?.amazon_pay?.transaction_id);
        assert.equal(charge.payment_method_details?.amazon_pay?.funding?.type, 'card');
        assert.equal(charge.outcome?.type, 'authorized');
        assert.equal('refunds' in charge, false, 'refunds only when expanded');
        const pm = done.payment_method as Stripe.PaymentMethod;
        if ('customer' in owner) assert.equal(pm.customer, owner.customer);
        else assert.equal(pm.customer_account, owner.customer_account);
        assert.deepEqual(await eventTypes(a.stripe, [pi.id, charge.id, pm.id]), [
          'payment_intent.created',
          'payment_intent.requires_action',
          'payment_method.attached',
          'charge.succeeded',
          'payment_intent.succeeded',
        ]);
        // The redirect event came from the customer, not from an API request.
        const succeeded = (await a.stripe.events.list({ type: 'payment_intent.succeeded', limit: 1 })).data[0];
        assert.equal(succeeded.request?.id, null);

        // Flow 3: later, off-session, with the seed's curl; the mandate makes a redirect unnecessary.
        const later = await raw(s.url, 'POST', '/v1/payment_intents', { key: a.sk, basic: true, form: seedOffSession(ownerForm(owner), pm.id) });
        assert.equal(later.status, 200, later.text);
        assert.equal(later.body.status, 'succeeded');
        assert.equal(later.body.next_action, null);
        assert.equal(later.body.amount_received, 1000);
        assert.match(later.body.latest_charge, /^ch_/);
        assert.deepEqual(await eventTypes(a.stripe, [later.body.id, later.body.latest_charge]), ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
        const event = (await a.stripe.events.list({ type: 'payment_intent.succeeded', limit: 1 })).data[0];
        assert.equal(event.request?.id, later.headers.get('request-id'));
      });
    }

    it('charges a method saved by a SetupIntent off-session, with its mandate or one named by `mandate`', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'account');
      const si = await a.stripe.setupIntents.create({
        allowed_payment_method_types: ['amazon_pay'],
        payment_method_data: { type: 'amazon_pay' },
        usage: 'off_session',
        confirm: true,
        return_url: 'https://example.com/setup/complete',
        mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.0', user_agent: 'device' } } },
        ...owner,
      } as Stripe.SetupIntentCreateParams);
      assert.equal((await answer(si.next_action!.redirect_to_url!.url!, 'authorize')).status, 303);
      const saved = await a.stripe.setupIntents.retrieve(si.id);
      assert.equal(saved.status, 'succeeded');
      const pm = saved.payment_method as string;
      const plain = await chargeOffSession(a.stripe, owner, pm);
      assert.equal(plain.status, 'succeeded');
      const named = await chargeOffSession(a.stripe, owner, pm, { mandate: saved.mandate as string });
      assert.equal(named.status, 'succeeded');
      // Another method's mandate, or an unknown one, is refused.
      const other = await savedMethod(a.stripe, owner);
      await assert.rejects(chargeOffSession(a.stripe, owner, other, { mandate: saved.mandate as string }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'mandate');
      await assert.rejects(chargeOffSession(a.stripe, owner, pm, { mandate: 'mandate_nope' }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'resource_missing' && e.param === 'mandate');
    });

    it('declines an off-session charge on a method approved with "Authorize, but decline later charges" (402, intent inside the error)', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pm = await savedMethod(a.stripe, owner, 'authorize_decline_later');
      const err = await chargeOffSession(a.stripe, owner, pm).then(
        () => assert.fail('expected a decline'),
        (e: unknown) => e as Stripe.errors.StripeCardError,
      );
      assert.ok(err instanceof Stripe.errors.StripeCardError);
      assert.equal(err.statusCode, 402);
      assert.equal(err.type, 'StripeCardError');
      assert.equal(err.code, 'payment_method_provider_decline');
      const raw402 = err.raw as { payment_intent: Stripe.PaymentIntent; charge: string; payment_method: Stripe.PaymentMethod; doc_url: string };
      const pi = raw402.payment_intent;
      assert.equal(pi.status, 'requires_payment_method');
      assert.equal(pi.payment_method, null);
      assert.equal(pi.last_payment_error?.code, 'payment_method_provider_decline');
      assert.equal(pi.last_payment_error?.type, 'card_error');
      assert.equal(pi.last_payment_error?.payment_method?.id, pm);
      assert.equal(pi.last_payment_error?.charge, raw402.charge);
      assert.equal(raw402.payment_method.id, pm);
      assert.equal(raw402.doc_url, 'https://stripe.com/docs/error-codes/payment-method-provider-decline');
      // The decline is persisted: the intent and a failed Charge.
      const stored = await a.stripe.paymentIntents.retrieve(pi.id);
      assert.equal(stored.status, 'requires_payment_method');
      assert.equal(stored.latest_charge, raw402.charge);
      const charge = await a.stripe.charges.retrieve(raw402.charge);
      assert.deepEqual([charge.status, charge.paid, charge.captured, charge.failure_code], ['failed', false, false, 'payment_method_provider_decline']);
      assert.ok(charge.failure_message);
      assert.equal(charge.outcome?.type, 'issuer_declined');
      assert.equal(charge.balance_transaction, null);
      assert.deepEqual(await eventTypes(a.stripe, [pi.id, charge.id]), ['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);
    });

    it('sends the customer back with redirect_status=failed when they fail the test payment; nothing is saved', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pi = await payAndSave(a.stripe, owner, 'fail');
      assert.equal(pi.status, 'requires_payment_method');
      assert.equal(pi.payment_method, null);
      assert.equal(pi.last_payment_error?.code, 'payment_intent_authentication_failure');
      assert.equal(pi.latest_charge, null);
      const listed = await a.stripe.paymentMethods.list({ customer: (owner as { customer: string }).customer });
      assert.equal(listed.data.length, 0);
      assert.deepEqual((await eventTypes(a.stripe, [pi.id])).slice(-1), ['payment_intent.payment_failed']);
      // The merchant may confirm again with a new method: a new redirect.
      const again = await a.stripe.paymentIntents.confirm(pi.id, { payment_method_data: { type: 'amazon_pay' }, return_url: 'https://example.com/r' } as Stripe.PaymentIntentConfirmParams);
      assert.equal(again.status, 'requires_action');
      assert.equal(again.last_payment_error, null);
    });

    it('does not save the method without setup_future_usage, and the method then may not be used again', async () => {
      const created = await a.stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        allowed_payment_method_types: ['amazon_pay'],
        payment_method_data: { type: 'amazon_pay' },
        return_url: 'https://example.com/done',
        confirm: true,
      });
      const back = await answer(created.next_action!.redirect_to_url!.url!, 'authorize');
      assert.equal(new URL(back.headers.get('location')!).searchParams.get('redirect_status'), 'succeeded');
      const pi = await a.stripe.paymentIntents.retrieve(created.id);
      assert.equal(pi.status, 'succeeded');
      const pm = await a.stripe.paymentMethods.retrieve(pi.payment_method as string);
      assert.equal(pm.customer, null);
      await assert.rejects(
        a.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: pm.id, allowed_payment_method_types: ['amazon_pay'], confirm: true, return_url: 'https://example.com' }),
        (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.code === 'payment_method_unexpected_state' && /may not be used again/.test(e.message),
      );
    });

    it('refuses to save the method once the customer is deleted, and still takes a payment that saves nothing', async () => {
      const customer = await a.stripe.customers.create({});
      const intent = (setupFutureUsage?: 'off_session') =>
        a.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], customer: customer.id, ...(setupFutureUsage && { setup_future_usage: setupFutureUsage }) });
      const [saving, plain] = [await intent('off_session'), await intent()];
      await a.stripe.customers.del(customer.id);
      const confirm = { payment_method_data: { type: 'amazon_pay' as const }, return_url: 'https://example.com/done', mandate_data: MANDATE };
      await assert.rejects(
        a.stripe.paymentIntents.confirm(saving.id, confirm),
        (e: Stripe.errors.StripeError) =>
          e.statusCode === 400 && e.code === 'resource_missing' && e.param === 'customer' && e.message === `No such customer: '${customer.id}'` && e.payment_intent?.status === 'requires_payment_method',
      );
      assert.equal((await a.stripe.paymentIntents.confirm(plain.id, confirm)).status, 'requires_action');
    });

    it('payment_method_options[amazon_pay][setup_future_usage]=none cancels a top-level off_session for Amazon Pay', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pi = await payAndSave(a.stripe, owner, 'authorize', { payment_method_options: { amazon_pay: { setup_future_usage: 'none' } } });
      assert.equal(pi.status, 'succeeded');
      assert.equal(pi.setup_future_usage, 'off_session');
      assert.deepEqual(pi.payment_method_options, { amazon_pay: { express_checkout_element_session_id: null, setup_future_usage: 'none' } });
      assert.equal((await a.stripe.paymentMethods.retrieve(pi.payment_method as string)).customer, null);
      assert.deepEqual((await a.stripe.customers.listPaymentMethods((owner as { customer: string }).customer)).data, []);
    });

    it('charges once when an off-session create is retried with the same Idempotency-Key', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const pm = await savedMethod(a.stripe, owner);
      const key = `offsession-${Date.now()}`;
      const first = await chargeOffSession(a.stripe, owner, pm, { amount: 4200 }, { idempotencyKey: key });
      const second = await chargeOffSession(a.stripe, owner, pm, { amount: 4200 }, { idempotencyKey: key });
      assert.equal(second.id, first.id);
      assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
      const charges = await a.stripe.charges.list({ customer: (owner as { customer: string }).customer, limit: 100 });
      assert.equal(charges.data.filter((c) => c.amount === 4200).length, 1);
      // A retry of a declined charge replays the 402, and does not charge again either.
      const declining = await savedMethod(a.stripe, owner, 'authorize_decline_later');
      const k2 = `declined-${Date.now()}`;
      const e1 = await chargeOffSession(a.stripe, owner, declining, { amount: 777 }, { idempotencyKey: k2 }).catch((e: Stripe.errors.StripeError) => e);
      const e2 = await chargeOffSession(a.stripe, owner, declining, { amount: 777 }, { idempotencyKey: k2 }).catch((e: Stripe.errors.StripeError) => e);
      assert.ok(e1 instanceof Stripe.errors.StripeCardError && e2 instanceof Stripe.errors.StripeCardError);
      assert.equal((e2.raw as { payment_intent: { id: string } }).payment_intent.id, (e1.raw as { payment_intent: { id: string } }).payment_intent.id);
      const failed = await a.stripe.charges.list({ customer: (owner as { customer: string }).customer, limit: 100 });
      assert.equal(failed.data.filter((c) => c.amount === 777).length, 1);
    });

    it('lists by customer, customer_account and created, newest first, and keeps accounts apart', async () => {
      const other = await s.newAccount();
      const c = await newOwner(s.url, other.sk, other.stripe, 'customer');
      const acct = (await newOwner(s.url, other.sk, other.stripe, 'account')) as { customer_account: string };
      const base = { amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'] };
      const p1 = await other.stripe.paymentIntents.create({ ...base, ...c } as Stripe.PaymentIntentCreateParams);
      s.clock.advance(5_000);
      const p2 = await other.stripe.paymentIntents.create({ ...base, ...acct } as Stripe.PaymentIntentCreateParams);
      const p3 = await other.stripe.paymentIntents.create({ ...base, ...c } as Stripe.PaymentIntentCreateParams);
      assert.deepEqual((await other.stripe.paymentIntents.list({ limit: 10 })).data.map((p) => p.id), [p3.id, p2.id, p1.id]);
      assert.deepEqual((await other.stripe.paymentIntents.list({ customer: (c as { customer: string }).customer })).data.map((p) => p.id), [p3.id, p1.id]);
      assert.deepEqual((await other.stripe.paymentIntents.list({ customer_account: acct.customer_account } as Stripe.PaymentIntentListParams)).data.map((p) => p.id), [p2.id]);
      assert.deepEqual((await other.stripe.paymentIntents.list({ created: { gt: p1.created } })).data.map((p) => p.id), [p3.id, p2.id]);
      const page = await other.stripe.paymentIntents.list({ limit: 1, starting_after: p3.id });
      assert.deepEqual([page.data[0].id, page.has_more], [p2.id, true]);
      await assert.rejects(
        a.stripe.paymentIntents.retrieve(p1.id),
        (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing' && e.param === 'intent' && e.message === `No such payment_intent: '${p1.id}'`,
      );
      for (const call of [() => a.stripe.paymentIntents.update(p1.id, { description: 'x' }), () => a.stripe.paymentIntents.cancel(p1.id), () => a.stripe.paymentIntents.confirm(p1.id)]) {
        await assert.rejects(call(), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.code === 'resource_missing' && e.param === 'intent');
      }
      // The client secret where the id belongs: Stripe says what was passed.
      await assert.rejects(
        other.stripe.paymentIntents.retrieve(p1.client_secret as string),
        (e: Stripe.errors.StripeError) =>
          e.statusCode === 404 &&
          e.code === undefined &&
          e.param === 'intent' &&
          e.message === 'You passed a string that looks like a client secret as the PaymentIntent ID, but you must provide a valid PaymentIntent ID. Please use the value in the `id` field of the PaymentIntent.',
      );
      assert.equal((await a.stripe.paymentIntents.list({ customer: (c as { customer: string }).customer })).data.length, 0);
    });

    it('creates without confirm (requires_payment_method / requires_confirmation), updates, then confirms', async () => {
      const owner = await newOwner(s.url, a.sk, a.stripe, 'customer');
      const bare = await a.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], ...owner, metadata: { order: '1' }, description: 'first' });
      assert.equal(bare.status, 'requires_payment_method');
      assert.equal(bare.capture_method, 'automatic_async');
      assert.equal(bare.confirmation_method, 'automatic');
      assert.deepEqual(bare.allowed_payment_method_types, ['amazon_pay']);
      const pm = await a.stripe.paymentMethods.create({ type: 'amazon_pay' } as Stripe.PaymentMethodCreateParams);
      const updated = await a.stripe.paymentIntents.update(bare.id, { amount: 1600, payment_method: pm.id, metadata: { order: '', note: 'x' }, description: '' });
      assert.equal(updated.status, 'requires_confirmation');
      assert.equal(updated.amount, 1600);
      assert.deepEqual(updated.metadata, { note: 'x' });
      assert.equal(updated.description, null);
      const confirmed = await a.stripe.paymentIntents.confirm(bare.id, { return_url: 'https://example.com/x' });
      assert.equal(confirmed.status, 'requires_action');
      // Changing the terms while the redirect waits voids it: confirm again.
      const changed = await a.stripe.paymentIntents.update(bare.id, { amount: 1700 });
      assert.equal(changed.status, 'requires_confirmation');
      assert.equal(changed.next_action, null);
      const stale = await answer(confirmed.next_action!.redirect_to_url!.url!, 'authorize');
      assert.equal(stale.status, 409);
      const again = await a.stripe.paymentIntents.confirm(bare.id, { return_url: 'https://example.com/x' });
      await answer(again.next_action!.redirect_to_url!.url!, 'authorize');
      const paid = await a.stripe.paymentIntents.retrieve(bare.id, { expand: ['latest_charge'] });
      assert.equal(paid.status, 'succeeded');
      assert.equal((paid.latest_charge as Stripe.Charge).amount, 1700);
      // After success: metadata and description still change; the amount does not (no event for updates).
      const meta = await a.stripe.paymentIntents.update(bare.id, { metadata: { shipped: 'yes' }, description: 'done' });
      assert.equal(meta.metadata.shipped, 'yes');
      const types = await eventTypes(a.stripe, [bare.id]);
      assert.equal(types.filter((t) => t.endsWith('.updated')).length, 0);
    });

    it("another customer while a redirect saving the method is pending voids it: the first customer's answer saves nothing", async () => {
      const first = await a.stripe.customers.create({});
      const other = await a.stripe.customers.create({});
      const pi = await a.stripe.paymentIntents.create({ amount: 1100, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, customer: first.id, setup_future_usage: 'off_session', confirm: true, return_url: 'https://example.com/x', mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.0', user_agent: 'device' } } } });
      assert.equal(pi.status, 'requires_action');
      // The same terms given again change nothing: the page stays valid.
      const same = await a.stripe.paymentIntents.update(pi.id, { customer: first.id, amount: 1100, setup_future_usage: 'off_session', metadata: { note: 'x' } });
      assert.equal(same.status, 'requires_action');
      assert.deepEqual(same.next_action, pi.next_action);
      const moved = await a.stripe.paymentIntents.update(pi.id, { customer: other.id });
      assert.equal(moved.status, 'requires_confirmation');
      assert.equal(moved.next_action, null);
      assert.equal((await answer(pi.next_action!.redirect_to_url!.url!, 'authorize')).status, 409);
      assert.equal((await a.stripe.paymentMethods.retrieve(pi.payment_method as string)).customer, null);
      assert.equal((await a.stripe.paymentIntents.retrieve(pi.id)).amount_received, 0);
    });
  });
}

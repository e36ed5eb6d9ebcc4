import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { encodeForm } from '../../src/lib/form.js';

// Random sequences of the seed's operations, several at once, many on the same few objects: every
// answer is a success or Stripe's 4xx, and afterwards the money adds up. Charges: refunds that did
// not fail plus the released remainder of an authorization make `amount_refunded`; a PaymentIntent's
// amounts agree with its charge's; each charge and refund has one balance transaction and the
// balance is their sum; no state change is announced twice. The choice of operations is seeded;
// their interleaving is whatever the server makes of them, which is the point.

const OPS = 800;
const PARALLEL = 8;
const MANDATE = { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'random-operations' } } };

type Json = Record<string, any>;

for (const engine of engines()) {
  describe(`random operations, several at once, keep the money consistent [${engine}]`, () => {
    let s: TestServer;
    const failures: string[] = [];
    const answered = new Map<string, number>();
    const state = { customers: [] as string[], accounts: [] as string[], pis: [] as string[], sis: [] as string[], pms: [] as string[], charges: [] as string[], refunds: [] as string[] };
    let seed = 20261207;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const any = <T>(list: T[]): T | undefined => list[Math.floor(rnd() * list.length)];
    // Most operations go to the newest few objects, so that they meet on the same rows.
    const hot = <T>(list: T[]): T | undefined => (rnd() < 0.7 ? any(list.slice(-3)) : any(list));

    async function api(method: string, path: string, params?: Json, json = false): Promise<{ status: number; body: Json }> {
      const res = json ? await raw(s.url, method, path, { key: s.sk, json: params ?? {} }) : await raw(s.url, method, path, { key: s.sk, form: params ? encodeForm(params) : '' });
      const label = `${method} ${path.replace(/_[A-Za-z0-9]{10,}/g, '_…')}`;
      if (res.status >= 500 || (res.status >= 400 && typeof res.body?.error?.type !== 'string')) failures.push(`${label} ${JSON.stringify(params)}: ${res.status} ${res.text.slice(0, 300)}`);
      answered.set(label, (answered.get(label) ?? 0) + 1);
      return { status: res.status, body: res.body as Json };
    }
    const remember = (list: string[], id: unknown) => {
      if (typeof id === 'string' && !list.includes(id)) list.push(id);
    };
    const noteIntent = (body: Json) => {
      const obj = body?.error?.payment_intent ?? body?.error?.setup_intent ?? body;
      if (obj?.object === 'payment_intent') {
        remember(state.pis, obj.id);
        remember(state.pms, obj.payment_method);
        remember(state.charges, obj.latest_charge);
      } else if (obj?.object === 'setup_intent') {
        remember(state.sis, obj.id);
        remember(state.pms, obj.payment_method);
      }
    };
    const owner = (): Json | undefined => {
      const useAccount = rnd() < 0.4 && state.accounts.length > 0;
      const id = useAccount ? any(state.accounts) : any(state.customers);
      return id === undefined ? undefined : useAccount ? { customer_account: id } : { customer: id };
    };
    async function answerRedirect(kind: 'payment_intents' | 'setup_intents', id: string | undefined) {
      if (!id) return;
      const { body } = await api('GET', `/v1/${kind}/${id}`);
      const url = body?.next_action?.redirect_to_url?.url as string | undefined;
      if (!url) return;
      const action = any(['authorize', 'authorize', 'fail', 'authorize_decline_later'])!;
      const res = await fetch(url, { method: 'POST', body: `action=${action}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status >= 500) failures.push(`redirect ${action}: ${res.status}`);
      noteIntent((await api('GET', `/v1/${kind}/${id}`)).body);
    }
    const amount = () => String(50 + Math.floor(rnd() * 5000));

    const operations: Record<string, () => Promise<unknown>> = {
      customer: async () => remember(state.customers, (await api('POST', '/v1/customers', { name: 'Random', email: 'random@example.com' })).body.id),
      account: async () => remember(state.accounts, (await api('POST', '/v2/core/accounts', { display_name: 'Random', configuration: { customer: {} } }, true)).body.id),
      setupIntent: async () => {
        const o = owner();
        if (!o) return;
        const confirm = rnd() < 0.8;
        noteIntent((await api('POST', '/v1/setup_intents', { allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, usage: any(['off_session', 'on_session']), ...(confirm ? { confirm: 'true', return_url: 'https://example.com/r', mandate_data: MANDATE } : {}), ...o })).body);
      },
      answerSetup: () => answerRedirect('setup_intents', hot(state.sis)),
      paymentIntent: async () => {
        const o = rnd() < 0.8 ? owner() : undefined;
        const save = o && rnd() < 0.5 ? { setup_future_usage: 'off_session', mandate_data: MANDATE } : {};
        noteIntent(
          (await api('POST', '/v1/payment_intents', { amount: amount(), currency: 'usd', allowed_payment_method_types: ['amazon_pay'], capture_method: any(['automatic', 'manual', 'automatic_async']), confirm: 'true', return_url: 'https://example.com/r', payment_method_data: { type: 'amazon_pay' }, ...save, ...o })).body,
        );
      },
      answerPayment: () => answerRedirect('payment_intents', hot(state.pis)),
      capture: async () => {
        const id = hot(state.pis);
        if (id) noteIntent((await api('POST', `/v1/payment_intents/${id}/capture`, rnd() < 0.5 ? { amount_to_capture: amount() } : {})).body);
      },
      cancel: async () => {
        const id = hot(state.pis);
        if (id) await api('POST', `/v1/payment_intents/${id}/cancel`, {});
      },
      confirm: async () => {
        const id = hot(state.pis);
        if (id) noteIntent((await api('POST', `/v1/payment_intents/${id}/confirm`, { return_url: 'https://example.com/r' })).body);
      },
      offSession: async () => {
        const o = owner();
        const pm = hot(state.pms);
        if (o && pm) noteIntent((await api('POST', '/v1/payment_intents', { amount: amount(), currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: pm, confirm: 'true', off_session: 'true', capture_method: any(['automatic', 'manual']), ...o })).body);
      },
      refund: async () => {
        const target = rnd() < 0.5 ? { payment_intent: hot(state.pis) } : { charge: hot(state.charges) };
        if (!Object.values(target)[0]) return;
        remember(state.refunds, (await api('POST', '/v1/refunds', { ...target, ...(rnd() < 0.5 ? { amount: String(1 + Math.floor(rnd() * 3000)) } : {}) })).body.id);
      },
      failRefund: async () => {
        const id = hot(state.refunds);
        if (id) await api('POST', `/_onfile/refunds/${id}/fail`, {});
      },
      expire: async () => {
        const id = hot(state.pis);
        if (id) await api('POST', `/_onfile/payment_intents/${id}/expire_authorization`, {});
      },
      detach: async () => {
        const pm = hot(state.pms);
        if (pm) await api('POST', `/v1/payment_methods/${pm}/detach`, {});
      },
      defaultMethod: async () => {
        const c = any(state.customers);
        const pm = hot(state.pms);
        if (c && pm) await api('POST', `/v1/customers/${c}`, { invoice_settings: { default_payment_method: pm } });
      },
    };
    const weights: Record<string, number> = { customer: 2, account: 1, setupIntent: 3, answerSetup: 3, paymentIntent: 6, answerPayment: 6, capture: 4, cancel: 2, confirm: 2, offSession: 6, refund: 5, failRefund: 1, expire: 1, detach: 1, defaultMethod: 1 };
    const bag = Object.entries(weights).flatMap(([name, w]) => Array<string>(w).fill(name));

    before(async () => {
      s = await startTestServer(engine, { env: { ONFILE_REFUND_SETTLE_MS: '200' } });
      await operations.customer();
      await operations.account();
      for (let done = 0; done < OPS; done += PARALLEL) {
        const batch = Array.from({ length: PARALLEL }, () => bag[Math.floor(rnd() * bag.length)]);
        await Promise.all(batch.map((name) => operations[name]().catch((err: unknown) => failures.push(`${name}: ${String(err)}`))));
      }
    });
    after(async () => s.close());

    const list = async (path: string): Promise<Json[]> => {
      const items: Json[] = [];
      for (let after: string | undefined; ; ) {
        const { body } = await api('GET', path, { limit: '100', ...(after ? { starting_after: after } : {}) });
        items.push(...body.data);
        if (!body.has_more) return items;
        after = body.data.at(-1).id;
      }
    };

    it('answered every request with a success or Stripe\'s error, and did the operations it was asked', () => {
      assert.deepEqual(failures, []);
      // The sweep did reach the states it is about (not only refusals).
      const succeeded = (label: string) => [...answered.keys()].some((k) => k.startsWith(label));
      for (const label of ['POST /v1/payment_intents/pi_…/capture', 'POST /v1/refunds', 'POST /v1/payment_intents/pi_…/cancel']) assert.ok(succeeded(label), label);
      assert.ok(state.charges.length >= 5, `${state.charges.length} charges`);
      assert.ok(state.refunds.length >= 3, `${state.refunds.length} refunds`);
    });

    it('adds up: charges, refunds, PaymentIntents, balance transactions, balance and events', async () => {
      // Refunds settle in the background: wait until none is pending.
      const until = Date.now() + 20_000;
      let refunds = await list('/v1/refunds');
      while (refunds.some((r) => r.status === 'pending') && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        refunds = await list('/v1/refunds');
      }
      const charges = await list('/v1/charges');
      const intents = await list('/v1/payment_intents');
      const transactions = await list('/v1/balance_transactions');
      const events = await list('/v1/events');
      const balance = (await api('GET', '/v1/balance')).body;
      const broken: string[] = [];
      for (const c of charges) {
        if (!c.captured) {
          if (c.amount_refunded !== 0 && c.amount_refunded !== c.amount) broken.push(`uncaptured ${c.id}: amount_refunded ${c.amount_refunded} of ${c.amount}`);
          continue;
        }
        const live = refunds.filter((r) => r.charge === c.id && r.status !== 'failed' && r.status !== 'canceled').reduce((sum, r) => sum + r.amount, 0);
        const released = c.amount - c.amount_captured;
        if (live + released !== c.amount_refunded) broken.push(`${c.id}: refunds ${live} + released ${released} != amount_refunded ${c.amount_refunded}`);
        if (live > c.amount_captured) broken.push(`${c.id}: refunds ${live} > captured ${c.amount_captured}`);
        if (c.refunded !== (c.amount_refunded === c.amount)) broken.push(`${c.id}: refunded ${c.refunded} with ${c.amount_refunded} of ${c.amount}`);
        if (transactions.filter((b) => b.source === c.id).length !== 1) broken.push(`${c.id}: ${transactions.filter((b) => b.source === c.id).length} balance transactions`);
      }
      for (const pi of intents) {
        const charge = charges.find((c) => c.id === pi.latest_charge);
        if (pi.status === 'succeeded' && (!charge?.captured || charge.amount_captured !== pi.amount_received)) broken.push(`${pi.id} succeeded: received ${pi.amount_received}, charge captured ${charge?.amount_captured}`);
        if (pi.status === 'requires_capture' && (!charge || charge.captured || pi.amount_capturable !== charge.amount)) broken.push(`${pi.id} requires_capture: capturable ${pi.amount_capturable}`);
        if (pi.status !== 'succeeded' && pi.amount_received !== 0) broken.push(`${pi.id} ${pi.status}: amount_received ${pi.amount_received}`);
        if (pi.status !== 'requires_capture' && pi.amount_capturable !== 0) broken.push(`${pi.id} ${pi.status}: amount_capturable ${pi.amount_capturable}`);
      }
      for (const r of refunds) {
        const n = transactions.filter((b) => b.source === r.id).length;
        if (n !== (r.status === 'failed' ? 2 : 1)) broken.push(`${r.id} ${r.status}: ${n} balance transactions`);
      }
      const sums = new Map<string, number>();
      for (const b of transactions) sums.set(`${b.status} ${b.currency}`, (sums.get(`${b.status} ${b.currency}`) ?? 0) + b.net);
      for (const kind of ['available', 'pending']) {
        for (const e of balance[kind]) if ((sums.get(`${kind} ${e.currency}`) ?? 0) !== e.amount) broken.push(`balance ${kind} ${e.currency}: ${e.amount}, transactions ${sums.get(`${kind} ${e.currency}`) ?? 0}`);
      }
      const once = /^(payment_intent\.(succeeded|canceled)|charge\.(captured|succeeded|expired)|refund\.(created|failed)|payment_method\.(attached|detached)|setup_intent\.succeeded|mandate\.created)$/;
      const seen = new Map<string, number>();
      for (const e of events) if (once.test(e.type)) seen.set(`${e.type} ${e.data.object.id}`, (seen.get(`${e.type} ${e.data.object.id}`) ?? 0) + 1);
      for (const [k, n] of seen) if (n > 1) broken.push(`${k} announced ${n} times`);
      assert.deepEqual(broken, []);
      assert.ok(charges.some((c) => c.captured) && transactions.length > 0, 'some charges were captured');
    });
  });
}

import { raw } from './harness.js';
import { encodeForm } from '../../src/lib/form.js';

/**
 * Random sequences of the seed's operations against a running onfile, several at once and mostly
 * on the newest few objects, so that they meet on the same rows; then the checks that the money
 * adds up. The choice of operations is seeded; their interleaving is whatever the server makes of
 * them. Used in-process (concurrency/random-operations.test.ts) and across SIGKILLs of a server
 * process (webhooks/random-kills.test.ts).
 */

type Json = Record<string, any>;

export interface Target {
  url: string;
  sk: string;
}

const MANDATE = { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'random-operations' } } };

export class RandomOperations {
  /** Answers that are neither a success nor Stripe's error, and operations that threw. */
  readonly failures: string[] = [];
  /** Requests per route (ids elided), answered. */
  readonly answered = new Map<string, number>();
  /** Requests that got no answer because the server died under them (only while `dropsExpected`). */
  dropped = 0;
  dropsExpected = false;
  readonly state = { customers: [] as string[], accounts: [] as string[], pis: [] as string[], sis: [] as string[], pms: [] as string[], charges: [] as string[], refunds: [] as string[] };
  private seed: number;

  constructor(
    private readonly target: () => Target,
    seed: number,
  ) {
    this.seed = seed;
  }

  private rnd(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return this.seed / 2147483648;
  }
  private any<T>(list: T[]): T | undefined {
    return list[Math.floor(this.rnd() * list.length)];
  }
  private hot<T>(list: T[]): T | undefined {
    return this.rnd() < 0.7 ? this.any(list.slice(-3)) : this.any(list);
  }

  async api(method: string, path: string, params?: Json, json = false): Promise<{ status: number; body: Json }> {
    const { url, sk } = this.target();
    const res = json ? await raw(url, method, path, { key: sk, json: params ?? {} }) : await raw(url, method, path, { key: sk, form: params ? encodeForm(params) : '' });
    const label = `${method} ${path.replace(/_[A-Za-z0-9]{10,}/g, '_…')}`;
    if (res.status >= 500 || (res.status >= 400 && typeof res.body?.error?.type !== 'string')) this.failures.push(`${label} ${JSON.stringify(params)}: ${res.status} ${res.text.slice(0, 300)}`);
    this.answered.set(label, (this.answered.get(label) ?? 0) + 1);
    return { status: res.status, body: res.body as Json };
  }

  private remember(list: string[], id: unknown): void {
    if (typeof id === 'string' && !list.includes(id)) list.push(id);
  }
  private noteIntent(body: Json): void {
    const obj = body?.error?.payment_intent ?? body?.error?.setup_intent ?? body;
    if (obj?.object === 'payment_intent') {
      this.remember(this.state.pis, obj.id);
      this.remember(this.state.pms, obj.payment_method);
      this.remember(this.state.charges, obj.latest_charge);
    } else if (obj?.object === 'setup_intent') {
      this.remember(this.state.sis, obj.id);
      this.remember(this.state.pms, obj.payment_method);
    }
  }
  private owner(): Json | undefined {
    const useAccount = this.rnd() < 0.4 && this.state.accounts.length > 0;
    const id = useAccount ? this.any(this.state.accounts) : this.any(this.state.customers);
    return id === undefined ? undefined : useAccount ? { customer_account: id } : { customer: id };
  }
  private amount(): string {
    return String(50 + Math.floor(this.rnd() * 5000));
  }

  /** The customer's answer on the hosted page, as its form posts it. */
  private async answerRedirect(kind: 'payment_intents' | 'setup_intents', id: string | undefined): Promise<void> {
    if (!id) return;
    const { body } = await this.api('GET', `/v1/${kind}/${id}`);
    const url = body?.next_action?.redirect_to_url?.url as string | undefined;
    if (!url) return;
    const action = this.any(['authorize', 'authorize', 'fail', 'authorize_decline_later'])!;
    const res = await fetch(url, { method: 'POST', body: `action=${action}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    await res.arrayBuffer();
    if (res.status >= 500) this.failures.push(`redirect ${action}: ${res.status}`);
    this.noteIntent((await this.api('GET', `/v1/${kind}/${id}`)).body);
  }

  private readonly operations: Record<string, () => Promise<unknown>> = {
    customer: async () => this.remember(this.state.customers, (await this.api('POST', '/v1/customers', { name: 'Random', email: 'random@example.com' })).body.id),
    account: async () => this.remember(this.state.accounts, (await this.api('POST', '/v2/core/accounts', { display_name: 'Random', configuration: { customer: {} } }, true)).body.id),
    setupIntent: async () => {
      const o = this.owner();
      if (!o) return;
      const confirm = this.rnd() < 0.8 ? { confirm: 'true', return_url: 'https://example.com/r', mandate_data: MANDATE } : {};
      this.noteIntent((await this.api('POST', '/v1/setup_intents', { allowed_payment_method_types: ['amazon_pay'], payment_method_data: { type: 'amazon_pay' }, usage: this.any(['off_session', 'on_session']), ...confirm, ...o })).body);
    },
    answerSetup: () => this.answerRedirect('setup_intents', this.hot(this.state.sis)),
    paymentIntent: async () => {
      const o = this.rnd() < 0.8 ? this.owner() : undefined;
      const save = o && this.rnd() < 0.5 ? { setup_future_usage: 'off_session', mandate_data: MANDATE } : {};
      const params = { amount: this.amount(), currency: 'usd', allowed_payment_method_types: ['amazon_pay'], capture_method: this.any(['automatic', 'manual', 'automatic_async']), confirm: 'true', return_url: 'https://example.com/r', payment_method_data: { type: 'amazon_pay' }, ...save, ...o };
      this.noteIntent((await this.api('POST', '/v1/payment_intents', params)).body);
    },
    answerPayment: () => this.answerRedirect('payment_intents', this.hot(this.state.pis)),
    capture: async () => {
      const id = this.hot(this.state.pis);
      if (id) this.noteIntent((await this.api('POST', `/v1/payment_intents/${id}/capture`, this.rnd() < 0.5 ? { amount_to_capture: this.amount() } : {})).body);
    },
    cancel: async () => {
      const id = this.hot(this.state.pis);
      if (id) await this.api('POST', `/v1/payment_intents/${id}/cancel`, {});
    },
    confirm: async () => {
      const id = this.hot(this.state.pis);
      if (id) this.noteIntent((await this.api('POST', `/v1/payment_intents/${id}/confirm`, { return_url: 'https://example.com/r' })).body);
    },
    offSession: async () => {
      const o = this.owner();
      const pm = this.hot(this.state.pms);
      if (!o || !pm) return;
      const params = { amount: this.amount(), currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: pm, confirm: 'true', off_session: 'true', capture_method: this.any(['automatic', 'manual']), ...o };
      this.noteIntent((await this.api('POST', '/v1/payment_intents', params)).body);
    },
    refund: async () => {
      const target = this.rnd() < 0.5 ? { payment_intent: this.hot(this.state.pis) } : { charge: this.hot(this.state.charges) };
      if (!Object.values(target)[0]) return;
      const amount = this.rnd() < 0.5 ? { amount: String(1 + Math.floor(this.rnd() * 3000)) } : {};
      this.remember(this.state.refunds, (await this.api('POST', '/v1/refunds', { ...target, ...amount })).body.id);
    },
    failRefund: async () => {
      const id = this.hot(this.state.refunds);
      if (id) await this.api('POST', `/_onfile/refunds/${id}/fail`, {});
    },
    expire: async () => {
      const id = this.hot(this.state.pis);
      if (id) await this.api('POST', `/_onfile/payment_intents/${id}/expire_authorization`, {});
    },
    detach: async () => {
      const pm = this.hot(this.state.pms);
      if (pm) await this.api('POST', `/v1/payment_methods/${pm}/detach`, {});
    },
    deleteCustomer: async () => {
      const c = this.any(this.state.customers);
      if (c && this.rnd() < 0.3) await this.api('DELETE', `/v1/customers/${c}`);
    },
    reassign: async () => {
      // The merchant gives a pending intent to another customer (maybe while its page is open).
      const o = this.owner();
      const kind = this.rnd() < 0.5 ? 'setup_intents' : 'payment_intents';
      const id = this.hot(kind === 'setup_intents' ? this.state.sis : this.state.pis);
      if (!o || !id) return;
      const unset = 'customer' in o ? { customer_account: '' } : { customer: '' };
      this.noteIntent((await this.api('POST', `/v1/${kind}/${id}`, { ...unset, ...o })).body);
    },
    closeAccount: async () => {
      const a = this.any(this.state.accounts);
      if (a && this.rnd() < 0.3) await this.api('POST', `/v2/core/accounts/${a}/close`, { applied_configurations: ['customer'] }, true);
    },
    defaultMethod: async () => {
      const c = this.any(this.state.customers);
      const pm = this.hot(this.state.pms);
      if (c && pm) await this.api('POST', `/v1/customers/${c}`, { invoice_settings: { default_payment_method: pm } });
    },
  };
  private readonly bag = Object.entries({ customer: 2, account: 1, setupIntent: 3, answerSetup: 3, paymentIntent: 6, answerPayment: 6, capture: 4, cancel: 2, confirm: 2, offSession: 6, refund: 5, failRefund: 1, expire: 1, detach: 1, deleteCustomer: 1, closeAccount: 1, reassign: 1, defaultMethod: 1 }).flatMap(([name, w]) =>
    Array<string>(w).fill(name),
  );

  /** `ops` operations, `parallel` at a time; `afterBatch` runs between batches (with the next batch already sent, if it says so). */
  async run(ops: number, parallel: number, afterBatch?: (done: number, inFlight: Promise<unknown>) => Promise<boolean>): Promise<void> {
    await this.operations.customer();
    await this.operations.account();
    for (let done = 0; done < ops; done += parallel) {
      const batch = Array.from({ length: parallel }, () => this.bag[Math.floor(this.rnd() * this.bag.length)]);
      const inFlight = Promise.all(
        batch.map((name) =>
          this.operations[name]().catch((err: unknown) => {
            if (this.dropsExpected) this.dropped++;
            else this.failures.push(`${name}: ${String(err)}`);
          }),
        ),
      );
      if (!(afterBatch && (await afterBatch(done, inFlight)))) await inFlight;
    }
  }

  async list(path: string): Promise<Json[]> {
    const items: Json[] = [];
    for (let after: string | undefined; ; ) {
      const { body } = await this.api('GET', path, { limit: '100', ...(after ? { starting_after: after } : {}) });
      items.push(...body.data);
      if (!body.has_more) return items;
      after = body.data.at(-1).id;
    }
  }

  /**
   * What must hold however the operations interleaved (and wherever a crash cut them): every
   * broken rule, described. Waits (bounded) for refunds to settle and intents to leave `processing`.
   */
  async brokenRules(): Promise<string[]> {
    const until = Date.now() + 30_000;
    let refunds = await this.list('/v1/refunds');
    let intents = await this.list('/v1/payment_intents');
    while ((refunds.some((r) => r.status === 'pending') || intents.some((p) => p.status === 'processing')) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      refunds = await this.list('/v1/refunds');
      intents = await this.list('/v1/payment_intents');
    }
    const charges = await this.list('/v1/charges');
    const transactions = await this.list('/v1/balance_transactions');
    const events = await this.list('/v1/events');
    const balance = (await this.api('GET', '/v1/balance')).body;
    const broken: string[] = [];
    const eventsOf = new Set(events.map((e) => `${e.type} ${e.data.object.id}`));
    for (const c of charges) {
      if (!c.captured) {
        // A released authorization: Stripe counts the whole charge refunded.
        if (c.amount_refunded !== 0 && c.amount_refunded !== c.amount) broken.push(`uncaptured ${c.id}: amount_refunded ${c.amount_refunded} of ${c.amount}`);
        continue;
      }
      const live = refunds.filter((r) => r.charge === c.id && r.status !== 'failed' && r.status !== 'canceled').reduce((sum, r) => sum + r.amount, 0);
      // After a partial capture the released remainder counts in amount_refunded.
      const released = c.amount - c.amount_captured;
      if (live + released !== c.amount_refunded) broken.push(`${c.id}: refunds ${live} + released ${released} != amount_refunded ${c.amount_refunded}`);
      if (live > c.amount_captured) broken.push(`${c.id}: refunds ${live} > captured ${c.amount_captured}`);
      if (c.refunded !== (c.amount_refunded === c.amount)) broken.push(`${c.id}: refunded ${c.refunded} with ${c.amount_refunded} of ${c.amount}`);
      const n = transactions.filter((b) => b.source === c.id).length;
      if (n !== 1) broken.push(`${c.id}: ${n} balance transactions`);
      if (!eventsOf.has(`charge.succeeded ${c.id}`) && !eventsOf.has(`charge.captured ${c.id}`)) broken.push(`${c.id} captured without its event`);
    }
    for (const pi of intents) {
      const charge = charges.find((c) => c.id === pi.latest_charge);
      if (pi.status === 'processing') broken.push(`${pi.id} still processing`);
      if (pi.status === 'succeeded' && (!charge?.captured || charge.amount_captured !== pi.amount_received)) broken.push(`${pi.id} succeeded: received ${pi.amount_received}, charge captured ${charge?.amount_captured}`);
      if (pi.status === 'requires_capture' && (!charge || charge.captured || pi.amount_capturable !== charge.amount)) broken.push(`${pi.id} requires_capture: capturable ${pi.amount_capturable}`);
      if (pi.status !== 'succeeded' && pi.amount_received !== 0) broken.push(`${pi.id} ${pi.status}: amount_received ${pi.amount_received}`);
      if (pi.status !== 'requires_capture' && pi.amount_capturable !== 0) broken.push(`${pi.id} ${pi.status}: amount_capturable ${pi.amount_capturable}`);
      if (!eventsOf.has(`payment_intent.created ${pi.id}`)) broken.push(`${pi.id} without payment_intent.created`);
      if ((pi.status === 'succeeded' || pi.status === 'canceled') && !eventsOf.has(`payment_intent.${pi.status} ${pi.id}`)) broken.push(`${pi.id} ${pi.status} without its event`);
    }
    for (const r of refunds) {
      const n = transactions.filter((b) => b.source === r.id).length;
      if (n !== (r.status === 'failed' ? 2 : 1)) broken.push(`${r.id} ${r.status}: ${n} balance transactions`);
      if (!eventsOf.has(`refund.created ${r.id}`)) broken.push(`${r.id} without refund.created`);
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
    // A setup's active mandate stands for a method saved to that setup's owner, and no one else's.
    for (const id of this.state.sis) {
      const si = (await this.api('GET', `/v1/setup_intents/${id}`)).body;
      if (si?.status !== 'succeeded' || typeof si.mandate !== 'string') continue;
      const mandate = (await this.api('GET', `/v1/mandates/${si.mandate}`)).body;
      if (mandate?.status !== 'active') continue;
      const pm = (await this.api('GET', `/v1/payment_methods/${si.payment_method}`)).body;
      if (pm?.customer !== si.customer || pm?.customer_account !== si.customer_account) broken.push(`${si.mandate} of ${id} (${si.customer ?? si.customer_account}) active on a method of ${pm?.customer ?? pm?.customer_account}`);
    }
    // A deleted customer or a closed v2 account keeps no saved method.
    for (const id of this.state.pms) {
      const pm = (await this.api('GET', `/v1/payment_methods/${id}`)).body;
      if (typeof pm?.customer === 'string' && (await this.api('GET', `/v1/customers/${pm.customer}`)).body?.deleted) broken.push(`${id} attached to deleted ${pm.customer}`);
      if (typeof pm?.customer_account === 'string' && (await this.api('GET', `/v2/core/accounts/${pm.customer_account}`)).body?.closed) broken.push(`${id} attached to closed ${pm.customer_account}`);
    }
    if (!charges.some((c) => c.captured) || transactions.length === 0) broken.push('no charge was captured: the operations reached nothing to check');
    return broken;
  }
}

import Stripe from 'stripe';
import { CliError, resolveConnection, type Connection } from './events-api.js';

export interface TriggerOptions {
  apiKey?: string;
  apiBase?: string;
  data?: string;
}

type Say = (line: string) => void;

/** The hosted authorization page's three answers. */
type Decision = 'authorize' | 'fail' | 'authorize_decline_later';

/**
 * The public API calls that make each event happen, like `stripe trigger`
 * (https://docs.stripe.com/stripe-cli/reference#trigger), through the official SDK. Redirects are completed
 * by submitting the hosted authorization page's form with `action=authorize` or `action=fail`, as a customer would.
 */
class Fixtures {
  constructor(
    private stripe: Stripe,
    private say: Say,
    private conn: Connection,
  ) {}

  /** Accounts v2 (customer configuration) emit thin v2 events; `then` is what happens after the create. */
  async account(then: 'none' | 'update' | 'configure' | 'defaults' | 'identity' | 'close'): Promise<Stripe.V2.Core.Account> {
    const acct = await this.stripe.v2.core.accounts.create({ display_name: 'Jenny Rosen', contact_email: 'jenny.rosen@example.com', configuration: { customer: {} } });
    this.say(`v2.core.accounts.create -> ${acct.id}`);
    if (then === 'update') {
      await this.stripe.v2.core.accounts.update(acct.id, { display_name: 'Jenny R. (updated by onfile trigger)' });
      this.say(`v2.core.accounts.update -> ${acct.id}`);
    } else if (then === 'configure') {
      const shipping = { name: 'Jenny Rosen', address: { line1: '510 Townsend St', city: 'San Francisco', country: 'us' } };
      await this.stripe.v2.core.accounts.update(acct.id, { configuration: { customer: { shipping } } });
      this.say(`v2.core.accounts.update (configuration.customer) -> ${acct.id}`);
    } else if (then === 'defaults') {
      await this.stripe.v2.core.accounts.update(acct.id, { defaults: { locales: ['en-GB'] } } as Stripe.V2.Core.AccountUpdateParams);
      this.say(`v2.core.accounts.update (defaults) -> ${acct.id}`);
    } else if (then === 'identity') {
      await this.stripe.v2.core.accounts.update(acct.id, { identity: { country: 'us', entity_type: 'individual' } } as Stripe.V2.Core.AccountUpdateParams);
      this.say(`v2.core.accounts.update (identity) -> ${acct.id}`);
    } else if (then === 'close') {
      await this.stripe.v2.core.accounts.close(acct.id, { applied_configurations: ['customer'] });
      this.say(`v2.core.accounts.close -> ${acct.id}`);
    }
    return acct;
  }

  async customer(then: 'none' | 'update' | 'delete' = 'none'): Promise<Stripe.Customer> {
    const c = await this.stripe.customers.create({ name: 'Jenny Rosen', email: 'jenny.rosen@example.com', description: '(created by onfile trigger)' });
    this.say(`customers.create -> ${c.id}`);
    if (then === 'update') {
      const updated = await this.stripe.customers.update(c.id, { description: '(updated by onfile trigger)' });
      this.say(`customers.update -> ${updated.id}`);
    } else if (then === 'delete') {
      const deleted = await this.stripe.customers.del(c.id);
      this.say(`customers.del -> ${deleted.id}`);
    }
    return c;
  }

  /** Flow A of the seed: a SetupIntent for Amazon Pay, confirmed server-side, then authorized or failed. */
  async setupIntent(outcome: Decision | 'none'): Promise<Stripe.SetupIntent> {
    const customer = await this.customer();
    const si = await this.stripe.setupIntents.create({
      customer: customer.id,
      allowed_payment_method_types: ['amazon_pay'],
      payment_method_data: { type: 'amazon_pay' },
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'onfile-trigger' } } },
      usage: 'off_session',
      return_url: 'https://example.com/setup/complete',
      confirm: true,
    } as Stripe.SetupIntentCreateParams);
    this.say(`setup_intents.create (confirm=true) -> ${si.id} (${si.status})`);
    if (outcome === 'none') return si;
    await this.finishRedirect(si.next_action?.redirect_to_url?.url ?? undefined, outcome);
    const done = await this.stripe.setupIntents.retrieve(si.id);
    this.say(`hosted page: ${outcome} -> ${done.id} (${done.status})`);
    return done;
  }

  /** A SetupIntent left waiting for its redirect, then canceled. */
  async canceledSetup(): Promise<void> {
    const si = await this.setupIntent('none');
    const canceled = await this.stripe.setupIntents.cancel(si.id);
    this.say(`setup_intents.cancel -> ${canceled.id} (${canceled.status})`);
  }

  /** A saved method whose later charges are declined (the hosted page's third answer), then charged off-session. */
  async declinedCharge(): Promise<void> {
    const si = await this.setupIntent('authorize_decline_later');
    const pm = this.savedMethod(si);
    try {
      const pi = await this.stripe.paymentIntents.create({
        amount: 1500,
        currency: 'usd',
        customer: si.customer as string,
        payment_method: pm,
        allowed_payment_method_types: ['amazon_pay'],
        off_session: true,
        confirm: true,
      } as Stripe.PaymentIntentCreateParams);
      throw new CliError(`the off-session charge ${pi.id} was not declined (${pi.status})`);
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeCardError)) throw err;
      const pi = (err.raw as { payment_intent?: { id: string; status: string } }).payment_intent;
      this.say(`payment_intents.create (off_session, confirm=true) -> ${pi?.id} (declined: ${err.code})`);
    }
  }

  /** A saved method, then updated. */
  async updatedMethod(): Promise<void> {
    const pm = this.savedMethod(await this.setupIntent('authorize'));
    const updated = await this.stripe.paymentMethods.update(pm, { metadata: { updated_by: 'onfile trigger' } });
    this.say(`payment_methods.update -> ${updated.id}`);
  }

  private savedMethod(si: Stripe.SetupIntent): string {
    const pm = typeof si.payment_method === 'string' ? si.payment_method : si.payment_method?.id;
    if (!pm) throw new CliError(`${si.id} has no payment method after authorization (status ${si.status})`);
    return pm;
  }

  /** A paid PaymentIntent whose Charge is then updated. */
  async updatedCharge(): Promise<void> {
    const pi = await this.paymentIntent('authorize');
    const updated = await this.stripe.charges.update(pi.latest_charge as string, { description: '(updated by onfile trigger)' });
    this.say(`charges.update -> ${updated.id}`);
  }

  /** A PaymentIntent for Amazon Pay, confirmed server-side, then authorized or failed on the hosted page. */
  async paymentIntent(outcome: 'authorize' | 'fail' | 'none', captureMethod: 'automatic' | 'manual' = 'automatic'): Promise<Stripe.PaymentIntent> {
    const pi = await this.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      allowed_payment_method_types: ['amazon_pay'],
      payment_method_data: { type: 'amazon_pay' },
      return_url: 'https://example.com/checkout/complete',
      description: '(created by onfile trigger)',
      capture_method: captureMethod,
      confirm: true,
    } as Stripe.PaymentIntentCreateParams);
    this.say(`payment_intents.create (confirm=true${captureMethod === 'manual' ? ', capture_method=manual' : ''}) -> ${pi.id} (${pi.status})`);
    if (outcome === 'none') return pi;
    await this.finishRedirect(pi.next_action?.redirect_to_url?.url ?? undefined, outcome);
    const done = await this.stripe.paymentIntents.retrieve(pi.id);
    this.say(`hosted page: ${outcome} -> ${done.id} (${done.status})`);
    return done;
  }

  /** An authorization (manual capture), then captured, canceled, or lapsed through onfile's test helper. */
  async hold(then: 'none' | 'capture' | 'cancel' | 'expire'): Promise<void> {
    const pi = await this.paymentIntent('authorize', 'manual');
    if (then === 'capture') {
      const captured = await this.stripe.paymentIntents.capture(pi.id);
      this.say(`payment_intents.capture -> ${captured.id} (${captured.status})`);
    } else if (then === 'cancel') {
      const canceled = await this.stripe.paymentIntents.cancel(pi.id);
      this.say(`payment_intents.cancel -> ${canceled.id} (${canceled.status})`);
    } else if (then === 'expire') {
      const body = await this.testHelper<{ status?: string }>(`/_onfile/payment_intents/${pi.id}/expire_authorization`, 'expire_authorization');
      this.say(`expire_authorization (onfile test helper) -> ${pi.id} (${body.status})`);
    }
  }

  async detach(): Promise<void> {
    const pm = this.savedMethod(await this.setupIntent('authorize'));
    const detached = await this.stripe.paymentMethods.detach(pm);
    this.say(`payment_methods.detach -> ${detached.id}`);
  }

  /** A refund of a paid PaymentIntent; then failed through onfile's test helper, or waited for until it settles. */
  async refund(then: 'none' | 'fail' | 'settle' = 'none'): Promise<void> {
    const pi = await this.paymentIntent('authorize');
    const refund = await this.stripe.refunds.create({ payment_intent: pi.id });
    this.say(`refunds.create -> ${refund.id} (${refund.status})`);
    if (then === 'fail') {
      const failed = await this.testHelper<{ status?: string }>(`/_onfile/refunds/${refund.id}/fail`, 'refunds/:id/fail');
      this.say(`refunds/:id/fail (onfile test helper) -> ${refund.id} (${failed.status})`);
    } else if (then === 'settle') {
      // Amazon Pay refunds settle asynchronously; onfile's test mode settles them about a second later.
      const deadline = Date.now() + 30_000;
      let current = refund;
      while (current.status === 'pending' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        current = await this.stripe.refunds.retrieve(refund.id);
      }
      if (current.status === 'pending') throw new CliError(`${refund.id} was still pending after 30 s`);
      this.say(`refunds.retrieve -> ${current.id} (${current.status})`);
    }
  }

  /** POSTs to one of onfile's test helpers (not part of Stripe's API, so not in the SDK). */
  private async testHelper<T>(path: string, name: string): Promise<T> {
    const res = await fetch(new URL(path, this.conn.base), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.conn.key}` },
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as T & { error?: { message?: string } };
    if (!res.ok) throw new CliError(`${name} answered HTTP ${res.status}: ${body.error?.message ?? ''}`);
    return body;
  }

  /**
   * Submits the hosted authorization page (`next_action.redirect_to_url.url`) as a browser would: its form's
   * hidden fields plus the chosen `action`. Without a form on the page, posts `action` to the page URL itself.
   */
  private async finishRedirect(url: string | undefined, action: Decision): Promise<void> {
    if (!url) throw new CliError('the intent did not ask for a redirect (no next_action.redirect_to_url)');
    const page = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const html = page.ok ? await page.text() : '';
    const form = /<form\b[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0];
    let target = url;
    const fields = new URLSearchParams();
    if (form) {
      const actionAttr = /<form\b[^>]*\baction\s*=\s*["']([^"']*)["']/i.exec(form)?.[1];
      if (actionAttr) target = new URL(decodeEntities(actionAttr), url).href;
      for (const input of form.match(/<input\b[^>]*>/gi) ?? []) {
        if (!/\btype\s*=\s*["']hidden["']/i.test(input)) continue;
        const name = /\bname\s*=\s*["']([^"']*)["']/i.exec(input)?.[1];
        const value = /\bvalue\s*=\s*["']([^"']*)["']/i.exec(input)?.[1] ?? '';
        if (name && name !== 'action') fields.append(decodeEntities(name), decodeEntities(value));
      }
    }
    fields.set('action', action);
    const res = await fetch(target, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status >= 400) throw new CliError(`the hosted page answered HTTP ${res.status} to action=${action}`);
  }
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? _m);
}

/** Event type → the calls that cause it. Several events share a fixture (a whole flow emits them all). */
const TRIGGERS: Record<string, (f: Fixtures) => Promise<unknown>> = {
  'customer.created': (f) => f.customer(),
  'customer.updated': (f) => f.customer('update'),
  'customer.deleted': (f) => f.customer('delete'),
  'setup_intent.created': (f) => f.setupIntent('none'),
  'setup_intent.requires_action': (f) => f.setupIntent('none'),
  'setup_intent.succeeded': (f) => f.setupIntent('authorize'),
  'setup_intent.setup_failed': (f) => f.setupIntent('fail'),
  'setup_intent.canceled': (f) => f.canceledSetup(),
  'payment_method.attached': (f) => f.setupIntent('authorize'),
  'payment_method.detached': (f) => f.detach(),
  'payment_method.updated': (f) => f.updatedMethod(),
  'mandate.updated': (f) => f.detach(),
  'payment_intent.created': (f) => f.paymentIntent('none'),
  'payment_intent.requires_action': (f) => f.paymentIntent('none'),
  'payment_intent.succeeded': (f) => f.paymentIntent('authorize'),
  'payment_intent.payment_failed': (f) => f.paymentIntent('fail'),
  'payment_intent.amount_capturable_updated': (f) => f.hold('none'),
  'payment_intent.canceled': (f) => f.hold('cancel'),
  'charge.succeeded': (f) => f.paymentIntent('authorize'),
  'charge.failed': (f) => f.declinedCharge(),
  'charge.updated': (f) => f.updatedCharge(),
  'charge.captured': (f) => f.hold('capture'),
  'charge.expired': (f) => f.hold('expire'),
  'charge.refunded': (f) => f.refund(),
  'refund.created': (f) => f.refund(),
  'refund.failed': (f) => f.refund('fail'),
  'refund.updated': (f) => f.refund('settle'),
  'charge.refund.updated': (f) => f.refund('settle'),
  'v2.core.account.created': (f) => f.account('none'),
  'v2.core.account.updated': (f) => f.account('update'),
  'v2.core.account[configuration.customer].updated': (f) => f.account('configure'),
  'v2.core.account[defaults].updated': (f) => f.account('defaults'),
  'v2.core.account[identity].updated': (f) => f.account('identity'),
  'v2.core.account.closed': (f) => f.account('close'),
};

export const TRIGGERABLE_EVENTS = Object.keys(TRIGGERS);

export function sdkFor(conn: Connection): Stripe {
  const base = new URL(conn.base);
  return new Stripe(conn.key, {
    host: base.hostname,
    port: base.port ? Number(base.port) : base.protocol === 'https:' ? 443 : 80,
    protocol: base.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 1,
    telemetry: false,
  });
}

export async function triggerCommand(event: string, opts: TriggerOptions): Promise<void> {
  const run = TRIGGERS[event];
  if (!run) throw new CliError(`cannot trigger ${event}; supported events:\n  ${TRIGGERABLE_EVENTS.join('\n  ')}`);
  const conn = resolveConnection(opts);
  process.stdout.write(`Setting up fixture for: ${event}\n`);
  await run(new Fixtures(sdkFor(conn), (line) => process.stdout.write(`Running fixture: ${line}\n`), conn));
  process.stdout.write('Trigger succeeded! Run `onfile events` to see the events.\n');
}


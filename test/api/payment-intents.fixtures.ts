import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { raw } from '../support/harness.js';

/** Shared steps of the PaymentIntent tests: the seed's flows, driven through the public API. */
export const RETURN_URL = 'https://example.com/checkout/complete';
export const MANDATE = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.0', user_agent: 'device' } } };

export type Owner = { customer: string } | { customer_account: string };
export type Decision = 'authorize' | 'fail' | 'authorize_decline_later';

/** A customer of either kind the seed uses: a v1 Customer, or a v2 Account with the customer configuration. */
export async function newOwner(base: string, sk: string, stripe: Stripe, kind: 'customer' | 'account'): Promise<Owner> {
  if (kind === 'customer') return { customer: (await stripe.customers.create({ name: 'Jenny Rosen', email: 'jenny.rosen@example.com' })).id };
  const res = await raw(base, 'POST', '/v2/core/accounts', {
    key: sk,
    headers: { 'stripe-version': '2026-05-27.preview' },
    json: { contact_email: 'jenny.rosen@example.com', display_name: 'Jenny Rosen', configuration: { customer: {} }, include: ['configuration.customer'] },
  });
  assert.equal(res.status, 200, res.text);
  return { customer_account: res.body.id };
}

export function ownerForm(o: Owner): string {
  return 'customer' in o ? `customer=${o.customer}` : `customer_account=${o.customer_account}`;
}

/** The customer's answer on the hosted page, posted as the page's form does (no browser needed). */
export async function answer(url: string, action: Decision): Promise<Response> {
  return fetch(url, { method: 'POST', body: `action=${action}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
}

/** Flow 2 through the SDK: pay now and save the method (redirect answered with `decision`). */
export async function payAndSave(stripe: Stripe, owner: Owner, decision: Decision = 'authorize', extra: Partial<Stripe.PaymentIntentCreateParams> = {}): Promise<Stripe.PaymentIntent> {
  const pi = await stripe.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    allowed_payment_method_types: ['amazon_pay'],
    payment_method_data: { type: 'amazon_pay' },
    mandate_data: MANDATE,
    return_url: RETURN_URL,
    setup_future_usage: 'off_session',
    confirm: true,
    ...owner,
    ...extra,
  } as Stripe.PaymentIntentCreateParams);
  assert.equal(pi.status, 'requires_action');
  const res = await answer(pi.next_action!.redirect_to_url!.url!, decision);
  assert.equal(res.status, 303);
  return stripe.paymentIntents.retrieve(pi.id);
}

/** A saved Amazon Pay method with its mandate (flow 2 approved), ready for off-session charges. */
export async function savedMethod(stripe: Stripe, owner: Owner, decision: Decision = 'authorize'): Promise<string> {
  const pi = await payAndSave(stripe, owner, decision);
  assert.ok(pi.status === 'succeeded', `save-during-payment ended ${pi.status}`);
  return pi.payment_method as string;
}

/** Flow 3 through the SDK: charge the saved method without the customer. */
export function chargeOffSession(stripe: Stripe, owner: Owner, pm: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}, opts?: Stripe.RequestOptions): Promise<Stripe.Response<Stripe.PaymentIntent>> {
  return stripe.paymentIntents.create(
    { amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], payment_method: pm, confirm: true, off_session: true, ...owner, ...extra } as Stripe.PaymentIntentCreateParams,
    opts,
  );
}

/** Event types about `objectIds`, oldest first, from /v1/events. */
export async function eventTypes(stripe: Stripe, objectIds: string[], limit = 100): Promise<string[]> {
  const page = await stripe.events.list({ limit });
  return page.data
    .filter((e) => objectIds.includes((e.data.object as { id: string }).id))
    .map((e) => e.type)
    .reverse();
}

/** Waits (bounded) until `check` holds, polling. */
export async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (check(v)) return v;
    if (Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

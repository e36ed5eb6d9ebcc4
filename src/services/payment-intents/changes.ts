import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { checkAmount, checkCurrency } from '../../domain/money/checks.js';
import { resolveTypes, selectionFrom, SETUP_FUTURE_USAGES, type TypeCapabilities, type TypeRequest } from '../../domain/payment-intents/payment-method-types.js';
import { checkStatementDescriptor } from '../../domain/payment-intents/statement-descriptor.js';
import { renderOptions, type AmazonPayOptions, type PaymentIntentInternal } from '../../domain/payment-intents/payment-intent.js';
import { normalizeAddress } from '../../domain/customers/customer.js';
import { connectorFor, supportedPaymentMethodTypes } from '../../connectors/registry.js';
import { insertPaymentMethod, type PaymentMethodRow } from '../payment-methods/create.js';
import { requireUsablePaymentMethod } from '../payment-methods/reuse.js';
import type { Sql } from '../../storage/sql.js';
import type { CallContext } from '../context.js';
import type { PaymentMethodData } from '../../api/v1/payment-methods/params.js';
import type { PaymentMethodOptionsParam, ShippingParam } from '../../api/v1/payment-intents/params.js';
import { ownerOfIntent } from './rows.js';

/**
 * Parameter changes shared by create, update and confirm, applied to a draft of the intent
 * (its wire object and internal part) inside the caller's transaction.
 */
export interface Draft {
  data: Stripe.PaymentIntent;
  internal: PaymentIntentInternal;
}

/** Amount, currency and the offered payment method types, re-validated together. */
export function applyMoneyAndTypes(
  ctx: CallContext,
  d: Draft,
  p: TypeRequest & { amount?: number; currency?: string },
): void {
  if (p.currency !== undefined) d.data.currency = checkCurrency(p.currency);
  if (p.amount !== undefined) d.data.amount = p.amount;
  if (p.amount !== undefined || p.currency !== undefined) checkAmount(d.data.amount, d.data.currency);
  resolveInto(ctx, d, p);
}

/** Re-resolves `payment_method_types` from the request's type parameters (or the intent's own). */
export function resolveInto(ctx: CallContext, d: Draft, p: TypeRequest = {}): void {
  const selection = selectionFrom(p, ctx.apiVersion, d.internal.selection);
  const resolved = resolveTypes(selection, {
    apiVersion: ctx.apiVersion,
    capabilities: capabilities(ctx),
    country: ctx.account.country,
    currency: d.data.currency,
    setupFutureUsage: (d.data.setup_future_usage as 'off_session' | 'on_session' | null) ?? null,
  });
  d.internal.selection = resolved.selection;
  d.data.payment_method_types = resolved.payment_method_types;
  d.data.allowed_payment_method_types = resolved.allowed_payment_method_types as Stripe.PaymentIntent['allowed_payment_method_types'];
  d.data.excluded_payment_method_types = resolved.excluded_payment_method_types as Stripe.PaymentIntent['excluded_payment_method_types'];
  d.data.automatic_payment_methods = resolved.automatic_payment_methods;
  d.data.payment_method_options = renderOptions(resolved.payment_method_types, storedOptions(d.data));
}

/** What each type's connector can do, for the type resolution. */
function capabilities(ctx: CallContext): Map<string, TypeCapabilities> {
  const out = new Map<string, TypeCapabilities>();
  for (const type of supportedPaymentMethodTypes()) {
    const c = connectorFor(ctx.deps, type);
    out.set(type, {
      supportsAccountCountry: (country) => c.supportsAccountCountry(country),
      supportsCurrency: (country, currency) => c.supportsCurrency(country, currency),
      requiresRedirect: c.requiresRedirect,
      setupFutureUsages: SETUP_FUTURE_USAGES[type] ?? ['off_session', 'on_session'],
    });
  }
  return out;
}

export function storedOptions(pi: Stripe.PaymentIntent): Record<string, AmazonPayOptions> {
  return structuredClone((pi.payment_method_options ?? {}) as Record<string, AmazonPayOptions>);
}

/** `payment_method_options[amazon_pay][…]`: an empty string unsets one option, an empty hash all. */
export function applyOptions(d: Draft, pmo: PaymentMethodOptionsParam | undefined): void {
  if (pmo === undefined) return;
  const stored = storedOptions(d.data);
  if (pmo.amazon_pay !== undefined) {
    if (pmo.amazon_pay === null) stored.amazon_pay = {};
    else {
      const next: AmazonPayOptions = { ...(stored.amazon_pay ?? {}) };
      const { capture_method: cm, setup_future_usage: sfu } = pmo.amazon_pay;
      if (cm !== undefined) {
        if (cm === null) delete next.capture_method;
        else next.capture_method = cm;
      }
      if (sfu !== undefined) {
        if (sfu === null) delete next.setup_future_usage;
        else next.setup_future_usage = sfu;
      }
      stored.amazon_pay = next;
    }
  }
  d.data.payment_method_options = renderOptions(d.data.payment_method_types, stored);
}

export function applyDescriptors(d: Draft, p: { statement_descriptor?: string; statement_descriptor_suffix?: string }): void {
  if (p.statement_descriptor !== undefined) {
    checkStatementDescriptor(p.statement_descriptor, 'statement_descriptor');
    d.data.statement_descriptor = p.statement_descriptor;
  }
  if (p.statement_descriptor_suffix !== undefined) {
    checkStatementDescriptor(p.statement_descriptor_suffix, 'statement_descriptor_suffix');
    d.data.statement_descriptor_suffix = p.statement_descriptor_suffix;
  }
}

export function shippingOf(s: ShippingParam | null): Stripe.PaymentIntent.Shipping | null {
  if (!s) return null;
  return { address: normalizeAddress(s.address) as Stripe.Address, carrier: s.carrier ?? null, name: s.name, phone: s.phone ?? null, tracking_number: s.tracking_number ?? null };
}

/**
 * `payment_method` or `payment_method_data` (exclusive): the method the intent will charge. A new
 * one is created unattached; an existing one must be usable by the intent's customer
 * (services/payment-methods/reuse.ts) and of an offered type.
 */
export async function applyPaymentMethod(
  t: Sql,
  ctx: CallContext,
  d: Draft,
  p: { payment_method?: string | null; payment_method_data?: PaymentMethodData },
): Promise<PaymentMethodRow | undefined> {
  if (p.payment_method && p.payment_method_data) throw errors.parametersExclusive('payment_method', 'payment_method_data');
  let row: PaymentMethodRow | undefined;
  let param = 'payment_method';
  if (p.payment_method_data) {
    param = 'payment_method_data[type]';
    row = await insertPaymentMethod(t, ctx, p.payment_method_data, param);
  } else if (p.payment_method) {
    row = await requireUsablePaymentMethod(t, ctx, p.payment_method, { owner: ownerOfIntent(d.data), intent: 'PaymentIntent' });
  } else return undefined;
  if (!d.data.payment_method_types.includes(row.data.type)) throw errors.paymentMethodNotAllowed('PaymentIntent', row.data.type, d.data.payment_method_types, param);
  d.data.payment_method = row.id;
  return row;
}

import type Stripe from 'stripe';
import { newId, newToken } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { previousAttributes } from '../../domain/shared/changes.js';
import { deletedCustomerStub, normalizeAddress, type CustomerInternal } from '../../domain/customers/customer.js';
import { getObject, getObjectText, insertObject, updateObject } from '../../storage/repos/objects.js';
import { invoicePrefixHolder } from '../../storage/repos/invoice-prefixes.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { nowSeconds, type CallContext } from '../context.js';
import type { CreateCustomer, UpdateCustomer } from '../../api/v1/customers/params.js';

type Shipping = CreateCustomer['shipping'];

function shippingOf(s: Shipping): Stripe.Customer.Shipping | null {
  if (!s) return null;
  return { address: normalizeAddress(s.address) as Stripe.Address, name: s.name, phone: s.phone ?? null } as Stripe.Customer.Shipping;
}

function invoiceSettingsOf(
  current: Stripe.Customer.InvoiceSettings | undefined,
  patch: CreateCustomer['invoice_settings'],
): Stripe.Customer.InvoiceSettings {
  const base: Stripe.Customer.InvoiceSettings = current ?? { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null };
  if (!patch) return base;
  const next = { ...base };
  if (patch.custom_fields !== undefined) next.custom_fields = patch.custom_fields;
  if (patch.default_payment_method !== undefined) next.default_payment_method = patch.default_payment_method;
  if (patch.footer !== undefined) next.footer = patch.footer;
  if (patch.rendering_options !== undefined) {
    next.rendering_options = patch.rendering_options
      ? { amount_tax_display: patch.rendering_options.amount_tax_display ?? null, template: patch.rendering_options.template ?? null }
      : null;
  }
  return next;
}

/** Loads a live (not deleted) customer or fails with Stripe's resource_missing. */
export async function requireCustomer(t: Sql, ctx: CallContext, id: string, param = 'id') {
  const row = await getObject<Stripe.Customer, CustomerInternal>(t, ctx.scope, 'customer', id);
  if (!row || row.internal.deleted) throw errors.resourceMissing('customer', id, param, param === 'id' ? 404 : 400);
  return row;
}

/**
 * A customer's default payment method must be one of its own attached PaymentMethods
 * (https://docs.stripe.com/api/customers/update#update_customer-invoice_settings-default_payment_method).
 */
async function checkDefaultPaymentMethod(t: Sql, ctx: CallContext, customerId: string, pmId: string | null | undefined) {
  if (!pmId) return;
  const param = 'invoice_settings[default_payment_method]';
  const pm = await getObject<Stripe.PaymentMethod>(t, ctx.scope, 'payment_method', pmId);
  if (!pm) throw errors.resourceMissing('PaymentMethod', pmId, param, 400);
  if (pm.data.customer !== customerId) {
    throw errors.invalidRequest(`The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`, param, 'resource_missing');
  }
}

/** A prefix belongs to one customer of the account, even once that customer is deleted (recorded). */
async function checkInvoicePrefixFree(t: Sql, ctx: CallContext, prefix: string, self?: string) {
  const holder = await invoicePrefixHolder(t, ctx.scope, prefix, self);
  if (holder) throw errors.invoicePrefixTaken(holder);
}

export async function createCustomer(ctx: CallContext, p: CreateCustomer): Promise<Stripe.Customer> {
  const now = nowSeconds(ctx);
  const id = newId('customer');
  const customer: Stripe.Customer = {
    id,
    object: 'customer',
    address: normalizeAddress(p.address),
    balance: p.balance ?? 0,
    created: now,
    // A balance is an amount in the account's default currency (recorded: a nonzero balance sets it).
    currency: p.balance ? ctx.account.default_currency : null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: p.description ?? null,
    discount: null,
    email: p.email ?? null,
    invoice_prefix: p.invoice_prefix ?? newToken(8).toUpperCase(),
    invoice_settings: invoiceSettingsOf(undefined, p.invoice_settings),
    livemode: ctx.scope.livemode,
    metadata: applyMetadata({}, p.metadata),
    name: p.name ?? null,
    next_invoice_sequence: p.next_invoice_sequence ?? 1,
    phone: p.phone ?? null,
    preferred_locales: p.preferred_locales ?? [],
    shipping: shippingOf(p.shipping),
    tax_exempt: p.tax_exempt ?? 'none',
    test_clock: null,
  };
  if (p.business_name) customer.business_name = p.business_name;
  if (p.individual_name) customer.individual_name = p.individual_name;
  return ctx.deps.store.tx(async (t) => {
    if (p.invoice_prefix) await checkInvoicePrefixFree(t, ctx, p.invoice_prefix);
    if (p.invoice_settings?.default_payment_method) {
      // A brand-new customer has no payment methods yet, unless `payment_method` attaches one.
      if (p.invoice_settings.default_payment_method !== p.payment_method) await checkDefaultPaymentMethod(t, ctx, id, p.invoice_settings.default_payment_method);
    }
    await insertObject(t, ctx.scope, { type: 'customer', id, created: now, data: customer, internal: {}, lookup: customer.email });
    await emitEvent(t, ctx, 'customer.created', customer);
    if (p.payment_method) await attachOnCreate(t, ctx, customer, p.payment_method);
    return customer;
  });
}

/** `payment_method` on customer create attaches it; the PaymentMethods module supplies the how. */
let attachHook: ((t: Sql, ctx: CallContext, customer: Stripe.Customer, pmId: string) => Promise<void>) | undefined;
export function setAttachOnCustomerCreate(fn: typeof attachHook): void {
  attachHook = fn;
}
async function attachOnCreate(t: Sql, ctx: CallContext, customer: Stripe.Customer, pmId: string) {
  if (!attachHook) throw errors.resourceMissing('PaymentMethod', pmId, 'payment_method', 400);
  await attachHook(t, ctx, customer, pmId);
}

export async function retrieveCustomer(ctx: CallContext, id: string): Promise<Stripe.Customer | Stripe.DeletedCustomer> {
  const found = await findCustomerOrStub(ctx, id);
  if (!found) throw errors.resourceMissing('customer', id);
  return found;
}

/**
 * The customer as stored wire text, for a retrieve with nothing to expand: sent as is, without a
 * parse/stringify round trip. A deleted customer answers its stub.
 */
export async function retrieveCustomerText(ctx: CallContext, id: string): Promise<string> {
  const text = await getObjectText(ctx.deps.store.read, ctx.scope, 'customer', id);
  return text ?? JSON.stringify(await retrieveCustomer(ctx, id));
}

/** A live customer, or the `deleted: true` stub Stripe keeps answering with after a delete. */
export async function findCustomerOrStub(ctx: CallContext, id: string): Promise<Stripe.Customer | Stripe.DeletedCustomer | undefined> {
  const read = ctx.deps.store.read;
  const row = await getObject<Stripe.Customer>(read, ctx.scope, 'customer', id);
  if (row) return row.data;
  const gone = await getObject(read, ctx.scope, 'customer.deleted', id);
  return gone ? deletedCustomerStub(id) : undefined;
}

export async function updateCustomer(ctx: CallContext, id: string, p: UpdateCustomer): Promise<Stripe.Customer> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requireCustomer(t, ctx, id);
    const before = row.data;
    const next: Stripe.Customer = { ...before };
    // Like every hash an update takes (invoice_settings, a PaymentMethod's billing_details), an address
    // merges per field: what is not sent stays, `address[line2]=` clears one field, `address=` all.
    if (p.address !== undefined) next.address = p.address === null ? null : normalizeAddress({ ...(before.address ?? {}), ...p.address });
    if (p.balance !== undefined) {
      next.balance = p.balance;
      if (p.balance && next.currency === null) next.currency = ctx.account.default_currency;
    }
    if (p.business_name !== undefined) setOptional(next, 'business_name', p.business_name);
    if (p.description !== undefined) next.description = p.description;
    if (p.email !== undefined) next.email = p.email;
    if (p.individual_name !== undefined) setOptional(next, 'individual_name', p.individual_name);
    if (p.invoice_prefix !== undefined) {
      if (p.invoice_prefix && p.invoice_prefix !== before.invoice_prefix) await checkInvoicePrefixFree(t, ctx, p.invoice_prefix, id);
      next.invoice_prefix = p.invoice_prefix;
    }
    if (p.invoice_settings !== undefined) {
      await checkDefaultPaymentMethod(t, ctx, id, p.invoice_settings?.default_payment_method);
      next.invoice_settings = invoiceSettingsOf(before.invoice_settings, p.invoice_settings);
    }
    if (p.metadata !== undefined) next.metadata = applyMetadata(before.metadata, p.metadata);
    if (p.name !== undefined) next.name = p.name;
    if (p.next_invoice_sequence !== undefined) next.next_invoice_sequence = p.next_invoice_sequence;
    if (p.phone !== undefined) next.phone = p.phone;
    if (p.preferred_locales !== undefined) next.preferred_locales = p.preferred_locales ?? [];
    if (p.shipping !== undefined) next.shipping = shippingOf(p.shipping);
    if (p.tax_exempt !== undefined) next.tax_exempt = p.tax_exempt ?? 'none';
    if (p.default_source !== undefined && p.default_source !== null) throw errors.resourceMissing('source', p.default_source, 'default_source', 400);
    const prev = previousAttributes(before, next);
    if (!prev) return before;
    await updateObject(t, ctx.scope, row, { data: next, lookup: next.email });
    await emitEvent(t, ctx, 'customer.updated', next, prev);
    return next;
  });
}

function setOptional(c: Stripe.Customer, key: 'business_name' | 'individual_name', v: string | null) {
  if (v === null) delete c[key];
  else c[key] = v;
}


import type Stripe from 'stripe';
import { normalizeAddress } from '../customers/customer.js';
import { applyMetadata } from '../shared/metadata.js';

/**
 * PaymentMethod rules that need no I/O: the object's shape, and whether a PaymentMethod may serve
 * another intent (https://docs.stripe.com/api/payment_methods/detach,
 * https://docs.stripe.com/payments/payment-methods#reuse).
 */
export interface PaymentMethodInternal {
  /** Used once by an intent without a customer: it may not be used again (nor attached). */
  consumed?: boolean;
  /** Detached from its customer: permanent. */
  detached?: boolean;
}

export type AllowRedisplay = 'always' | 'limited' | 'unspecified';

export interface BillingDetailsInput {
  address?: Partial<Record<'city' | 'country' | 'line1' | 'line2' | 'postal_code' | 'state', string | null>> | null;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  tax_id?: string;
}

export interface PaymentMethodInput {
  type: 'amazon_pay';
  billing_details?: BillingDetailsInput;
  metadata?: Record<string, string | null> | null;
  allow_redisplay?: AllowRedisplay;
  radar_options?: { session?: string };
}

const EMPTY_ADDRESS = normalizeAddress({})!;

/** Stripe always renders every billing key, and the address hash even when it is empty. */
export function billingDetailsOf(current: Stripe.PaymentMethod.BillingDetails | undefined, patch: BillingDetailsInput | undefined): Stripe.PaymentMethod.BillingDetails {
  const base: Stripe.PaymentMethod.BillingDetails = current ?? { address: { ...EMPTY_ADDRESS }, email: null, name: null, phone: null, tax_id: null };
  if (!patch) return base;
  const next = { ...base };
  if (patch.address !== undefined) next.address = patch.address === null ? { ...EMPTY_ADDRESS } : normalizeAddress({ ...(base.address ?? {}), ...patch.address });
  if (patch.email !== undefined) next.email = patch.email;
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.phone !== undefined) next.phone = patch.phone;
  if (patch.tax_id !== undefined) next.tax_id = patch.tax_id;
  return next;
}

export function newPaymentMethod(id: string, created: number, livemode: boolean, input: PaymentMethodInput): Stripe.PaymentMethod {
  const pm: Stripe.PaymentMethod = {
    id,
    object: 'payment_method',
    allow_redisplay: input.allow_redisplay ?? 'unspecified',
    // The amazon_pay hash has no fields in this API version.
    amazon_pay: {},
    billing_details: billingDetailsOf(undefined, input.billing_details),
    created,
    customer: null,
    customer_account: null,
    livemode,
    metadata: applyMetadata({}, input.metadata),
    type: 'amazon_pay',
  };
  if (input.radar_options) pm.radar_options = { ...(input.radar_options.session ? { session: input.radar_options.session } : {}) };
  return pm;
}

export interface Owner {
  customer: string | null;
  customer_account: string | null;
}

export function ownerOf(pm: Stripe.PaymentMethod): Owner {
  const customer = typeof pm.customer === 'string' ? pm.customer : (pm.customer?.id ?? null);
  return { customer, customer_account: pm.customer_account ?? null };
}

export function sameOwner(a: Owner, b: Owner): boolean {
  return a.customer === b.customer && a.customer_account === b.customer_account;
}

export function isAttached(pm: Stripe.PaymentMethod): boolean {
  const o = ownerOf(pm);
  return o.customer !== null || o.customer_account !== null;
}

/**
 * Why a PaymentMethod may not serve an intent for `owner` (null owner: an intent without a
 * customer), or null when it may.
 */
export type ReuseProblem = 'may_not_be_used_again' | 'belongs_to_customer' | 'not_owned_by_customer';

export function reuseProblem(pm: Stripe.PaymentMethod, internal: PaymentMethodInternal, owner: Owner | null): ReuseProblem | null {
  if (internal.detached || internal.consumed) return 'may_not_be_used_again';
  const attached = ownerOf(pm);
  if (!isAttached(pm)) return null;
  if (!owner || (owner.customer === null && owner.customer_account === null)) return 'belongs_to_customer';
  if (!sameOwner(attached, owner)) return 'not_owned_by_customer';
  return null;
}

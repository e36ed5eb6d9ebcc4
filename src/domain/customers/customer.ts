import type Stripe from 'stripe';

/** What a customer row keeps besides the wire object. */
export interface CustomerInternal {
  deleted?: boolean;
}

export type CustomerObject = Stripe.Customer;

export function deletedCustomerStub(id: string): Stripe.DeletedCustomer {
  return { id, object: 'customer', deleted: true };
}

const NULL_ADDRESS_KEYS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** Fills an address hash the way Stripe renders it: every key present, null when not given. */
export function normalizeAddress(a: Partial<Record<(typeof NULL_ADDRESS_KEYS)[number], string | null>> | null | undefined): Stripe.Address | null {
  if (!a) return null;
  const out: Record<string, string | null> = {};
  for (const k of NULL_ADDRESS_KEYS) out[k] = a[k] ?? null;
  return out as unknown as Stripe.Address;
}

import type Stripe from 'stripe';

/**
 * The Accounts v2 object (https://docs.stripe.com/api/v2/core/accounts/object) as onfile stores it:
 * every property with its real value. What a response shows depends on `include`
 * (https://docs.stripe.com/api/include_dependent_response_values): see render-account.ts.
 */
export type SdkAccount = Stripe.V2.Core.Account;

/** Like the SDK type, but an optional property may also be rendered as null (onfile never omits a modelled one). */
export type Loose<T> = T extends readonly (infer U)[]
  ? Loose<U>[]
  : T extends object
    ? { [K in keyof T]: Loose<T[K]> | (undefined extends T[K] ? null : never) }
    : T;

export type AccountConfiguration = NonNullable<SdkAccount['configuration']>;
export type CustomerConfiguration = Loose<NonNullable<AccountConfiguration['customer']>>;
export type AccountIdentity = Loose<NonNullable<SdkAccount['identity']>>;
export type AccountIndividual = Loose<NonNullable<NonNullable<SdkAccount['identity']>['individual']>>;
export type AccountBusinessDetails = Loose<NonNullable<NonNullable<SdkAccount['identity']>['business_details']>>;
export type AccountDefaults = Loose<NonNullable<SdkAccount['defaults']>>;
export type AccountRequirements = Loose<NonNullable<SdkAccount['requirements']>>;
export type AccountFutureRequirements = Loose<NonNullable<SdkAccount['future_requirements']>>;

export const CONFIGURATIONS = ['customer', 'merchant', 'recipient'] as const;
export type ConfigurationName = (typeof CONFIGURATIONS)[number];

export const INCLUDABLE = [
  'configuration.customer',
  'configuration.merchant',
  'configuration.recipient',
  'defaults',
  'future_requirements',
  'identity',
  'requirements',
] as const;
export type Includable = (typeof INCLUDABLE)[number];

/** The stored object: include-dependent parts always hold their values. */
export interface StoredAccount {
  id: string;
  object: 'v2.core.account';
  applied_configurations: ConfigurationName[];
  closed: boolean;
  configuration: {
    customer: CustomerConfiguration | null;
    merchant: null;
    recipient: null;
  };
  contact_email: string | null;
  contact_phone: string | null;
  created: string;
  dashboard: NonNullable<SdkAccount['dashboard']>;
  defaults: AccountDefaults;
  display_name: string | null;
  future_requirements: AccountFutureRequirements;
  identity: AccountIdentity;
  livemode: boolean;
  metadata: Record<string, string>;
  requirements: AccountRequirements;
}

/** The rendered object: include-dependent properties are null unless requested. */
export type RenderedAccount = Omit<StoredAccount, 'configuration' | 'defaults' | 'future_requirements' | 'identity' | 'requirements'> & {
  configuration: { customer: CustomerConfiguration | null; merchant: null; recipient: null } | null;
  defaults: AccountDefaults | null;
  future_requirements: AccountFutureRequirements | null;
  identity: AccountIdentity | null;
  requirements: AccountRequirements | null;
};

// Compile-time check that what onfile renders fits the SDK's Account type once nulls are allowed.
export type RenderedFitsSdk = RenderedAccount extends Loose<SdkAccount> ? true : never;
const _fits: RenderedFitsSdk = true;
void _fits;

/** v2 timestamps are RFC 3339 in UTC with millisecond precision (`2026-05-07T12:00:00.000Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** The filter value kept in the objects table's `parent` column: applied configurations, sorted. */
export function appliedKey(applied: readonly string[]): string {
  return [...applied].sort().join(',');
}

/**
 * `closed` stays false until /close. Closed accounts remain retrievable, but Stripe returns "only
 * limited, non-personally-identifiable information" for them
 * (https://docs.stripe.com/changelog/clover/2025-10-29/return-closed-v2-accounts).
 */
export function renderAccount(stored: StoredAccount, include: readonly string[] | undefined): RenderedAccount {
  const inc = new Set(include ?? []);
  const anyConfig = inc.has('configuration.customer') || inc.has('configuration.merchant') || inc.has('configuration.recipient');
  const out: RenderedAccount = {
    ...stored,
    configuration: anyConfig
      ? { customer: inc.has('configuration.customer') ? stored.configuration.customer : null, merchant: null, recipient: null }
      : null,
    defaults: inc.has('defaults') ? stored.defaults : null,
    future_requirements: inc.has('future_requirements') ? stored.future_requirements : null,
    identity: inc.has('identity') ? stored.identity : null,
    requirements: inc.has('requirements') ? stored.requirements : null,
  };
  if (stored.closed) {
    out.contact_email = null;
    out.contact_phone = null;
    out.display_name = null;
    if (out.identity) out.identity = emptyIdentity();
  }
  return out;
}

export function emptyIdentity(): AccountIdentity {
  return { attestations: null, business_details: null, country: null, entity_type: null, individual: null };
}

/** A customer-only account has nothing to collect (requirements apply to merchant/recipient). */
export function noRequirements(): AccountRequirements {
  return { alternatives: [], entries: [], summary: { minimum_deadline: null } };
}

export function noFutureRequirements(): AccountFutureRequirements {
  return { alternatives: [], entries: [], minimum_transition_date: null, summary: { minimum_deadline: null } };
}

import { applyMetadata } from '../shared/metadata.js';
import {
  appliedKey,
  emptyIdentity,
  type AccountBusinessDetails,
  type AccountDefaults,
  type AccountIdentity,
  type AccountIndividual,
  type ConfigurationName,
  type CustomerConfiguration,
  type StoredAccount,
} from './v2-account.js';

/**
 * Pure rules for creating and updating a v2 Account with the customer configuration
 * (https://docs.stripe.com/api/v2/core/accounts/create, /update). Inputs are the decoded request
 * bodies: `undefined` = not sent, `null` = unset.
 */
type Opt<T> = T | null | undefined;

export interface AddressInput {
  city?: Opt<string>;
  country?: Opt<string>;
  line1?: Opt<string>;
  line2?: Opt<string>;
  postal_code?: Opt<string>;
  state?: Opt<string>;
  town?: Opt<string>;
}

export interface CustomerConfigInput {
  applied?: Opt<boolean>;
  automatic_indirect_tax?: Opt<{ exempt?: Opt<'exempt' | 'none' | 'reverse'>; ip_address?: Opt<string> }>;
  billing?: Opt<{
    default_payment_method?: Opt<string>;
    invoice?: Opt<{
      custom_fields?: Opt<{ name: string; value: string }[]>;
      footer?: Opt<string>;
      next_sequence?: Opt<number>;
      prefix?: Opt<string>;
      rendering?: Opt<{ amount_tax_display?: Opt<'exclude_tax' | 'include_inclusive_tax'>; template?: Opt<string> }>;
    }>;
  }>;
  capabilities?: Opt<{ automatic_indirect_tax?: Opt<{ requested: boolean }> }>;
  shipping?: Opt<{ address?: Opt<AddressInput>; name?: Opt<string>; phone?: Opt<string> }>;
  test_clock?: Opt<string>;
}

export interface IdentityInput {
  country?: Opt<string>;
  entity_type?: Opt<string>;
  individual?: Opt<{
    address?: Opt<AddressInput>;
    date_of_birth?: Opt<{ day: number; month: number; year: number }>;
    email?: Opt<string>;
    given_name?: Opt<string>;
    legal_gender?: Opt<string>;
    metadata?: Opt<Record<string, string | null>>;
    nationalities?: Opt<string[]>;
    phone?: Opt<string>;
    surname?: Opt<string>;
  }>;
  business_details?: Opt<{
    address?: Opt<AddressInput>;
    estimated_worker_count?: Opt<number>;
    phone?: Opt<string>;
    registered_name?: Opt<string>;
  }>;
}

export interface DefaultsInput {
  currency?: Opt<string>;
  locales?: Opt<string[]>;
  profile?: Opt<{ business_url?: Opt<string>; doing_business_as?: Opt<string>; product_description?: Opt<string> }>;
  responsibilities?: Opt<{ fees_collector: string; losses_collector: string }>;
}

export interface AccountInput {
  contact_email?: Opt<string>;
  contact_phone?: Opt<string>;
  dashboard?: Opt<'express' | 'full' | 'none'>;
  display_name?: Opt<string>;
  metadata?: Opt<Record<string, string | null>>;
  identity?: Opt<IdentityInput>;
  defaults?: Opt<DefaultsInput>;
  configuration?: Opt<{ customer?: Opt<CustomerConfigInput> }>;
}

/** Values the domain cannot make up itself (ids, time, generated invoice prefix). */
export interface Generated {
  accountId: string;
  nowIso: string;
  personId: () => string;
  invoicePrefix: () => string;
}

function pick<T>(next: T | null | undefined, prev: T | null): T | null {
  return next === undefined ? prev : next;
}

function mergeAddress(prev: Record<string, string | null> | null | undefined, next: Opt<AddressInput>) {
  if (next === undefined) return prev ?? null;
  if (next === null) return null;
  const base = prev ?? {};
  const out: Record<string, string | null> = {};
  for (const k of ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const) {
    const v = next[k];
    out[k] = v === undefined ? (base[k] ?? null) : v === null ? null : k === 'country' ? v.toUpperCase() : v;
  }
  return out as { city: string | null; country: string | null; line1: string | null; line2: string | null; postal_code: string | null; state: string | null };
}

/** Stripe's defaults for a freshly applied customer configuration. */
function newCustomerConfiguration(gen: Generated): CustomerConfiguration {
  return {
    applied: true,
    automatic_indirect_tax: { exempt: 'none', ip_address: null, location: null, location_source: 'identity_address' },
    billing: {
      default_payment_method: null,
      invoice: { custom_fields: [], footer: null, next_sequence: 1, prefix: gen.invoicePrefix(), rendering: null },
    },
    capabilities: { automatic_indirect_tax: null },
    shipping: null,
    test_clock: null,
  };
}

export function applyCustomerConfig(prev: CustomerConfiguration | null, p: CustomerConfigInput, gen: Generated): CustomerConfiguration {
  const c: CustomerConfiguration = structuredClone(prev ?? newCustomerConfiguration(gen));
  if (p.applied !== undefined && p.applied !== null) c.applied = p.applied;
  else if (!prev) c.applied = true;
  if (p.automatic_indirect_tax !== undefined) {
    const tax = c.automatic_indirect_tax ?? { exempt: 'none', ip_address: null, location: null, location_source: 'identity_address' };
    const t = p.automatic_indirect_tax;
    c.automatic_indirect_tax = {
      ...tax,
      exempt: t === null ? 'none' : (pick(t.exempt, tax.exempt ?? null) ?? 'none'),
      ip_address: t === null ? null : pick(t.ip_address, tax.ip_address ?? null),
      // Stripe locates the customer from the IP address when one is given, else from its identity.
      location_source: t !== null && pick(t.ip_address, tax.ip_address ?? null) ? 'ip_address' : 'identity_address',
    };
  }
  if (p.billing !== undefined) {
    const b = p.billing;
    const billing = c.billing ?? { default_payment_method: null, invoice: null };
    if (b === null) {
      billing.default_payment_method = null;
      billing.invoice = { custom_fields: [], footer: null, next_sequence: 1, prefix: billing.invoice?.prefix ?? gen.invoicePrefix(), rendering: null };
    } else {
      billing.default_payment_method = pick(b.default_payment_method, billing.default_payment_method ?? null);
      if (b.invoice !== undefined) {
        const inv = billing.invoice ?? { custom_fields: [], footer: null, next_sequence: 1, prefix: gen.invoicePrefix(), rendering: null };
        const i = b.invoice;
        billing.invoice = {
          custom_fields: i === null ? [] : (pick(i.custom_fields, inv.custom_fields) ?? []),
          footer: i === null ? null : pick(i.footer, inv.footer ?? null),
          next_sequence: i === null ? 1 : (pick(i.next_sequence, inv.next_sequence ?? null) ?? 1),
          prefix: i === null ? inv.prefix : (pick(i.prefix, inv.prefix ?? null) ?? gen.invoicePrefix()),
          rendering:
            i === null || i.rendering === null
              ? null
              : i.rendering === undefined
                ? (inv.rendering ?? null)
                : {
                    amount_tax_display: pick(i.rendering.amount_tax_display, inv.rendering?.amount_tax_display ?? null),
                    template: pick(i.rendering.template, inv.rendering?.template ?? null),
                  },
        };
      }
    }
    c.billing = billing;
  }
  if (p.capabilities !== undefined) {
    const requested = p.capabilities?.automatic_indirect_tax?.requested;
    if (requested === false || p.capabilities === null) c.capabilities = { automatic_indirect_tax: null };
    else if (requested === true && !c.capabilities?.automatic_indirect_tax) {
      // Test mode grants the capability at once; nothing in onfile would keep it pending.
      c.capabilities = { automatic_indirect_tax: { status: 'active', status_details: [] } };
    }
  }
  if (p.shipping !== undefined) {
    const s = p.shipping;
    c.shipping = s === null ? null : { address: mergeAddress(c.shipping?.address ?? null, s.address), name: pick(s.name, c.shipping?.name ?? null), phone: pick(s.phone, c.shipping?.phone ?? null) };
  }
  if (p.test_clock !== undefined && p.test_clock !== null) c.test_clock = p.test_clock;
  // Deactivating "will unrequest all capabilities within the configuration" (API reference, `applied`).
  if (!c.applied) c.capabilities = { automatic_indirect_tax: null };
  return c;
}

function applyIndividual(prev: AccountIndividual | null, p: NonNullable<IdentityInput['individual']>, gen: Generated): AccountIndividual {
  const ind: AccountIndividual = prev
    ? structuredClone(prev)
    : {
        id: gen.personId(),
        object: 'v2.core.account_person',
        account: gen.accountId,
        address: null,
        created: gen.nowIso,
        date_of_birth: null,
        email: null,
        given_name: null,
        legal_gender: null,
        metadata: {},
        nationalities: null,
        phone: null,
        surname: null,
        updated: gen.nowIso,
      };
  if (p.address !== undefined) ind.address = mergeAddress(ind.address as Record<string, string | null> | null, p.address);
  if (p.date_of_birth !== undefined) ind.date_of_birth = p.date_of_birth;
  if (p.email !== undefined) ind.email = p.email;
  if (p.given_name !== undefined) ind.given_name = p.given_name;
  if (p.legal_gender !== undefined) ind.legal_gender = p.legal_gender;
  if (p.metadata !== undefined) ind.metadata = applyMetadata((ind.metadata ?? {}) as Record<string, string>, p.metadata);
  if (p.nationalities !== undefined) ind.nationalities = p.nationalities;
  if (p.phone !== undefined) ind.phone = p.phone;
  if (p.surname !== undefined) ind.surname = p.surname;
  ind.updated = gen.nowIso;
  return ind;
}

function applyBusinessDetails(prev: AccountBusinessDetails | null, p: NonNullable<IdentityInput['business_details']>): AccountBusinessDetails {
  const b: AccountBusinessDetails = prev ? structuredClone(prev) : { address: null, estimated_worker_count: null, phone: null, registered_name: null };
  if (p.address !== undefined) b.address = mergeAddress(b.address as Record<string, string | null> | null, p.address);
  if (p.estimated_worker_count !== undefined) b.estimated_worker_count = p.estimated_worker_count;
  if (p.phone !== undefined) b.phone = p.phone;
  if (p.registered_name !== undefined) b.registered_name = p.registered_name;
  return b;
}

export function applyIdentity(prev: AccountIdentity, p: Opt<IdentityInput>, gen: Generated): AccountIdentity {
  if (p === undefined) return prev;
  if (p === null) return emptyIdentity();
  const id: AccountIdentity = structuredClone(prev);
  if (p.country !== undefined) id.country = p.country === null ? null : p.country.toLowerCase();
  if (p.entity_type !== undefined) id.entity_type = p.entity_type;
  if (p.individual !== undefined) id.individual = p.individual === null ? null : applyIndividual((id.individual ?? null) as AccountIndividual | null, p.individual, gen);
  if (p.business_details !== undefined) {
    id.business_details = p.business_details === null ? null : applyBusinessDetails((id.business_details ?? null) as AccountBusinessDetails | null, p.business_details);
  }
  return id;
}

export function emptyDefaults(): AccountDefaults {
  // For an account without merchant or recipient configuration the platform's own account holds
  // nothing; Stripe collects requirements (unverified for customer-only accounts).
  return { currency: null, locales: [], profile: null, responsibilities: { fees_collector: null, losses_collector: null, requirements_collector: 'stripe' } };
}

export function applyDefaults(prev: AccountDefaults, p: Opt<DefaultsInput>): AccountDefaults {
  if (p === undefined) return prev;
  if (p === null) return emptyDefaults();
  const d: AccountDefaults = structuredClone(prev);
  if (p.currency !== undefined) d.currency = p.currency === null ? null : p.currency.toLowerCase();
  if (p.locales !== undefined) d.locales = p.locales ?? [];
  if (p.profile !== undefined) {
    const pr = p.profile;
    const base = d.profile ?? { business_url: null, doing_business_as: null, product_description: null };
    d.profile =
      pr === null
        ? null
        : {
            business_url: pick(pr.business_url, base.business_url ?? null),
            doing_business_as: pick(pr.doing_business_as, base.doing_business_as ?? null),
            product_description: pick(pr.product_description, base.product_description ?? null),
          };
  }
  if (p.responsibilities !== undefined) {
    const r = p.responsibilities;
    d.responsibilities = {
      fees_collector: (r?.fees_collector ?? null) as AccountDefaults['responsibilities']['fees_collector'],
      losses_collector: (r?.losses_collector ?? null) as AccountDefaults['responsibilities']['losses_collector'],
      requirements_collector: d.responsibilities.requirements_collector,
    };
  }
  return d;
}

/** Applied configurations follow each configuration's `applied` flag. */
export function appliedConfigurations(a: Pick<StoredAccount, 'configuration'>): ConfigurationName[] {
  return a.configuration.customer?.applied ? ['customer'] : [];
}

/** The top-level fields shared by create and update. */
export function applyAccountFields(a: StoredAccount, p: AccountInput, gen: Generated): StoredAccount {
  const next: StoredAccount = { ...a };
  if (p.contact_email !== undefined) next.contact_email = p.contact_email;
  if (p.contact_phone !== undefined) next.contact_phone = p.contact_phone;
  if (p.dashboard !== undefined && p.dashboard !== null) next.dashboard = p.dashboard;
  if (p.display_name !== undefined) next.display_name = p.display_name;
  if (p.metadata !== undefined) next.metadata = applyMetadata(a.metadata, p.metadata);
  next.identity = applyIdentity(a.identity, p.identity, gen);
  next.defaults = applyDefaults(a.defaults, p.defaults);
  const customer = p.configuration?.customer;
  if (customer !== undefined && customer !== null) {
    next.configuration = { ...a.configuration, customer: applyCustomerConfig(a.configuration.customer, customer, gen) };
  }
  next.applied_configurations = appliedConfigurations(next);
  return next;
}

export { appliedKey };

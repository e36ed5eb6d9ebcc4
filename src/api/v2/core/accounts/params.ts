import { errors } from '../../../../errors/catalogue.js';
import { CONFIGURATIONS, INCLUDABLE } from '../../../../domain/accounts/v2-account.js';
import { JsonField, jarr, jbool, jenum, jint, jmetadata, jobj, jstr, type JsonObjectOf } from '../../json-params.js';

// Request bodies of https://docs.stripe.com/api/v2/core/accounts. onfile models the customer
// configuration; identity and defaults accept the subset a customer-only account uses, and every
// other field is refused as unknown rather than silently dropped.

/** Merchant and recipient configurations need a Connect platform, which onfile does not emulate. */
const connectOnly = (name: string) =>
  new JsonField<undefined>((_v, path) => {
    throw errors.configurationNotSupported(name, path);
  });

const address = () =>
  jobj({
    city: jstr({ max: 200 }).nullable(),
    country: jstr({ pattern: /^[A-Za-z]{2}$/ }).nullable(),
    line1: jstr({ max: 200 }).nullable(),
    line2: jstr({ max: 200 }).nullable(),
    postal_code: jstr({ max: 200 }).nullable(),
    state: jstr({ max: 200 }).nullable(),
    town: jstr({ max: 200 }).nullable(),
  });

const email = () => jstr({ max: 800, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ });

const invoice = () =>
  jobj({
    custom_fields: jarr(jobj({ name: jstr({ max: 40 }).required(), value: jstr({ max: 140 }).required() }), { max: 4 }).nullable(),
    footer: jstr({ max: 5000 }).nullable(),
    next_sequence: jint({ min: 1, max: 1_000_000_000 }).nullable(),
    prefix: jstr({ pattern: /^[A-Z0-9]{3,12}$/ }).nullable(),
    rendering: jobj({
      amount_tax_display: jenum(['exclude_tax', 'include_inclusive_tax']).nullable(),
      template: jstr({ max: 255 }).nullable(),
    }).nullable(),
  });

const customerShared = () => ({
  automatic_indirect_tax: jobj({
    exempt: jenum(['exempt', 'none', 'reverse']).nullable(),
    ip_address: jstr({ max: 45 }).nullable(),
  }).nullable(),
  capabilities: jobj({ automatic_indirect_tax: jobj({ requested: jbool().required() }) }).nullable(),
  shipping: jobj({ address: address().nullable(), name: jstr({ max: 5000 }).nullable(), phone: jstr({ max: 5000 }).nullable() }).nullable(),
});

// `test_clock` only when the configuration is first set; `applied` and the default payment method only on update.
const customerCreate = () => ({ ...customerShared(), billing: jobj({ invoice: invoice().nullable() }).nullable(), test_clock: jstr({ max: 255 }) });
const customerUpdate = () => ({
  ...customerShared(),
  applied: jbool(),
  billing: jobj({ default_payment_method: jstr({ max: 255 }).nullable(), invoice: invoice().nullable() }).nullable(),
});

const identity = () =>
  jobj({
    country: jstr({ pattern: /^[A-Za-z]{2}$/ }).nullable(),
    entity_type: jenum(['company', 'government_entity', 'individual', 'non_profit']).nullable(),
    individual: jobj({
      address: address().nullable(),
      date_of_birth: jobj({ day: jint({ min: 1, max: 31 }).required(), month: jint({ min: 1, max: 12 }).required(), year: jint({ min: 1900, max: 2200 }).required() }).nullable(),
      email: email().nullable(),
      given_name: jstr({ max: 300 }).nullable(),
      legal_gender: jenum(['female', 'male']).nullable(),
      metadata: jmetadata().nullable(),
      nationalities: jarr(jstr({ pattern: /^[A-Za-z]{2}$/ })).nullable(),
      phone: jstr({ max: 50 }).nullable(),
      surname: jstr({ max: 300 }).nullable(),
    }).nullable(),
    business_details: jobj({
      address: address().nullable(),
      estimated_worker_count: jint({ min: 0 }).nullable(),
      phone: jstr({ max: 50 }).nullable(),
      registered_name: jstr({ max: 300 }).nullable(),
    }).nullable(),
  });

const defaults = () =>
  jobj({
    currency: jstr({ pattern: /^[A-Za-z]{3}$/ }).nullable(),
    locales: jarr(jstr({ max: 20 })).nullable(),
    profile: jobj({
      business_url: jstr({ max: 5000 }).nullable(),
      doing_business_as: jstr({ max: 5000 }).nullable(),
      product_description: jstr({ max: 5000 }).nullable(),
    }).nullable(),
    responsibilities: jobj({
      fees_collector: jenum(['application', 'application_custom', 'application_express', 'stripe']).required(),
      losses_collector: jenum(['application', 'stripe']).required(),
    }).nullable(),
  });

const include = () => jarr(jenum(INCLUDABLE));

const common = <C extends Parameters<typeof jobj>[0]>(customer: C) => ({
  account_token: jstr({ max: 5000 }),
  contact_email: email().nullable(),
  contact_phone: jstr({ max: 50 }).nullable(),
  dashboard: jenum(['express', 'full', 'none']),
  display_name: jstr({ max: 5000 }).nullable(),
  identity: identity().nullable(),
  defaults: defaults().nullable(),
  include: include(),
  metadata: jmetadata().nullable(),
  configuration: jobj({
    customer: jobj(customer),
    merchant: connectOnly('merchant'),
    recipient: connectOnly('recipient'),
  }),
});

export const createAccountParams = common(customerCreate());
export const updateAccountParams = common(customerUpdate());
export const retrieveAccountParams = { include: include() };
export const closeAccountParams = { applied_configurations: jarr(jenum(CONFIGURATIONS)) };
export const listAccountParams = {
  applied_configurations: jarr(jenum(CONFIGURATIONS)),
  closed: jbool(),
  limit: jint({ min: 1, max: 100 }),
  page: jstr({ max: 2000 }),
};

export type CreateAccount = JsonObjectOf<typeof createAccountParams>;
export type UpdateAccount = JsonObjectOf<typeof updateAccountParams>;
export type ListAccounts = JsonObjectOf<typeof listAccountParams>;

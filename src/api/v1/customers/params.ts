import { errors } from '../../../errors/catalogue.js';
import { addressShape, arr, expandParam, Field, int, listParams, metadata, obj, oneOf, str, type Infer } from '../../params.js';

/** Uppercase letters and digits (Stripe's wording, recorded at 2026-08-26.dahlia, says 1–12). */
const invoicePrefix = new Field<string | null | undefined>((v, path) => {
  const s = str().decodeValue(v, path) as string;
  if (!/^[A-Z0-9]{1,12}$/.test(s)) throw errors.invoicePrefixInvalid();
  return s;
}).emptyable();

const shipping = obj({
  address: obj(addressShape).required(),
  name: str({ max: 5000 }).required(),
  phone: str({ max: 5000 }).emptyable(),
}).emptyable();

const invoiceSettings = obj({
  custom_fields: arr(obj({ name: str({ max: 40 }).required(), value: str({ max: 140 }).required() })).emptyable(),
  default_payment_method: str({ max: 5000 }).emptyable(),
  footer: str({ max: 5000 }).emptyable(),
  rendering_options: obj({ amount_tax_display: oneOf(['exclude_tax', 'include_inclusive_tax']).emptyable(), template: str().emptyable() }).emptyable(),
});

const writable = {
  address: obj(addressShape).emptyable(),
  balance: int(),
  business_name: str({ max: 150 }).emptyable(),
  description: str({ max: 350 }).emptyable(),
  email: str({ max: 512 }).emptyable(),
  individual_name: str({ max: 150 }).emptyable(),
  invoice_prefix: invoicePrefix,
  invoice_settings: invoiceSettings,
  metadata: metadata(),
  name: str({ max: 256 }).emptyable(),
  next_invoice_sequence: int({ min: 1 }),
  phone: str({ max: 20 }).emptyable(),
  preferred_locales: arr(str()).emptyable(),
  shipping,
  tax_exempt: oneOf(['none', 'exempt', 'reverse'] as const).emptyable(),
  expand: expandParam(),
};

export const createCustomerParams = { ...writable, payment_method: str({ max: 5000 }) };
export const updateCustomerParams = { ...writable, default_source: str().emptyable() };
export const retrieveParams = { expand: expandParam() };
export const listCustomerParams = { ...listParams, email: str({ max: 512 }), test_clock: str() };
const pagination = { limit: listParams.limit, starting_after: listParams.starting_after, ending_before: listParams.ending_before, expand: listParams.expand };
export const listSourcesParams = { ...pagination, object: str({ max: 5000 }) };
export const listTaxIdsParams = pagination;

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type CreateCustomer = Obj<typeof createCustomerParams>;
export type UpdateCustomer = Obj<typeof updateCustomerParams>;
export type ListCustomers = Obj<typeof listCustomerParams>;

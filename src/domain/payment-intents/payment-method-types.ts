import { errors } from '../../errors/catalogue.js';
import { allowedPaymentMethodTypesAvailable, paymentMethodTypesWritable } from '../shared/api-versions.js';

/**
 * Which payment method types a PaymentIntent offers, from the three ways a request can say it
 * (flows.md §1.1, https://docs.stripe.com/payments/payment-methods/integration-options):
 * - `payment_method_types` (explicit; an incompatible type is an error) — writable only before
 *   2026-09-30.endive, where it answers `payment_method_types_no_longer_supported`;
 * - `allowed_payment_method_types` (2026-07-29.dahlia on) filters incompatible types silently;
 * - neither: dynamic payment methods (`automatic_payment_methods`), minus `excluded_…`.
 * The selection is kept on the intent so a later currency or usage change re-applies it.
 */
export interface TypeSelection {
  mode: 'explicit' | 'allowed' | 'automatic';
  requested: string[];
  excluded: string[] | null;
  allowRedirects: 'always' | 'never';
}

export interface TypeRequest {
  payment_method_types?: string[];
  allowed_payment_method_types?: string[];
  excluded_payment_method_types?: string[] | null;
  automatic_payment_methods?: { enabled?: boolean; allow_redirects?: 'always' | 'never' };
}

/** What the processors behind each type can do (their connectors answer; see connectors/connector.ts). */
export interface TypeCapabilities {
  supportsAccountCountry(country: string): boolean;
  supportsCurrency(country: string, currency: string): boolean;
  requiresRedirect: boolean;
  /** `setup_future_usage` values the type accepts (Amazon Pay: off_session only). */
  setupFutureUsages: readonly string[];
}

export interface TypeContext {
  apiVersion: string;
  /** Types onfile has a connector for, with what each can do. */
  capabilities: ReadonlyMap<string, TypeCapabilities>;
  country: string;
  currency: string;
  setupFutureUsage: 'off_session' | 'on_session' | null;
}

/**
 * `setup_future_usage` per type, from the type's options enum in the API reference
 * (`payment_method_options[amazon_pay][setup_future_usage]`: none | off_session). Types not listed
 * accept both.
 */
export const SETUP_FUTURE_USAGES: Readonly<Record<string, readonly string[]>> = { amazon_pay: ['off_session'] };

export interface ResolvedTypes {
  selection: TypeSelection;
  payment_method_types: string[];
  allowed_payment_method_types: string[] | null;
  excluded_payment_method_types: string[] | null;
  automatic_payment_methods: { enabled: boolean; allow_redirects?: 'always' | 'never' } | null;
}

/** Reads a request's type parameters into a selection (or keeps `current` when it names none). */
export function selectionFrom(req: TypeRequest, apiVersion: string, current?: TypeSelection): TypeSelection {
  const explicit = req.payment_method_types;
  const allowed = req.allowed_payment_method_types;
  if (explicit !== undefined && !paymentMethodTypesWritable(apiVersion)) throw errors.paymentMethodTypesNoLongerSupported();
  if (allowed !== undefined && !allowedPaymentMethodTypesAvailable(apiVersion)) throw errors.parameterUnknown('allowed_payment_method_types');
  if (explicit !== undefined && allowed !== undefined) throw errors.parametersExclusive('allowed_payment_method_types', 'payment_method_types');
  if (allowed !== undefined) {
    // "mutually exclusive with … excluded_payment_method_types, automatic_payment_methods"
    if (req.excluded_payment_method_types) throw errors.parametersExclusive('allowed_payment_method_types', 'excluded_payment_method_types');
    if (req.automatic_payment_methods) throw errors.parametersExclusive('allowed_payment_method_types', 'automatic_payment_methods');
    return { mode: 'allowed', requested: allowed, excluded: null, allowRedirects: 'always' };
  }
  if (explicit !== undefined) {
    if (req.automatic_payment_methods?.enabled) throw errors.parametersExclusive('automatic_payment_methods', 'payment_method_types');
    return { mode: 'explicit', requested: explicit, excluded: req.excluded_payment_method_types ?? null, allowRedirects: 'always' };
  }
  if (current && req.automatic_payment_methods === undefined) {
    return req.excluded_payment_method_types === undefined ? current : { ...current, excluded: req.excluded_payment_method_types };
  }
  if (req.automatic_payment_methods && req.automatic_payment_methods.enabled === false) {
    throw errors.invalidRequest('You must specify `payment_method_types` or `allowed_payment_method_types` when `automatic_payment_methods[enabled]` is false.', 'automatic_payment_methods[enabled]');
  }
  return { mode: 'automatic', requested: [], excluded: req.excluded_payment_method_types ?? null, allowRedirects: req.automatic_payment_methods?.allow_redirects ?? 'always' };
}

/** Why `type` cannot serve this intent (null: it can). */
function incompatibility(type: string, c: TypeContext): 'unsupported' | 'currency' | 'usage' | null {
  const cap = c.capabilities.get(type);
  if (!cap || !cap.supportsAccountCountry(c.country)) return 'unsupported';
  if (!cap.supportsCurrency(c.country, c.currency)) return 'currency';
  if (c.setupFutureUsage && !cap.setupFutureUsages.includes(c.setupFutureUsage)) return 'usage';
  return null;
}

export function resolveTypes(selection: TypeSelection, c: TypeContext): ResolvedTypes {
  let types: string[];
  if (selection.mode === 'explicit') {
    selection.requested.forEach((type, i) => {
      const problem = incompatibility(type, c);
      const param = `payment_method_types[${i}]`;
      if (problem === 'unsupported') throw errors.paymentMethodTypeInvalid(type, param);
      if (problem === 'currency') throw errors.currencyNotSupportedByPaymentMethod(c.currency, type);
      if (problem === 'usage') throw errors.setupFutureUsageNotSupported(type, c.setupFutureUsage!);
    });
    types = [...new Set(selection.requested)];
  } else {
    const candidates = selection.mode === 'allowed' ? selection.requested : [...c.capabilities.keys()];
    types = [...new Set(candidates)].filter((t) => incompatibility(t, c) === null);
    if (selection.mode === 'automatic' && selection.allowRedirects === 'never') types = types.filter((t) => !c.capabilities.get(t)!.requiresRedirect);
  }
  if (selection.excluded) types = types.filter((t) => !selection.excluded!.includes(t));
  if (!types.length) {
    throw errors.noCompatiblePaymentMethodTypes(selection.mode === 'allowed' ? 'allowed_payment_method_types' : selection.mode === 'explicit' ? 'payment_method_types' : 'currency');
  }
  return {
    selection,
    payment_method_types: types,
    allowed_payment_method_types: selection.mode === 'allowed' ? selection.requested : null,
    excluded_payment_method_types: selection.excluded,
    automatic_payment_methods: selection.mode === 'automatic' ? { allow_redirects: selection.allowRedirects, enabled: true } : null,
  };
}

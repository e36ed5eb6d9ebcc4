import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { allowedPaymentMethodTypesAvailable, paymentMethodTypesWritable } from '../../domain/shared/api-versions.js';
import { connectorFor, supportedPaymentMethodTypes } from '../../connectors/registry.js';
import type { CallContext } from '../context.js';

export interface TypeParams {
  allowed_payment_method_types?: string[];
  payment_method_types?: string[];
  excluded_payment_method_types?: string[] | null;
  automatic_payment_methods?: { enabled: boolean; allow_redirects?: 'always' | 'never' };
}

export type TypeFields = Pick<Stripe.SetupIntent, 'allowed_payment_method_types' | 'payment_method_types' | 'automatic_payment_methods' | 'excluded_payment_method_types'>;

/**
 * Which payment method types an intent offers, by API version (flows.md §1.1):
 * - `payment_method_types` is an explicit list before 2026-09-30.endive (an unusable type is an
 *   error) and refused with `payment_method_types_no_longer_supported` from then on;
 * - `allowed_payment_method_types` (from 2026-07-29.dahlia) filters silently;
 * - neither: dynamic payment methods, filtered by `excluded_payment_method_types`.
 * https://docs.stripe.com/changelog/dahlia/2026-07-29/allowed-payment-method-types-parameter
 * Returns undefined when the request names no type parameter (nothing to change on update).
 */
export function resolvePaymentMethodTypes(ctx: CallContext, p: TypeParams, creating: boolean): TypeFields | undefined {
  const v = ctx.apiVersion;
  if (p.payment_method_types !== undefined && !paymentMethodTypesWritable(v)) throw errors.paymentMethodTypesNoLongerSupported();
  if (p.allowed_payment_method_types !== undefined && !allowedPaymentMethodTypesAvailable(v)) throw errors.parameterUnknown('allowed_payment_method_types');
  const usable = (type: string) => supportedPaymentMethodTypes().includes(type) && connectorFor(ctx.deps, type).supportsAccountCountry(ctx.account.country);
  const redirects = (type: string) => connectorFor(ctx.deps, type).requiresRedirect;

  if (p.allowed_payment_method_types !== undefined) {
    for (const other of ['payment_method_types', 'excluded_payment_method_types', 'automatic_payment_methods'] as const) {
      if (p[other] !== undefined) throw errors.parametersExclusive('allowed_payment_method_types', other);
    }
    const types = [...new Set(p.allowed_payment_method_types.filter(usable))];
    if (!types.length) throw errors.noCompatiblePaymentMethodTypes('allowed_payment_method_types');
    return { allowed_payment_method_types: p.allowed_payment_method_types as Stripe.SetupIntent['allowed_payment_method_types'], payment_method_types: types, automatic_payment_methods: null, excluded_payment_method_types: null };
  }
  if (p.payment_method_types !== undefined) {
    if (p.automatic_payment_methods !== undefined) throw errors.parametersExclusive('payment_method_types', 'automatic_payment_methods');
    if (!p.payment_method_types.length) throw errors.parameterInvalidEmpty('payment_method_types');
    for (const type of p.payment_method_types) if (!usable(type)) throw errors.paymentMethodTypeInvalid(type, 'payment_method_types');
    return { allowed_payment_method_types: null, payment_method_types: [...new Set(p.payment_method_types)], automatic_payment_methods: null, excluded_payment_method_types: null };
  }
  if (!creating && p.excluded_payment_method_types === undefined) return undefined;
  // Dynamic payment methods: what the account offers (every supported type), minus exclusions.
  const apm = p.automatic_payment_methods ?? { enabled: true, allow_redirects: 'always' as const };
  const excluded = p.excluded_payment_method_types ?? [];
  const types = supportedPaymentMethodTypes().filter((t) => usable(t) && !excluded.includes(t) && !(apm.allow_redirects === 'never' && redirects(t)));
  if (!types.length) throw errors.noCompatiblePaymentMethodTypes(apm.allow_redirects === 'never' ? 'automatic_payment_methods[allow_redirects]' : 'excluded_payment_method_types');
  return {
    allowed_payment_method_types: null,
    payment_method_types: types,
    automatic_payment_methods: { allow_redirects: apm.allow_redirects ?? 'always', enabled: apm.enabled },
    excluded_payment_method_types: (p.excluded_payment_method_types ?? null) as Stripe.SetupIntent['excluded_payment_method_types'],
  };
}

/**
 * Stripe's API versions as dated releases (https://docs.stripe.com/upgrades). Behaviour that differs
 * between versions is decided by comparing dates, never by string matching at the call site.
 */
export const KNOWN_API_VERSIONS = [
  '2024-09-30.acacia', '2024-10-28.acacia', '2024-11-20.acacia', '2024-12-18.acacia',
  '2025-01-27.acacia', '2025-02-24.acacia',
  '2025-03-31.basil', '2025-04-30.basil', '2025-05-28.basil', '2025-06-30.basil', '2025-07-30.basil', '2025-08-27.basil',
  '2025-09-30.clover', '2025-10-29.clover', '2025-11-17.clover', '2025-12-15.clover', '2026-01-28.clover', '2026-02-25.clover',
  '2026-03-25.dahlia', '2026-04-22.dahlia', '2026-05-27.dahlia', '2026-06-24.dahlia', '2026-07-29.dahlia', '2026-08-26.dahlia',
  '2026-09-30.endive', '2026-10-28.endive',
  // Preview releases (v2 APIs such as Accounts v2 as customers).
  '2025-04-30.preview', '2025-09-30.preview', '2026-01-28.preview', '2026-05-27.preview', '2026-08-26.preview', '2026-10-28.preview',
] as const;

export const DEFAULT_ACCOUNT_API_VERSION = '2026-08-26.dahlia';
export const LATEST_API_VERSION = '2026-10-28.endive';

const known = new Set<string>(KNOWN_API_VERSIONS);

/** Legacy plain dates (`2024-06-20`) are still accepted by Stripe. */
export function isKnownApiVersion(v: string): boolean {
  return known.has(v) || /^20(1\d|2[0-4])-\d\d-\d\d$/.test(v);
}

export function versionDate(v: string): string {
  return v.slice(0, 10);
}

/** True when version `v` is at or after the release dated `date` (YYYY-MM-DD). */
export function versionAtLeast(v: string, date: string): boolean {
  return versionDate(v) >= date;
}

/**
 * `payment_method_types` stopped being writable on intents in 2026-09-30.endive (and the
 * 2026-08-26 preview); `allowed_payment_method_types` exists from 2026-07-29.dahlia.
 */
export function paymentMethodTypesWritable(v: string): boolean {
  if (v.endsWith('.preview')) return versionDate(v) < '2026-08-26';
  return versionDate(v) < '2026-09-30';
}

export function allowedPaymentMethodTypesAvailable(v: string): boolean {
  return versionDate(v) >= '2026-07-29';
}

/** Objects that carry `allowed_payment_method_types` from 2026-07-29.dahlia on. */
const INTENT_OBJECTS = new Set(['payment_intent', 'setup_intent']);

/**
 * An object as Stripe renders it at API version `v`: fields the version predates are left out. The
 * stored object is the newest shape; responses, events and webhook payloads render it per version.
 */
export function objectAtVersion<T>(object: T, v: string): T {
  if (allowedPaymentMethodTypesAvailable(v) || !object || typeof object !== 'object') return object;
  const o = object as { object?: unknown; allowed_payment_method_types?: unknown };
  if (!INTENT_OBJECTS.has(o.object as string) || !('allowed_payment_method_types' in o)) return object;
  const { allowed_payment_method_types: _newer, ...rest } = o;
  return rest as T;
}

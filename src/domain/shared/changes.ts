/**
 * `data.previous_attributes` of an `*.updated` event: the old values of the fields that changed. Inside
 * a hash that changed (metadata, invoice_settings, address) only the keys that changed are given,
 * with null for a key that did not exist before; an array that changed is given whole
 * (https://docs.stripe.com/changelog/2015-01-26/events-previous-attributes-render-differences and
 * https://docs.stripe.com/changelog/2017-05-25/events-previous-attributes-render-complete-sub-array).
 */
export function previousAttributes(before: object, after: object): Record<string, unknown> | null {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  let prev: Record<string, unknown> | null = null;
  for (const key in b) {
    const was = b[key];
    const now = a[key];
    if (sameJson(was, now)) continue;
    (prev ??= {})[key] = isHash(was) && isHash(now) ? previousAttributes(was, now) : was === undefined ? null : was;
  }
  for (const key in a) {
    if (!(key in b) && a[key] !== undefined) (prev ??= {})[key] = null;
  }
  return prev;
}

/**
 * `changes` of a v2 event (https://docs.stripe.com/changelog/clover/2025-11-17/thin-events-changes):
 * "before" holds the previous values of the fields that changed and "after" their new values; only
 * modified fields are included. Hashes are compared key by key as in `previousAttributes`, arrays
 * whole; a field that one side lacks is null there.
 */
export function fieldChanges(before: object, after: object): { before: Record<string, unknown>; after: Record<string, unknown> } {
  return { before: previousAttributes(before, after) ?? {}, after: previousAttributes(after, before) ?? {} };
}

function isHash(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether two JSON values are equal as the API shows them: a hash's key order does not matter, and
 * a key holding `undefined` is no key at all (JSON drops it).
 */
export function sameJson(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(y)) return false;
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  let defined = 0;
  for (const key in xo) {
    if (xo[key] === undefined) continue;
    defined++;
    if (!sameJson(xo[key], yo[key])) return false;
  }
  for (const key in yo) if (yo[key] !== undefined) defined--;
  return defined === 0;
}

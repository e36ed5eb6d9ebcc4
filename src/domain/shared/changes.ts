/**
 * `data.previous_attributes` of an `*.updated` event: the old values of the top-level fields that
 * changed (a changed nested hash is given whole).
 */
export function previousAttributes(before: object, after: object): Record<string, unknown> | null {
  const prev: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) prev[key] = b[key] === undefined ? null : b[key];
  }
  return Object.keys(prev).length ? prev : null;
}

import { errors } from '../../errors/catalogue.js';

export type Metadata = Record<string, string>;

/**
 * Applies a metadata parameter the way Stripe does: null clears everything, a null value deletes
 * one key, others are set; limits (50 keys, 40-char keys, 500-char values) hold on the result.
 */
export function applyMetadata(current: Metadata | null | undefined, patch: Record<string, string | null> | null | undefined): Metadata {
  const base: Metadata = { ...(current ?? {}) };
  if (patch === undefined) return base;
  if (patch === null) return {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.length > 40) throw errors.metadataKeyTooLong(k);
    if (/[[\]]/.test(k)) throw errors.metadataKeyBrackets(k);
    if (v === null) delete base[k];
    else {
      if (v.length > 500) throw errors.metadataValueTooLong(k);
      base[k] = v;
    }
  }
  if (Object.keys(base).length > 50) throw errors.metadataTooManyKeys();
  return base;
}

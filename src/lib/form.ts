import qs from 'qs';

// qs defaults silently corrupt Stripe bodies (arrays over 20 items become objects, depth over 5
// becomes a literal key, parameters past 1000 are dropped): these limits make it throw instead.
/**
 * `metadata[10]=x` names a metadata key "10", but qs reads a bracketed number as an array index (and
 * compacts it away). Such keys get a marker so they stay keys; the metadata decoder removes it.
 */
export const NUMERIC_KEY_MARK = '\u0000';
const NUMERIC_METADATA_KEY = /(metadata\]?)\[(\d+)\]/g;

const QS_OPTIONS: qs.IParseOptions = {
  depth: 20,
  strictDepth: true,
  arrayLimit: 1000,
  parameterLimit: 10000,
  throwOnLimitExceeded: true,
  plainObjects: true,
  allowPrototypes: false,
  decoder: (str, defaultDecoder, charset, type) => {
    const decoded = defaultDecoder(str, defaultDecoder, charset) as string;
    return type === 'key' ? decoded.replace(NUMERIC_METADATA_KEY, `$1[${NUMERIC_KEY_MARK}$2]`) : decoded;
  },
};

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** Decodes a Stripe form body or query string. Throws RangeError on limit violations. */
export function parseForm(body: string): FormObject {
  return qs.parse(body, QS_OPTIONS) as unknown as FormObject;
}

/** Encodes the way stripe-node does: indexed arrays, raw brackets. */
export function encodeForm(value: Record<string, unknown>): string {
  return qs.stringify(value, { arrayFormat: 'indices', encodeValuesOnly: true });
}

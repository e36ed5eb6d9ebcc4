import qs from 'qs';

// qs defaults silently corrupt Stripe bodies (arrays over 20 items become objects, depth over 5
// becomes a literal key, parameters past 1000 are dropped): these limits make it throw instead.
const QS_OPTIONS: qs.IParseOptions = {
  depth: 20,
  strictDepth: true,
  arrayLimit: 1000,
  parameterLimit: 10000,
  throwOnLimitExceeded: true,
  plainObjects: true,
  allowPrototypes: false,
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

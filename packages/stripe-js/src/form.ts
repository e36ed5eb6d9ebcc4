import { IntegrationError } from './errors.js';

// Stripe's v1 wire encoding (wire.md §2): nested objects as `a[b][c]=v`, arrays with explicit
// indices `a[0]=x` (what stripe-node and Stripe.js send), booleans/numbers as text.

export type FormValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly FormValue[]
  | { readonly [key: string]: FormValue };

// Brackets stay readable on the wire, as stripe-node sends them; the server's qs parser accepts
// both raw and percent-encoded brackets.
function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

function isPlainObject(value: unknown): value is { readonly [key: string]: FormValue } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function flatten(prefix: string, value: FormValue, out: Array<[string, string]>): void {
  // undefined = "not given"; null = "unset", which Stripe spells as the empty string.
  if (value === undefined) return;
  if (value === null) {
    out.push([prefix, '']);
  } else if (Array.isArray(value)) {
    value.forEach((item: FormValue, index: number) => flatten(`${prefix}[${index}]`, item, out));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) flatten(`${prefix}[${key}]`, item, out);
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push([prefix, String(value)]);
  } else {
    // Functions, symbols, class instances: never meaningful on the wire. Thrown while the
    // request is built, i.e. synchronously from the public method (an integration mistake).
    throw new IntegrationError(`Invalid value for parameter ${prefix}: cannot be sent to the API.`);
  }
}

/** Flatten params into ordered `[bracketed key, string value]` pairs. */
export function flattenParams(params: { readonly [key: string]: FormValue }): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params)) flatten(key, value, out);
  return out;
}

/** Encode params as an `application/x-www-form-urlencoded` string (also used for GET queries). */
export function encodeForm(params: { readonly [key: string]: FormValue }): string {
  return flattenParams(params)
    .map(([key, value]) => `${encodeKey(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

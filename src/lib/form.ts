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

const NUL_REFUSED = 'parameters may not contain the NUL character (%00)';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/**
 * Decodes a Stripe form body or query string. Throws RangeError on limit violations, and on a NUL
 * character: PostgreSQL's text cannot hold one (it would fail the request with a 500 there), and
 * onfile marks numeric metadata keys with it.
 */
export function parseForm(body: string): FormObject {
  if (body.includes('%00') || body.includes('\0')) throw new RangeError(NUL_REFUSED);
  return (SIMPLE_FORM.test(body) && parseSimpleForm(body)) || parseFormWithQs(body);
}

/** The general decoder (brackets, escapes, repeated names); parseForm's short cut must agree with it. */
export function parseFormWithQs(body: string): FormObject {
  return qs.parse(body, QS_OPTIONS) as unknown as FormObject;
}

/**
 * What the short cut below decodes: `name=value` pairs whose names are plain or one level of
 * `name[key]` (how stripe-node sends metadata and other hashes), values with `%` escapes or `+`.
 */
const SIMPLE_FORM = /^[\w.~\-=&*,:@/%+[\]]*$/;
const SIMPLE_NAME = /^([\w.~-]+)(?:\[([\w.~-]*[A-Za-z_.~-][\w.~-]*)\])?$/;

/**
 * `limit=10&starting_after=cus_x`, `email=a%40b.c&metadata[order_id]=6735`: the shapes of most
 * query strings and bodies, decoded without qs's general machinery, which cost more than the rest of
 * reading a request's parameters. Anything else (arrays, numeric or deeper keys, escaped brackets,
 * an empty pair, a repeated name, `__proto__`, very many pairs) is left to qs.
 */
function parseSimpleForm(body: string): FormObject | undefined {
  if (body === '') return Object.create(null) as FormObject;
  const pairs = body.split('&');
  if (pairs.length > (QS_OPTIONS.parameterLimit ?? 0)) return undefined;
  // Decoded into plain objects first: V8 sets a key cut out of the body on a null-prototype object
  // (a dictionary) about ten times slower than on a plain one, which made this most of a small
  // body's decoding. `__proto__`, the one name a plain object treats specially, goes to qs.
  const out: Record<string, string | Record<string, string>> = {};
  for (const pair of pairs) {
    // As qs splits a pair: at its first `]=` if it has one (`a=b]=c` names `a=b]`), else its first `=`.
    const bracketEq = pair.indexOf(']=');
    const eq = bracketEq === -1 ? pair.indexOf('=') : bracketEq + 1;
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const m = SIMPLE_NAME.exec(rawName);
    if (!m) return undefined;
    const [, name, key] = m;
    if (name === '__proto__' || key === '__proto__') return undefined;
    const value = eq === -1 ? '' : decodeValue(pair.slice(eq + 1));
    const existing = Object.hasOwn(out, name) ? out[name] : undefined;
    if (key === undefined) {
      if (existing !== undefined) return undefined;
      out[name] = value;
      continue;
    }
    let hash = existing;
    if (hash === undefined) out[name] = hash = {};
    else if (typeof hash !== 'object' || Object.hasOwn(hash, key)) return undefined;
    hash[key] = value;
  }
  // What qs returns (plainObjects): objects without a prototype, so that no parameter name can reach
  // Object.prototype. Their keys are the plain objects' own, already interned: copying is cheap.
  const result = Object.create(null) as FormObject;
  for (const name of Object.keys(out)) {
    const v = out[name];
    result[name] = typeof v === 'string' ? v : Object.assign(Object.create(null) as FormObject, v);
  }
  return result;
}

/** qs's utf-8 value decoding: `+` is a space, `%XX` escapes; a malformed escape stays as it is. */
function decodeValue(v: string): string {
  if (!v.includes('%') && !v.includes('+')) return v;
  const spaced = v.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Encodes the way stripe-node does: indexed arrays, raw brackets. */
export function encodeForm(value: Record<string, unknown>): string {
  return qs.stringify(value, { arrayFormat: 'indices', encodeValuesOnly: true });
}

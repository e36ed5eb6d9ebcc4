import { errors } from '../errors/catalogue.js';
import { NUMERIC_KEY_MARK, type FormValue } from '../lib/form.js';

/**
 * Stripe's form-parameter rules as small composable decoders: every value arrives as a string,
 * nested hashes and arrays come from bracket notation, an empty string means "unset" where the
 * field allows it, and any error names the parameter the way Stripe spells it (`a[b][0]`).
 */
type Decode<T> = (v: FormValue, path: string) => T;

export class Field<T> {
  constructor(
    readonly decodeValue: Decode<unknown>,
    readonly isRequired = false,
    readonly isEmptyable = false,
  ) {}

  /** Missing → `parameter_missing`. */
  required(): Field<Exclude<T, undefined>> {
    return new Field(this.decodeValue, true, this.isEmptyable);
  }

  /** An empty string decodes to null (Stripe's "unset"); without this it is `parameter_invalid_empty`. */
  emptyable(): Field<T | null> {
    return new Field(this.decodeValue, this.isRequired, true);
  }

  parse(v: FormValue | undefined, path: string): T {
    if (v === undefined) {
      if (this.isRequired) throw errors.parameterMissing(path);
      return undefined as T;
    }
    if (v === '') {
      if (this.isEmptyable) return null as T;
      throw errors.parameterInvalidEmpty(path);
    }
    return this.decodeValue(v, path) as T;
  }
}

export type Infer<F> = F extends Field<infer T> ? T : never;
type Shape = Record<string, Field<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

/**
 * A hash or an array where a string goes: Stripe answers with the value as it decoded it, an array
 * sent as the SDKs send one (`name[0]=a`) being a hash of indexes (recorded at 2026-08-26.dahlia:
 * `Invalid string: {"0":"wrong","1":"type","2":"array"}`; its code and param were not recorded).
 */
function expectString(v: FormValue, path: string): string {
  if (typeof v !== 'string') throw errors.invalidRequest(`Invalid string: ${JSON.stringify(asStripeDecodes(v))}`, path);
  return v;
}

function asStripeDecodes(v: FormValue): unknown {
  if (typeof v === 'string') return v;
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return Object.fromEntries(entries.map(([k, x]) => [k, asStripeDecodes(x)]));
}

export function str(opts: { max?: number } = {}): Field<string | undefined> {
  return new Field((v, path) => {
    const s = expectString(v, path);
    if (opts.max !== undefined && s.length > opts.max) throw errors.stringTooLong(path, opts.max);
    return s;
  });
}

export function oneOf<const E extends string>(values: readonly E[]): Field<E | undefined> {
  return new Field((v, path) => {
    const s = expectString(v, path);
    if (!values.includes(s as E)) throw errors.invalidEnum(path, values);
    return s as E;
  });
}

export function int(opts: { min?: number; max?: number } = {}): Field<number | undefined> {
  return new Field((v, path) => {
    if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw errors.parameterInvalidInteger(path, typeof v === 'string' ? v : JSON.stringify(v));
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw errors.parameterInvalidInteger(path, v);
    if (opts.min !== undefined && n < opts.min) throw errors.integerOutOfRange(path, `greater than or equal to ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw errors.integerOutOfRange(path, `less than or equal to ${opts.max}`);
    return n;
  });
}

/**
 * v1 form booleans. Stripe's v1 API also accepts `True`/`False`, which older SDKs send from their
 * language's own booleans (python3-stripe 5 encodes `confirm=True` as `True`); only v2 insists on
 * lower case (stripe-python #1499, stripe-dotnet #3104). v2 bodies use `jbool` instead.
 */
export function bool(): Field<boolean | undefined> {
  return new Field((v, path) => {
    if (v === 'true' || v === 'True') return true;
    if (v === 'false' || v === 'False') return false;
    throw errors.parameterInvalidBoolean(path, typeof v === 'string' ? v : JSON.stringify(v));
  });
}

export function obj<S extends Shape>(shape: S, opts: { ignore?: readonly string[] } = {}): Field<ObjectOf<S> | undefined> {
  return new Field((v, path) => decodeObject(shape, v, path, opts.ignore));
}

export function arr<T>(item: Field<T>): Field<Exclude<T, undefined>[] | undefined> {
  return new Field((v, path) => {
    if (!Array.isArray(v)) throw errors.invalidArray(path);
    return v.map((x, i) => {
      const out = item.parse(x, `${path}[${i}]`);
      if (out === undefined || out === null) throw errors.parameterInvalidEmpty(`${path}[${i}]`);
      return out as Exclude<T, undefined>;
    });
  });
}

/** `metadata`: string → string; a key sent empty is null (delete it); the whole hash sent empty clears it. */
export function metadata(): Field<Record<string, string | null> | null | undefined> {
  return new Field<Record<string, string | null> | undefined>((v, path) => {
    if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalidHash(path);
    const out: Record<string, string | null> = {};
    for (const [marked, val] of Object.entries(v)) {
      const k = marked.startsWith(NUMERIC_KEY_MARK) ? marked.slice(NUMERIC_KEY_MARK.length) : marked;
      if (typeof val !== 'string') throw errors.invalidString(`${path}[${k}]`, 'metadata values must be strings');
      out[k] = val === '' ? null : val;
    }
    return out;
  }).emptyable();
}

/** Range filter: `created=123` or `created[gte]=…`. */
export function range(): Field<{ gt?: number; gte?: number; lt?: number; lte?: number } | undefined> {
  const n = int();
  return new Field((v, path) => {
    if (typeof v === 'string') {
      const exact = n.parse(v, path)!;
      return { gte: exact, lte: exact };
    }
    return decodeObject({ gt: n, gte: n, lt: n, lte: n }, v, path);
  });
}

/** `expand[]`: also accepts a single `expand=x`. */
export function expandParam(): Field<string[] | undefined> {
  return new Field((v, path) => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) throw errors.invalidArray(path);
    return list.map((x, i) => expectString(x, `${path}[${i}]`));
  });
}

export function decodeObject<S extends Shape>(shape: S, v: FormValue, path: string, ignore?: readonly string[]): ObjectOf<S> {
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalidHash(path);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    // Own keys only: `constructor` or `toString` are not parameters because an object literal has them.
    if (!Object.hasOwn(shape, key) && !ignore?.includes(key)) throw unknownParameters(shape, v, path, ignore);
  }
  for (const [key, field] of Object.entries(shape)) {
    const value = field.parse((v as Record<string, FormValue>)[key], path ? `${path}[${key}]` : key);
    if (value !== undefined) out[key] = value;
  }
  return out as ObjectOf<S>;
}

/** Every unknown key at this level, named together (the first is the param). */
function unknownParameters(shape: Shape, v: Record<string, FormValue>, path: string, ignore?: readonly string[]) {
  const [first, ...more] = Object.keys(v)
    .filter((key) => !Object.hasOwn(shape, key) && !ignore?.includes(key))
    .map((key) => (path ? `${path}[${key}]` : key));
  return errors.parameterUnknown(first, ...more);
}

/**
 * A documented parameter onfile does not emulate (Connect, Radar, …): refused with a clear error
 * naming it, instead of `parameter_unknown`.
 */
export function notSupported(why: string): Field<never> {
  return new Field<never>((_v, path) => {
    throw errors.parameterNotSupported(path, why);
  });
}

/** Parameters any v1 endpoint accepts besides its own (transport-level ones are stripped earlier). */
export const commonParams = { expand: expandParam() };

/** Decodes a whole request's parameters against an endpoint's shape. */
export function decodeParams<S extends Shape>(shape: S, params: Record<string, FormValue>, opts: { ignore?: readonly string[] } = {}): ObjectOf<S> {
  return decodeObject(shape, params, '', opts.ignore);
}

export const addressShape = {
  city: str({ max: 200 }).emptyable(),
  country: str({ max: 2 }).emptyable(),
  line1: str({ max: 200 }).emptyable(),
  line2: str({ max: 200 }).emptyable(),
  postal_code: str({ max: 200 }).emptyable(),
  state: str({ max: 200 }).emptyable(),
};

const anInteger = int();

export const listParams = {
  // "Limit can range between 1 and 100" (API reference); outside it Stripe answers the nearest
  // (recorded at 2026-08-26.dahlia: 0 and -1 a page of one, 101 and 200 a page of 100), no error.
  limit: new Field<number | undefined>((v, path) => Math.min(100, Math.max(1, anInteger.decodeValue(v, path) as number))),
  starting_after: str(),
  ending_before: str(),
  created: range(),
  expand: expandParam(),
};

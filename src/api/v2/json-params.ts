import { errors } from '../../errors/catalogue.js';

/**
 * Decoders for API v2 JSON bodies (https://docs.stripe.com/api-v2-overview): values arrive typed
 * (strings, numbers, booleans, arrays, objects), unknown fields are rejected, and `null` means
 * "unset" where a field allows it. GET parameters of v2 endpoints still arrive as a query string,
 * so the scalar decoders also accept the string spelling of numbers and booleans there.
 * Errors name fields with dotted paths (`configuration.customer.shipping.name`, `include[0]`).
 */
type Decode<T> = (v: unknown, path: string) => T;

export class JsonField<T> {
  constructor(
    readonly decodeValue: Decode<unknown>,
    readonly isRequired = false,
    readonly isNullable = false,
  ) {}

  required(): JsonField<Exclude<T, undefined>> {
    return new JsonField(this.decodeValue, true, this.isNullable);
  }

  /** `null` decodes to null (unset); without this it is an error. */
  nullable(): JsonField<T | null> {
    return new JsonField(this.decodeValue, this.isRequired, true);
  }

  parse(v: unknown, path: string): T {
    if (v === undefined) {
      if (this.isRequired) throw errors.parameterMissing(path);
      return undefined as T;
    }
    if (v === null) {
      if (this.isNullable) return null as T;
      throw errors.parameterInvalidNull(path);
    }
    return this.decodeValue(v, path) as T;
  }
}

export type JsonInfer<F> = F extends JsonField<infer T> ? T : never;
export type JsonShape = Record<string, JsonField<unknown>>;
export type JsonObjectOf<S extends JsonShape> = { [K in keyof S]: JsonInfer<S[K]> };

export function jstr(opts: { max?: number; pattern?: RegExp; lowercase?: boolean } = {}): JsonField<string | undefined> {
  return new JsonField((v, path) => {
    if (typeof v !== 'string') throw errors.invalidString(path, 'expected a string');
    if (opts.max !== undefined && v.length > opts.max) throw errors.stringTooLong(path, opts.max);
    if (opts.pattern && !opts.pattern.test(v)) throw errors.invalidString(path, `${JSON.stringify(v)} is not a valid value`);
    return opts.lowercase ? v.toLowerCase() : v;
  });
}

export function jenum<const E extends string>(values: readonly E[]): JsonField<E | undefined> {
  return new JsonField((v, path) => {
    if (typeof v !== 'string' || !values.includes(v as E)) throw errors.invalidEnum(path, values);
    return v as E;
  });
}

export function jint(opts: { min?: number; max?: number } = {}): JsonField<number | undefined> {
  return new JsonField((v, path) => {
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw errors.parameterInvalidInteger(path, typeof v === 'string' ? v : JSON.stringify(v));
    if (opts.min !== undefined && n < opts.min) throw errors.invalidRequest(`Invalid ${path}: must be greater than or equal to ${opts.min}`, path);
    if (opts.max !== undefined && n > opts.max) throw errors.invalidRequest(`Invalid ${path}: must be less than or equal to ${opts.max}`, path);
    return n;
  });
}

export function jbool(): JsonField<boolean | undefined> {
  return new JsonField((v, path) => {
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw errors.parameterInvalidBoolean(path, typeof v === 'string' ? v : JSON.stringify(v));
  });
}

export function jobj<S extends JsonShape>(shape: S): JsonField<JsonObjectOf<S> | undefined> {
  return new JsonField((v, path) => decodeJsonObject(shape, v, path));
}

/** Arrays; a single string is accepted as a one-item list (`include=identity` in a query string). */
export function jarr<T>(item: JsonField<T>, opts: { max?: number } = {}): JsonField<Exclude<T, undefined | null>[] | undefined> {
  return new JsonField((v, path) => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) throw errors.invalidArray(path);
    if (opts.max !== undefined && list.length > opts.max) throw errors.invalidRequest(`Invalid ${path}: must have at most ${opts.max} items`, path);
    return list.map((x, i) => {
      const out = item.parse(x, `${path}[${i}]`);
      if (out === undefined || out === null) throw errors.parameterInvalidNull(`${path}[${i}]`);
      return out as Exclude<T, undefined | null>;
    });
  });
}

/** `metadata`: string values; a key set to null deletes it (https://docs.stripe.com/metadata). */
export function jmetadata(): JsonField<Record<string, string | null> | undefined> {
  return new JsonField((v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw errors.invalidHash(path);
    const out: Record<string, string | null> = {};
    for (const [k, val] of Object.entries(v)) {
      if (val !== null && typeof val !== 'string') throw errors.invalidString(`${path}.${k}`, 'metadata values must be strings');
      out[k] = val;
    }
    return out;
  });
}

export function decodeJsonObject<S extends JsonShape>(shape: S, v: unknown, path: string): JsonObjectOf<S> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw errors.invalidHash(path || 'body');
  const input = v as Record<string, unknown>;
  const at = (key: string) => (path ? `${path}.${key}` : key);
  for (const key of Object.keys(input)) {
    if (!Object.prototype.hasOwnProperty.call(shape, key)) throw errors.parameterUnknown(at(key));
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const value = field.parse(input[key], at(key));
    if (value !== undefined) out[key] = value;
  }
  return out as JsonObjectOf<S>;
}

/** Decodes a whole v2 request (JSON body, or query parameters for GET) against an endpoint's shape. */
export function decodeJson<S extends JsonShape>(shape: S, body: unknown): JsonObjectOf<S> {
  return decodeJsonObject(shape, body ?? {}, '');
}

/**
 * Stripe's search query language (https://docs.stripe.com/search#search-query-language): clauses
 * of a field, an operator and a value, such as `email:"amy@rocketrides.io"`, `name~"jen"`,
 * `amount>1000`, `metadata["order"]:"6735"`, `-currency:"usd"` or `url:null`. Clauses are joined by
 * spaces or `AND`, or by `OR` (case insensitive, never both in one query), at most 10 of them.
 * Exact matches (`:`) on strings ignore case; `~` finds a substring of at least 3 characters on the
 * fields that allow it; `>`, `<`, `>=`, `<=` compare numbers.
 *
 * Parsing and matching are pure: the search service scans stored objects and keeps those that match.
 */

export type FieldKind = 'string' | 'number' | 'boolean';

export interface SearchField {
  kind: FieldKind;
  /** `~` allowed (Stripe's "substring matching" fields) */
  substring?: boolean;
  /** where the value lives in the object, when not at the field's own (dotted) name */
  path?: string;
}

/** The query fields of one resource, by name; `metadata` is always allowed. */
export type SearchFields = Record<string, SearchField>;

export type Operator = ':' | '~' | '>' | '<' | '>=' | '<=';
export type Value = string | number | boolean | null;

export interface Clause {
  field: string;
  /** `metadata["key"]` */
  metadataKey?: string;
  op: Operator;
  value: Value;
  negated: boolean;
}

export interface SearchQuery {
  join: 'and' | 'or';
  clauses: Clause[];
}

/** Why a query is refused; the service turns it into Stripe's 400 on `query`. */
export class SearchQueryError extends Error {}

const MAX_CLAUSES = 10;
const MIN_SUBSTRING = 3;

export function parseSearchQuery(text: string, fields: SearchFields): SearchQuery {
  const p = new Parser(text);
  const clauses: Clause[] = [];
  let join: 'and' | 'or' | undefined;
  p.skipSpace();
  if (p.done()) throw new SearchQueryError('The query is empty.');
  for (;;) {
    clauses.push(checkClause(p.clause(), fields));
    if (clauses.length > MAX_CLAUSES) throw new SearchQueryError(`A query may combine at most ${MAX_CLAUSES} clauses.`);
    const spaced = p.skipSpace();
    if (p.done()) break;
    if (!spaced) throw new SearchQueryError(`Unexpected ${JSON.stringify(p.rest())}: separate clauses with a space, AND or OR.`);
    const word = p.keyword();
    if (word) {
      if (join && join !== word) throw new SearchQueryError('AND and OR cannot be used together in one query.');
      join = word;
      if (!p.skipSpace() || p.done()) throw new SearchQueryError(`Expected a clause after ${word.toUpperCase()}.`);
    } else {
      // Clauses separated by a space alone are joined with AND.
      if (join === 'or') throw new SearchQueryError('AND and OR cannot be used together in one query.');
      join = 'and';
    }
  }
  return { join: join ?? 'and', clauses };
}

function checkClause(c: Clause, fields: SearchFields): Clause {
  if (c.metadataKey !== undefined) {
    if (c.op !== ':') throw new SearchQueryError(`metadata supports only exact matches (:), not ${c.op}.`);
    if (typeof c.value === 'number') return { ...c, value: String(c.value) };
    if (typeof c.value === 'boolean') throw new SearchQueryError('metadata values are strings: quote them.');
    return c;
  }
  const f = fields[c.field];
  if (!f) throw new SearchQueryError(`Field \`${c.field}\` is not a supported search field. Supported: ${[...Object.keys(fields), 'metadata'].sort().join(', ')}.`);
  if (c.value === null) {
    if (c.op !== ':') throw new SearchQueryError(`null can only be matched exactly (${c.field}:null).`);
    return c;
  }
  switch (c.op) {
    case '~':
      if (!f.substring) throw new SearchQueryError(`Field \`${c.field}\` does not support substring matching (~).`);
      if (typeof c.value !== 'string') throw new SearchQueryError(`Substring matching (~) on \`${c.field}\` needs a quoted string.`);
      if ([...c.value].length < MIN_SUBSTRING) throw new SearchQueryError(`Substring matching (~) needs at least ${MIN_SUBSTRING} characters.`);
      return c;
    case ':':
      if (f.kind === 'number') {
        const n = typeof c.value === 'string' && /^-?\d+(\.\d+)?$/.test(c.value) ? Number(c.value) : c.value;
        if (typeof n !== 'number') throw new SearchQueryError(`Field \`${c.field}\` is numeric: compare it with a number.`);
        return { ...c, value: n };
      }
      if (f.kind === 'boolean') {
        const b = c.value === 'true' || c.value === true ? true : c.value === 'false' || c.value === false ? false : undefined;
        if (b === undefined) throw new SearchQueryError(`Field \`${c.field}\` is true or false.`);
        return { ...c, value: b };
      }
      if (typeof c.value !== 'string') throw new SearchQueryError(`Field \`${c.field}\` is a string: quote the value.`);
      return c;
    default:
      if (f.kind !== 'number') throw new SearchQueryError(`Field \`${c.field}\` does not support the ${c.op} operator (numeric fields only).`);
      if (typeof c.value !== 'number') throw new SearchQueryError(`The ${c.op} operator on \`${c.field}\` needs a number.`);
      return c;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  rest(): string {
    return this.s.slice(this.i, this.i + 20);
  }

  skipSpace(): boolean {
    const start = this.i;
    while (!this.done() && /\s/.test(this.s[this.i])) this.i++;
    return this.i > start;
  }

  /** `AND` / `OR` followed by a space; otherwise nothing is consumed. */
  keyword(): 'and' | 'or' | undefined {
    const m = /^(and|or)(?=\s|$)/i.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[1].length;
    return m[1].toLowerCase() as 'and' | 'or';
  }

  clause(): Clause {
    const negated = this.s[this.i] === '-';
    if (negated) this.i++;
    const field = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*/i.exec(this.s.slice(this.i))?.[0];
    if (!field) throw new SearchQueryError(`Expected a field name at ${JSON.stringify(this.rest())}.`);
    this.i += field.length;
    let metadataKey: string | undefined;
    if (this.s[this.i] === '[') {
      if (field !== 'metadata') throw new SearchQueryError(`Only metadata takes a key in brackets, not \`${field}\`.`);
      this.i++;
      metadataKey = this.quoted();
      if (this.s[this.i] !== ']') throw new SearchQueryError('Expected ] after the metadata key.');
      this.i++;
    } else if (field === 'metadata') {
      throw new SearchQueryError('Search metadata by key: metadata["key"]:"value".');
    }
    const op = /^(>=|<=|:|~|>|<)/.exec(this.s.slice(this.i))?.[0] as Operator | undefined;
    if (!op) throw new SearchQueryError(`Expected an operator (:, ~, >, <, >=, <=) after \`${field}\`.`);
    this.i += op.length;
    return { field, metadataKey, op, value: this.value(), negated };
  }

  private value(): Value {
    const c = this.s[this.i];
    if (c === '"' || c === "'") return this.quoted();
    const bare = /^[^\s]+/.exec(this.s.slice(this.i))?.[0];
    if (!bare) throw new SearchQueryError('Expected a value.');
    this.i += bare.length;
    if (bare === 'null') return null;
    if (bare === 'true' || bare === 'false') return bare === 'true';
    if (/^-?\d+(\.\d+)?$/.test(bare)) return Number(bare);
    throw new SearchQueryError(`String values must be quoted: ${JSON.stringify(bare)}.`);
  }

  /** A string in double or single quotes; a backslash escapes the next character. */
  private quoted(): string {
    const q = this.s[this.i];
    if (q !== '"' && q !== "'") throw new SearchQueryError('Expected a quoted string.');
    let out = '';
    for (this.i++; !this.done(); this.i++) {
      const c = this.s[this.i];
      if (c === '\\' && this.i + 1 < this.s.length) out += this.s[++this.i];
      else if (c === q) {
        this.i++;
        return out;
      } else out += c;
    }
    throw new SearchQueryError('A quoted string is not closed.');
  }
}

/** Whether a stored object (its wire form) matches the query. */
export function matchesSearch(obj: Record<string, unknown>, q: SearchQuery, fields: SearchFields): boolean {
  const test = (c: Clause) => matchesClause(obj, c, fields) !== c.negated;
  return q.join === 'and' ? q.clauses.every(test) : q.clauses.some(test);
}

function matchesClause(obj: Record<string, unknown>, c: Clause, fields: SearchFields): boolean {
  const actual =
    c.metadataKey !== undefined ? (obj.metadata as Record<string, unknown> | undefined)?.[c.metadataKey] : valueAt(obj, fields[c.field].path ?? c.field);
  if (c.value === null) return actual === null || actual === undefined || actual === '';
  if (actual === null || actual === undefined) return false;
  switch (c.op) {
    case ':':
      if (typeof c.value === 'string') return String(actual).toLowerCase() === c.value.toLowerCase();
      return actual === c.value;
    case '~':
      return String(actual).toLowerCase().includes(String(c.value).toLowerCase());
    case '>':
      return typeof actual === 'number' && actual > (c.value as number);
    case '<':
      return typeof actual === 'number' && actual < (c.value as number);
    case '>=':
      return typeof actual === 'number' && actual >= (c.value as number);
    case '<=':
      return typeof actual === 'number' && actual <= (c.value as number);
  }
}

function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  // An expanded object stands for its id.
  if (cur !== null && typeof cur === 'object' && typeof (cur as { id?: unknown }).id === 'string') return (cur as { id: string }).id;
  return cur;
}

import { errors } from '../errors/catalogue.js';
import { sha256Hex } from '../lib/crypto.js';
import { listObjects } from '../storage/repos/objects.js';
import { matchesSearch, parseSearchQuery, SearchQueryError, type SearchFields, type SearchQuery } from '../domain/search/query.js';
import type { CallContext } from '../services/context.js';
import { checkExpandPaths, renderList } from './render.js';
import { expandParam, listParams, str } from './params.js';

/** Parameters of every search endpoint (https://docs.stripe.com/api/customers/search). */
export const searchParams = { query: str({ max: 10_000 }), limit: listParams.limit, page: str({ max: 5_000 }), expand: expandParam() };

/** A resource with a search endpoint (https://docs.stripe.com/search#query-fields). */
export interface Searchable {
  object: string;
  url: string;
  fields: SearchFields;
  /** The wire form of an item for this request (e.g. per API version), when it is not the stored one. */
  present?: (ctx: CallContext, item: object) => object;
}

export interface SearchArgs {
  query?: string;
  limit?: number;
  page?: string;
  expand?: string[];
}

/** https://docs.stripe.com/api/pagination/search */
export interface SearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
  total_count?: number;
}

/** Objects read per step of the scan. */
const BATCH = 200;

/**
 * Newest first, as Stripe's search answers. onfile has no search index: it walks the account's
 * objects of the type, newest first, and keeps those the query matches, so a search costs time in
 * proportion to the objects it reads past (a list with filters does not), and what was just written
 * is found at once (Stripe's search may take a minute to see it). `page` is the place the previous
 * page stopped, and it names its query: with another query it is refused, not read as a place in it.
 */
export async function search<T extends object>(ctx: CallContext, s: Searchable, args: SearchArgs): Promise<SearchResult<T>> {
  if (args.query === undefined) throw errors.parameterMissing('query');
  const wantsTotal = args.expand?.includes('total_count') ?? false;
  const itemExpand = args.expand?.filter((p) => p !== 'total_count');
  checkExpandPaths(s.object, itemExpand, true);
  let query: SearchQuery;
  try {
    query = parseSearchQuery(args.query, s.fields);
  } catch (err) {
    if (err instanceof SearchQueryError) throw errors.invalidRequest(`Invalid search query: ${err.message}`, 'query');
    throw err;
  }
  const limit = args.limit ?? 10;
  const after = args.page === undefined ? undefined : decodePage(args.page, args.query);
  const found: { seq: number; data: T }[] = [];
  await scan<T>(ctx, s, query, after, (seq, data) => {
    found.push({ seq, data });
    return found.length <= limit;
  });
  let total: number | undefined;
  if (wantsTotal) {
    total = 0;
    await scan<T>(ctx, s, query, undefined, () => {
      total!++;
      return true;
    });
  }
  const page = found.slice(0, limit);
  const hasMore = found.length > limit;
  const list = await renderList(ctx, s.object, s.url, page.map((f) => f.data), hasMore, itemExpand);
  const result: SearchResult<T> = {
    object: 'search_result',
    data: s.present ? list.data.map((d) => s.present!(ctx, d) as T) : list.data,
    has_more: hasMore,
    next_page: hasMore ? encodePage(page[page.length - 1].seq, args.query) : null,
    url: s.url,
  };
  if (total !== undefined) result.total_count = total;
  return result;
}

/** Walks the matches newest first, from after `afterSeq`, until `take` answers false. */
async function scan<T>(ctx: CallContext, s: Searchable, query: SearchQuery, afterSeq: number | undefined, take: (seq: number, data: T) => boolean): Promise<void> {
  let cursor = afterSeq;
  for (;;) {
    const { items, hasMore } = await listObjects<T>(ctx.deps.store.read, ctx.scope, { type: s.object, limit: BATCH, startingAfterSeq: cursor });
    for (const item of items) {
      if (matchesSearch(item.data as Record<string, unknown>, query, s.fields) && !take(item.seq, item.data)) return;
    }
    if (!hasMore || items.length === 0) return;
    cursor = items[items.length - 1].seq;
  }
}

/** A short digest of the query text, so that a page cannot be carried over to another query. */
function queryTag(query: string): string {
  return sha256Hex(query).slice(0, 16);
}

function encodePage(seq: number, query: string): string {
  return Buffer.from(JSON.stringify(['onfile', seq, queryTag(query)])).toString('base64url');
}

function decodePage(page: string, query: string): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
  } catch {
    // refused below
  }
  const [tag, seq, forQuery] = Array.isArray(decoded) ? decoded : [];
  if (tag !== 'onfile' || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) {
    throw errors.invalidRequest(`Invalid page: ${JSON.stringify(page)} is not a next_page of a search.`, 'page');
  }
  if (forQuery !== queryTag(query)) throw errors.invalidRequest('Invalid page: it is the next_page of another query. Send the same query as the search that returned it.', 'page');
  return seq;
}

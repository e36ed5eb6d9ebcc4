import { errors } from '../../errors/catalogue.js';
import { listObjects, type IndexColumns, type StoredObject } from '../../storage/repos/objects.js';
import type { CallContext } from '../../services/context.js';

/**
 * API v2 pagination (https://docs.stripe.com/api-v2-overview): a page is
 * `{data, next_page_url, previous_page_url}` and clients follow those URLs verbatim, so the page
 * token carries everything the first request asked for (filters, limit) plus the cursor. Tokens
 * are opaque base64url JSON; they reveal nothing a caller could not list anyway, and every query is
 * scoped to the caller's account.
 */
export interface V2ListPage<T> {
  data: T[];
  next_page_url: string | null;
  previous_page_url: string | null;
}

interface PageToken<F> {
  /** filters of the first request */
  f: F;
  limit: number;
  /** seq cursor and direction: 'n' = older than seq, 'p' = newer than seq */
  seq: number;
  dir: 'n' | 'p';
}

export function encodePageToken<F>(t: PageToken<F>): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

export function decodePageToken<F>(token: string, validate: (f: unknown) => f is F): PageToken<F> {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageToken<F>;
    if (
      t &&
      typeof t === 'object' &&
      Number.isSafeInteger(t.seq) &&
      Number.isSafeInteger(t.limit) &&
      t.limit >= 1 &&
      t.limit <= 100 &&
      (t.dir === 'n' || t.dir === 'p') &&
      validate(t.f)
    ) {
      return t;
    }
  } catch {
    // fall through
  }
  throw errors.invalidPageToken();
}

/**
 * One v2 list over the objects table, newest first. `filter` maps the decoded filters to index
 * columns; `render` turns a stored row into its wire form.
 */
export async function v2ListPage<F, D, T>(
  ctx: CallContext,
  opts: {
    type: string;
    url: string;
    filters: F;
    limit: number;
    page?: { seq: number; dir: 'n' | 'p' };
    columns: (f: F) => IndexColumns;
    render: (row: StoredObject<D>) => T;
  },
): Promise<V2ListPage<T>> {
  const { items, hasMore } = await listObjects<D>(ctx.deps.store.read, ctx.scope, {
    type: opts.type,
    limit: opts.limit,
    startingAfterSeq: opts.page?.dir === 'n' ? opts.page.seq : undefined,
    endingBeforeSeq: opts.page?.dir === 'p' ? opts.page.seq : undefined,
    ...opts.columns(opts.filters),
  });
  return { data: items.map(opts.render), ...pageUrls(opts.url, opts.filters, opts.limit, items, hasMore, opts.page) };
}

/** `next_page_url` and `previous_page_url` of a page of `items` (newest first) read with `page`. */
export function pageUrls<F>(
  url: string,
  filters: F,
  limit: number,
  items: readonly { seq: number }[],
  hasMore: boolean,
  page?: { dir: 'n' | 'p' },
): { next_page_url: string | null; previous_page_url: string | null } {
  const link = (seq: number, dir: 'n' | 'p') => `${url}?page=${encodePageToken<F>({ f: filters, limit, seq, dir })}`;
  const first = items[0];
  const last = items[items.length - 1];
  let next: string | null = null;
  let previous: string | null = null;
  if (page?.dir === 'p') {
    // Walking back toward the newest: older items exist (we came from them); newer ones if hasMore.
    if (last) next = link(last.seq, 'n');
    if (first && hasMore) previous = link(first.seq, 'p');
  } else {
    if (last && hasMore) next = link(last.seq, 'n');
    if (first && page) previous = link(first.seq, 'p');
  }
  return { next_page_url: next, previous_page_url: previous };
}

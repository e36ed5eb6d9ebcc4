import { errors } from '../errors/catalogue.js';
import { cursorSeq, listObjects, listObjectTexts, type IndexColumns, type RangeFilter } from '../storage/repos/objects.js';
import type { CallContext } from '../services/context.js';
import { checkExpandPaths, renderList, type ListPage } from './render.js';
import { rawList, type RawJson } from '../http/raw-json.js';

export interface ListArgs {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  created?: RangeFilter;
  expand?: string[];
}

interface ListOptions {
  object: string;
  storedType?: string;
  url: string;
  filter?: IndexColumns;
  noun?: string;
}

/** One implementation of Stripe's cursor pagination for every v1 list endpoint. */
export function listPage<T extends object>(ctx: CallContext, opts: ListOptions, args: ListArgs): Promise<ListPage<T>> {
  return page<T>(ctx, opts, args) as Promise<ListPage<T>>;
}

/**
 * The same page for a route that returns it unchanged: when nothing is expanded it is the stored
 * texts spliced into the list envelope, sent without a parse/stringify round trip.
 */
export function listPageForWire<T extends object>(ctx: CallContext, opts: ListOptions, args: ListArgs): Promise<ListPage<T> | RawJson> {
  return page<T>(ctx, { ...opts, raw: true }, args);
}

async function page<T extends object>(ctx: CallContext, opts: ListOptions & { raw?: boolean }, args: ListArgs): Promise<ListPage<T> | RawJson> {
  checkExpandPaths(opts.object, args.expand, true);
  const type = opts.storedType ?? opts.object;
  const read = ctx.deps.store.read;
  let startingAfterSeq: number | undefined;
  let endingBeforeSeq: number | undefined;
  if (args.starting_after) {
    startingAfterSeq = await cursorSeq(read, ctx.scope, type, args.starting_after);
    if (startingAfterSeq === undefined) throw errors.resourceMissing(opts.noun ?? opts.object, args.starting_after, 'starting_after', 400);
  }
  if (args.ending_before) {
    endingBeforeSeq = await cursorSeq(read, ctx.scope, type, args.ending_before);
    if (endingBeforeSeq === undefined) throw errors.resourceMissing(opts.noun ?? opts.object, args.ending_before, 'ending_before', 400);
  }
  // Stripe looks both cursors up before it refuses the pair (recorded).
  if (startingAfterSeq !== undefined && endingBeforeSeq !== undefined) throw errors.cursorsExclusive();
  const query = { type, limit: args.limit ?? 10, startingAfterSeq, endingBeforeSeq, created: args.created, ...opts.filter };
  if (opts.raw && !args.expand?.length) {
    // Nothing to expand: the stored texts are the page's items as they are (no parse, no stringify).
    const { items, hasMore } = await listObjectTexts(read, ctx.scope, query);
    return rawList(items, hasMore, opts.url);
  }
  const { items, hasMore } = await listObjects<T>(read, ctx.scope, query);
  return renderList(ctx, opts.object, opts.url, items.map((i) => i.data), hasMore, args.expand);
}

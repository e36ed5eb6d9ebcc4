import { errors } from '../errors/catalogue.js';
import { cursorSeq, listObjects, type IndexColumns, type RangeFilter } from '../storage/repos/objects.js';
import type { CallContext } from '../services/context.js';
import { checkExpandPaths, renderList, type ListPage } from './render.js';

export interface ListArgs {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  created?: RangeFilter;
  expand?: string[];
}

/** One implementation of Stripe's cursor pagination for every v1 list endpoint. */
export async function listPage<T extends object>(
  ctx: CallContext,
  opts: { object: string; storedType?: string; url: string; filter?: IndexColumns; noun?: string },
  args: ListArgs,
): Promise<ListPage<T>> {
  checkExpandPaths(opts.object, args.expand, true);
  if (args.starting_after && args.ending_before) throw errors.parametersExclusive('starting_after', 'ending_before');
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
  const { items, hasMore } = await listObjects<T>(read, ctx.scope, {
    type,
    limit: args.limit ?? 10,
    startingAfterSeq,
    endingBeforeSeq,
    created: args.created,
    ...opts.filter,
  });
  return renderList(ctx, opts.object, opts.url, items.map((i) => i.data), hasMore, args.expand);
}

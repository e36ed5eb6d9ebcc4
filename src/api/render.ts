import { errors } from '../errors/catalogue.js';
import { getObject } from '../storage/repos/objects.js';
import type { CallContext } from '../services/context.js';
import { objectAtVersion } from '../domain/shared/api-versions.js';

/**
 * What the wire layer knows about each object type: how to load one for expansion, which fields
 * hold expandable ids (`expand[]=customer`, dotted paths up to 4 levels), and what a publishable key
 * may see. Resource modules register themselves; the expander stays generic.
 */
export interface ResourceKind {
  /** `object` value, e.g. "customer" */
  object: string;
  /** objects-table type (usually the same as `object`) */
  storedType?: string;
  /** field path → object type it expands to (`invoice_settings.default_payment_method` → payment_method) */
  expandable: Record<string, string>;
  /**
   * Fields that hold an object of their own (`address`, `invoice_settings`): Stripe lists them among
   * an object's expandable fields and answers `expand[]=address` with the object unchanged
   * (recorded at 2026-08-26.dahlia). A path goes on through one only to a field registered in
   * `expandable` with its dotted name (`invoice_settings.default_payment_method`).
   */
  embedded?: readonly string[];
  /** fields hidden unless expanded (Charge.refunds), computed on demand */
  includable?: Record<string, (ctx: CallContext, obj: Record<string, unknown>) => Promise<unknown>>;
  /** custom loader; defaults to reading the stored object by id */
  load?: (ctx: CallContext, id: string) => Promise<Record<string, unknown> | undefined>;
  /**
   * The answer to a retry whose first request committed its change but died before storing its
   * answer: the object as it is now, rendered as that request asked (v2's `include`). `routePath`
   * is the route's pattern (`/v1/webhook_endpoints`), which tells a create from an update. Without
   * it, the object loaded as for expansion, expanded as the request asked.
   */
  answerRecovered?: (ctx: CallContext, id: string, params: unknown, routePath: string) => Promise<unknown>;
}

/** The `include` of a v2 request's JSON body, as far as it is a list of strings. */
export function includeOf(params: unknown): string[] {
  const include = (params as { include?: unknown } | null)?.include;
  return Array.isArray(include) ? include.filter((i): i is string => typeof i === 'string') : [];
}

const kinds = new Map<string, ResourceKind>();

export function registerResource(kind: ResourceKind): void {
  kinds.set(kind.object, kind);
}

export function resourceKind(object: string): ResourceKind | undefined {
  return kinds.get(object);
}

export async function loadForExpand(ctx: CallContext, object: string, id: string): Promise<Record<string, unknown> | undefined> {
  const kind = kinds.get(object);
  if (!kind) return undefined;
  const loaded = kind.load ? await kind.load(ctx, id) : (await getObject<Record<string, unknown>>(ctx.deps.store.read, ctx.scope, kind.storedType ?? object, id))?.data;
  // An expanded object is in the request's version's shape, as it would be retrieved on its own.
  return loaded && objectAtVersion(loaded, ctx.apiVersion);
}

/** Validates expand paths before anything runs, so a bad path fails the request cleanly. */
export function checkExpandPaths(object: string, paths: readonly string[] | undefined, isList = false): void {
  for (const full of paths ?? []) {
    // "Expansions have a maximum depth of four levels", counted in dotted segments with the `data.`
    // of a list ("when listing charges, data.invoice.subscription.default_source is the deepest
    // allowed", https://docs.stripe.com/expand).
    if (full.split('.').length > 4) throw errors.expandTooDeep(full);
    // A list's paths start at its `data` (recorded: `data` alone is accepted, anything else gets a hint).
    if (isList && full === 'data') continue;
    if (isList && !full.startsWith('data.')) throw errors.cannotExpandOnList(full.split('.')[0]);
    // The error names the path up to the segment that cannot be expanded (recorded: `invoice_settings.bogus`).
    let walked = isList ? 'data.' : '';
    let rest = isList ? full.slice(5) : full;
    let type: string | undefined = object;
    while (rest) {
      const kind: ResourceKind | undefined = type ? kinds.get(type) : undefined;
      const match: string | undefined = kind && longestField(kind, rest);
      if (!kind || !match) throw errors.cannotExpand(walked + rest.split('.')[0]);
      type = kind.expandable[match];
      walked += match + '.';
      rest = rest.length > match.length ? rest.slice(match.length + 1) : '';
    }
  }
}

function longestField(kind: ResourceKind, path: string): string | undefined {
  const candidates = [...Object.keys(kind.expandable), ...Object.keys(kind.includable ?? {}), ...(kind.embedded ?? [])];
  return candidates
    .filter((f) => path === f || path.startsWith(f + '.'))
    .sort((a, b) => b.length - a.length)[0];
}

/** Replaces the ids named by `paths` with the objects they point to (in place on a copy). */
export async function expandObject<T extends object>(ctx: CallContext, object: string, value: T, paths: readonly string[] | undefined): Promise<T> {
  if (!paths?.length) return value;
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const path of paths) await expandPath(ctx, object, copy, path);
  return copy as T;
}

async function expandPath(ctx: CallContext, object: string, target: Record<string, unknown>, path: string): Promise<void> {
  const kind = kinds.get(object);
  if (!kind) return;
  const field = longestField(kind, path);
  if (!field) return;
  const rest = path.length > field.length ? path.slice(field.length + 1) : '';
  const segments = field.split('.');
  let holder: Record<string, unknown> | undefined = target;
  for (const seg of segments.slice(0, -1)) {
    const next: unknown = holder?.[seg];
    holder = next && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
  }
  if (!holder) return;
  const leaf = segments[segments.length - 1];
  if (kind.includable?.[field]) {
    holder[leaf] = await kind.includable[field](ctx, target);
    return;
  }
  const targetType = kind.expandable[field];
  // An embedded object is already there (`embedded`).
  if (!targetType) return;
  let current = holder[leaf];
  if (typeof current === 'string') {
    current = (await loadForExpand(ctx, targetType, current)) ?? current;
    holder[leaf] = current;
  }
  if (rest && current && typeof current === 'object') await expandPath(ctx, targetType, current as Record<string, unknown>, rest);
}

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export async function renderList<T extends object>(
  ctx: CallContext,
  object: string,
  url: string,
  items: T[],
  hasMore: boolean,
  expand: readonly string[] | undefined,
): Promise<ListPage<T>> {
  const itemPaths = (expand ?? []).filter((p) => p.startsWith('data.')).map((p) => p.slice(5));
  const data = itemPaths.length ? await Promise.all(items.map((i) => expandObject(ctx, object, i, itemPaths))) : items;
  return { object: 'list', data, has_more: hasMore, url };
}

import type { RouteDef } from '../../../../http/route.js';
import { findV2Event, listV2Events, retrieveV2Event } from '../../../../services/events/v2-events.js';
import { registerResource } from '../../../render.js';
import { decodeJson, jarr, jint, jobj, jstr } from '../../json-params.js';
import { decodePageToken, pageUrls, type V2ListPage } from '../../list.js';
import type { V2Event } from '../../../../domain/events/v2-event.js';

// A request whose answer is a v2 event (an event destination's ping): a retry after a crash answers
// the event it made. v2 events are rows of the events table, not objects.
registerResource({
  object: 'v2.core.event',
  expandable: {},
  answerRecovered: async (ctx, id) => (await findV2Event(ctx, id)) ?? { id, object: 'v2.core.event' },
});

const listEventParams = {
  // Unix seconds, as the SDK types the range (RangeQueryParam).
  created: jobj({ gt: jint({ min: 0 }), gte: jint({ min: 0 }), lt: jint({ min: 0 }), lte: jint({ min: 0 }) }),
  limit: jint({ min: 1, max: 100 }),
  object_id: jstr({ max: 255 }),
  page: jstr({ max: 2000 }),
  types: jarr(jstr({ max: 200 }), { max: 20 }),
};

interface ListFilters {
  object_id: string | null;
  types: string[];
  created: { gt?: number; gte?: number; lt?: number; lte?: number } | null;
}

const isRange = (r: unknown) =>
  r === null || (typeof r === 'object' && Object.entries(r as object).every(([k, v]) => ['gt', 'gte', 'lt', 'lte'].includes(k) && Number.isSafeInteger(v)));

const isListFilters = (f: unknown): f is ListFilters =>
  typeof f === 'object' &&
  f !== null &&
  ((f as ListFilters).object_id === null || typeof (f as ListFilters).object_id === 'string') &&
  Array.isArray((f as ListFilters).types) &&
  (f as ListFilters).types.every((t) => typeof t === 'string') &&
  isRange((f as ListFilters).created ?? null);

// https://docs.stripe.com/api/v2/core/events: the full v2 event a thin notification names (the SDK's
// `fetchEvent()`), and the account's v2 events, newest first. Kept as long as v1 events (30 days).
export const eventV2Routes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/core/events/:id',
    handler: async ({ ctx, params, pathParams }) => {
      decodeJson({}, params);
      return retrieveV2Event(ctx, pathParams.id);
    },
  },
  {
    method: 'GET',
    path: '/v2/core/events',
    handler: async ({ ctx, params }): Promise<V2ListPage<V2Event>> => {
      const p = decodeJson(listEventParams, params);
      const token = p.page ? decodePageToken<ListFilters>(p.page, isListFilters) : undefined;
      const filters: ListFilters = token?.f ?? { object_id: p.object_id ?? null, types: [...new Set(p.types ?? [])], created: p.created ?? null };
      const limit = token?.limit ?? p.limit ?? 20;
      const { items, hasMore } = await listV2Events(ctx, {
        limit,
        objectId: filters.object_id ?? undefined,
        types: filters.types,
        created: filters.created ?? undefined,
        page: token,
      });
      return { data: items.map((i) => i.event), ...pageUrls('/v2/core/events', filters, limit, items, hasMore, token) };
    },
  },
];

import type { RouteDef } from '../../../../http/route.js';
import { renderEventDestination, type StoredEventDestination } from '../../../../domain/event-destinations/event-destination.js';
import {
  createEventDestination,
  deleteEventDestination,
  EVENT_DESTINATION_TYPE,
  pingEventDestination,
  recoveredEventDestination,
  retrieveEventDestination,
  setEventDestinationStatus,
  updateEventDestination,
} from '../../../../services/event-destinations/event-destinations.js';
import { decodeJson } from '../../json-params.js';
import { includeOf, registerResource } from '../../../render.js';
import { decodePageToken, v2ListPage } from '../../list.js';
import { INCLUDABLE } from '../../../../domain/event-destinations/event-destination.js';
import { createDestinationParams, emptyParams, listDestinationParams, retrieveDestinationParams, updateDestinationParams } from './params.js';

registerResource({
  object: 'v2.core.event_destination',
  storedType: EVENT_DESTINATION_TYPE,
  expandable: {},
  // A retried create answers as the create would have, its signing secret included when asked for
  // (the only request whose `include` may name it).
  answerRecovered: async (ctx, id, params) => {
    const found = await recoveredEventDestination(ctx, id);
    return found ? renderEventDestination(found.destination, includeOf(params), found.secret) : { id, object: 'v2.core.event_destination' };
  },
});

interface ListFilters {
  include: string[];
}

const isListFilters = (f: unknown): f is ListFilters =>
  typeof f === 'object' &&
  f !== null &&
  Array.isArray((f as ListFilters).include) &&
  (f as ListFilters).include.every((i) => (INCLUDABLE as readonly string[]).includes(i));

// https://docs.stripe.com/api/v2/core/event_destinations (JSON bodies; GET parameters in the query string).
export const eventDestinationRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v2/core/event_destinations',
    handler: async ({ ctx, json }) => {
      const p = decodeJson(createDestinationParams, json);
      const { destination, secret } = await createEventDestination(ctx, p);
      return renderEventDestination(destination, p.include, secret);
    },
  },
  {
    method: 'GET',
    path: '/v2/core/event_destinations/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeJson(retrieveDestinationParams, params);
      return renderEventDestination(await retrieveEventDestination(ctx, pathParams.id), p.include);
    },
  },
  {
    method: 'POST',
    path: '/v2/core/event_destinations/:id',
    handler: async ({ ctx, json, pathParams }) => {
      const p = decodeJson(updateDestinationParams, json);
      return renderEventDestination(await updateEventDestination(ctx, pathParams.id, p), p.include);
    },
  },
  {
    method: 'DELETE',
    path: '/v2/core/event_destinations/:id',
    handler: async ({ ctx, pathParams }) => deleteEventDestination(ctx, pathParams.id),
  },
  {
    method: 'POST',
    path: '/v2/core/event_destinations/:id/enable',
    handler: async ({ ctx, json, pathParams }) => {
      decodeJson(emptyParams, json);
      return renderEventDestination(await setEventDestinationStatus(ctx, pathParams.id, 'enabled'), []);
    },
  },
  {
    method: 'POST',
    path: '/v2/core/event_destinations/:id/disable',
    handler: async ({ ctx, json, pathParams }) => {
      decodeJson(emptyParams, json);
      return renderEventDestination(await setEventDestinationStatus(ctx, pathParams.id, 'disabled'), []);
    },
  },
  {
    method: 'POST',
    path: '/v2/core/event_destinations/:id/ping',
    handler: async ({ ctx, json, pathParams }) => {
      decodeJson(emptyParams, json);
      return pingEventDestination(ctx, pathParams.id);
    },
  },
  {
    method: 'GET',
    path: '/v2/core/event_destinations',
    handler: async ({ ctx, params }) => {
      const p = decodeJson(listDestinationParams, params);
      // A page token stands for the whole first request (its `include` too).
      const token = p.page ? decodePageToken<ListFilters>(p.page, isListFilters) : undefined;
      const filters: ListFilters = token?.f ?? { include: [...new Set(p.include ?? [])] };
      return v2ListPage<ListFilters, StoredEventDestination, ReturnType<typeof renderEventDestination>>(ctx, {
        type: EVENT_DESTINATION_TYPE,
        url: '/v2/core/event_destinations',
        filters,
        limit: token?.limit ?? p.limit ?? 20,
        page: token,
        columns: () => ({}),
        render: (row) => renderEventDestination(row.data, filters.include),
      });
    },
  },
];

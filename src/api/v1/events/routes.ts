import type { RouteDef } from '../../../http/route.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, registerResource } from '../../render.js';
import { listEvents, retrieveEvent } from '../../../services/events/events.js';
import { listEventParams, retrieveEventParams } from './params.js';

registerResource({ object: 'event', embedded: ['data', 'request'], expandable: {} });

// https://docs.stripe.com/api/events — secret keys only; events are kept 30 days.
export const eventRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/events/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(retrieveEventParams, params);
      checkExpandPaths('event', p.expand);
      return retrieveEvent(ctx, pathParams.id);
    },
  },
  {
    method: 'GET',
    path: '/v1/events',
    handler: async ({ ctx, params }) => {
      const p = decodeParams(listEventParams, params);
      checkExpandPaths('event', p.expand, true);
      return listEvents(ctx, p);
    },
  },
];

import type { RouteDef } from '../../../http/route.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, registerResource } from '../../render.js';
import { listPageForWire } from '../../list.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  recoveredWebhookEndpoint,
  retrieveWebhookEndpoint,
  updateWebhookEndpoint,
} from '../../../services/webhook-endpoints/webhook-endpoints.js';
import { createWebhookEndpointParams, listWebhookEndpointParams, retrieveWebhookEndpointParams, updateWebhookEndpointParams } from './params.js';

const CREATE_PATH = '/v1/webhook_endpoints';

registerResource({
  object: 'webhook_endpoint',
  expandable: {},
  // A retried create answers with the signing secret, as the create does; an update never shows it.
  answerRecovered: async (ctx, id, _params, routePath) => {
    return (await recoveredWebhookEndpoint(ctx, id, routePath === CREATE_PATH)) ?? { id, object: 'webhook_endpoint' };
  },
});

// https://docs.stripe.com/api/webhook_endpoints — secret keys only.
export const webhookEndpointRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: CREATE_PATH,
    handler: async ({ ctx, params }) => {
      const p = decodeParams(createWebhookEndpointParams, params);
      checkExpandPaths('webhook_endpoint', p.expand);
      return createWebhookEndpoint(ctx, p);
    },
  },
  {
    method: 'GET',
    path: '/v1/webhook_endpoints/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(retrieveWebhookEndpointParams, params);
      checkExpandPaths('webhook_endpoint', p.expand);
      return retrieveWebhookEndpoint(ctx, pathParams.id);
    },
  },
  {
    method: 'POST',
    path: '/v1/webhook_endpoints/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(updateWebhookEndpointParams, params);
      checkExpandPaths('webhook_endpoint', p.expand);
      return updateWebhookEndpoint(ctx, pathParams.id, p);
    },
  },
  {
    method: 'DELETE',
    path: '/v1/webhook_endpoints/:id',
    handler: async ({ ctx, params, pathParams }) => {
      decodeParams({}, params);
      return deleteWebhookEndpoint(ctx, pathParams.id);
    },
  },
  {
    method: 'GET',
    path: '/v1/webhook_endpoints',
    handler: async ({ ctx, params }) => {
      const p = decodeParams(listWebhookEndpointParams, params);
      return listPageForWire(ctx, { object: 'webhook_endpoint', url: '/v1/webhook_endpoints', noun: 'webhook endpoint' }, p);
    },
  },
];

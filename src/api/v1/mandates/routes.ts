import type { RouteDef } from '../../../http/route.js';
import { decodeParams, expandParam } from '../../params.js';
import { checkExpandPaths, expandObject, registerResource } from '../../render.js';
import { retrieveMandate } from '../../../services/mandates/mandates.js';

registerResource({
  object: 'mandate',
  embedded: ['customer_acceptance', 'multi_use', 'payment_method_details', 'single_use'],
  expandable: { payment_method: 'payment_method' },
});

// https://docs.stripe.com/api/mandates/retrieve: the only Mandate endpoint.
export const mandateRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/mandates/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams({ expand: expandParam() }, params);
      checkExpandPaths('mandate', p.expand);
      return expandObject(ctx, 'mandate', await retrieveMandate(ctx, pathParams.id), p.expand);
    },
  },
];

import type { RouteDef } from '../../../http/route.js';
import { decodeParams, expandParam } from '../../params.js';
import { retrieveBalance } from '../../../services/balance/balance.js';

// https://docs.stripe.com/api/balance/balance_retrieve
export const balanceRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/balance',
    handler: async ({ ctx, params }) => {
      decodeParams({ expand: expandParam() }, params);
      return retrieveBalance(ctx);
    },
  },
];

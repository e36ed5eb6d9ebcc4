import type { RouteDef } from '../../../http/route.js';
import { decodeParams, expandParam } from '../../params.js';
import { merchantAccountView } from '../../../domain/accounts/merchant-account-view.js';

// https://docs.stripe.com/api/accounts/retrieve: without an id, the account of the key.
export const accountRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/account',
    handler: async ({ ctx, params }) => {
      decodeParams({ expand: expandParam() }, params);
      return merchantAccountView(ctx.account);
    },
  },
];

import type { RouteDef } from '../../../http/route.js';
import { decodeParams, expandParam, listParams, str } from '../../params.js';
import { checkExpandPaths, expandObject, registerResource } from '../../render.js';
import { findBalanceTransaction, listBalanceTransactions, retrieveBalanceTransaction } from '../../../services/charges/balance-transactions.js';

// `expand[]=latest_charge.balance_transaction` is how integrations read what a payment brought in.
registerResource({
  object: 'balance_transaction',
  embedded: ['fee_details'],
  expandable: {},
  load: async (ctx, id) => (await findBalanceTransaction(ctx, id)) as unknown as Record<string, unknown> | undefined,
});

const listBalanceTransactionParams = { ...listParams, source: str({ max: 5000 }), type: str({ max: 5000 }) };

// https://docs.stripe.com/api/balance_transactions
export const balanceTransactionRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/balance_transactions/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams({ expand: expandParam() }, params);
      checkExpandPaths('balance_transaction', p.expand);
      return expandObject(ctx, 'balance_transaction', await retrieveBalanceTransaction(ctx, pathParams.id), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/balance_transactions',
    handler: async ({ ctx, params }) => listBalanceTransactions(ctx, decodeParams(listBalanceTransactionParams, params)),
  },
];

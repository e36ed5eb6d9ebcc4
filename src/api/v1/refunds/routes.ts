import type { RouteDef } from '../../../http/route.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, expandObject, registerResource } from '../../render.js';
import { createRefund } from '../../../services/refunds/create.js';
import { cancelRefund, listRefunds, retrieveRefund, updateRefund } from '../../../services/refunds/refunds.js';
import { createRefundParams, expandOnly, listRefundParams, updateRefundParams } from './params.js';

registerResource({
  object: 'refund',
  embedded: ['destination_details', 'next_action', 'presentment_details'],
  expandable: {
    balance_transaction: 'balance_transaction',
    charge: 'charge',
    customer: 'customer',
    failure_balance_transaction: 'balance_transaction',
    payment_intent: 'payment_intent',
    payment_method: 'payment_method',
    source_transfer_reversal: 'transfer_reversal',
    transfer_reversal: 'transfer_reversal',
  },
});

// https://docs.stripe.com/api/refunds
export const refundRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/refunds',
    handler: async ({ ctx, params }) => {
      const p = decodeParams(createRefundParams, params);
      checkExpandPaths('refund', p.expand);
      return expandObject(ctx, 'refund', await createRefund(ctx, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/refunds/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(expandOnly, params);
      checkExpandPaths('refund', p.expand);
      return expandObject(ctx, 'refund', await retrieveRefund(ctx, pathParams.id), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/refunds/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(updateRefundParams, params);
      checkExpandPaths('refund', p.expand);
      return expandObject(ctx, 'refund', await updateRefund(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/refunds/:id/cancel',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(expandOnly, params);
      checkExpandPaths('refund', p.expand);
      return expandObject(ctx, 'refund', await cancelRefund(ctx, pathParams.id), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/refunds',
    handler: async ({ ctx, params }) => listRefunds(ctx, decodeParams(listRefundParams, params)),
  },
];

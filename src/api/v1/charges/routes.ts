import type { RouteDef } from '../../../http/route.js';
import { search, searchParams, type Searchable } from '../../search.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, expandObject, registerResource } from '../../render.js';
import { listCharges, retrieveCharge, updateCharge } from '../../../services/charges/charges.js';
import { listRefunds } from '../../../services/refunds/refunds.js';
import { countChildren } from '../../../storage/repos/objects.js';
import { captureLegacyCharge, createLegacyCharge } from '../../../services/charges/legacy.js';
import { captureChargeParams, createChargeParams, listChargeParams, retrieveChargeParams, updateChargeParams } from './params.js';
import { listRefundParams } from '../refunds/params.js';

registerResource({
  object: 'charge',
  embedded: ['billing_details', 'fraud_details', 'level3', 'outcome', 'payment_method_details', 'presentment_details', 'radar_options', 'shipping', 'source', 'transfer_data'],
  expandable: {
    application: 'application',
    application_fee: 'application_fee',
    balance_transaction: 'balance_transaction',
    customer: 'customer',
    failure_balance_transaction: 'balance_transaction',
    on_behalf_of: 'account',
    payment_intent: 'payment_intent',
    review: 'review',
    source_transfer: 'transfer',
  },
  // `refunds` is left out of a Charge unless expanded (API 2022-11-15 on): the first page of its
  // refunds, with a `total_count` (recorded at 2026-08-26.dahlia, though the SDK's types leave it out).
  includable: {
    refunds: async (ctx, charge) => {
      const { object, data, has_more, url } = await listRefunds(ctx, { charge: charge.id as string, limit: 10 }, `/v1/charges/${charge.id as string}/refunds`);
      const total_count = await countChildren(ctx.deps.store.read, ctx.scope, 'refund', charge.id as string);
      return { object, data, has_more, total_count, url };
    },
  },
});

const CHARGE_SEARCH: Searchable = {
  object: 'charge',
  url: '/v1/charges/search',
  fields: {
    amount: { kind: 'number' },
    'billing_details.address.postal_code': { kind: 'string' },
    created: { kind: 'number' },
    currency: { kind: 'string' },
    customer: { kind: 'string' },
    disputed: { kind: 'boolean' },
    refunded: { kind: 'boolean' },
    status: { kind: 'string' },
  },
};

// https://docs.stripe.com/api/charges
export const chargeRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/charges/search',
    // https://docs.stripe.com/search#query-fields-for-charges (the card fields do not apply to Amazon Pay)
    handler: async ({ ctx, params }) => search(ctx, CHARGE_SEARCH, decodeParams(searchParams, params)),
  },
  {
    method: 'GET',
    path: '/v1/charges/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(retrieveChargeParams, params);
      checkExpandPaths('charge', p.expand);
      return expandObject(ctx, 'charge', await retrieveCharge(ctx, pathParams.id), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/charges/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(updateChargeParams, params);
      checkExpandPaths('charge', p.expand);
      return expandObject(ctx, 'charge', await updateCharge(ctx, pathParams.id, p), p.expand);
    },
  },
  // The refunds sub-list of a charge (its `url` in an expanded `refunds`).
  {
    method: 'GET',
    path: '/v1/charges/:id/refunds',
    handler: async ({ ctx, params, pathParams }) => {
      const { charge: _c, payment_intent: _p, ...p } = decodeParams(listRefundParams, params);
      await retrieveCharge(ctx, pathParams.id);
      return listRefunds(ctx, { ...p, charge: pathParams.id }, `/v1/charges/${pathParams.id}/refunds`);
    },
  },
  {
    method: 'GET',
    path: '/v1/charges',
    handler: async ({ ctx, params }) => listCharges(ctx, decodeParams(listChargeParams, params)),
  },
  // The legacy writes, refused as Stripe refuses them to an account on PaymentIntents.
  {
    method: 'POST',
    path: '/v1/charges',
    handler: async ({ ctx, params }) => createLegacyCharge(ctx, decodeParams(createChargeParams, params)),
  },
  {
    method: 'POST',
    path: '/v1/charges/:id/capture',
    handler: async ({ ctx, params, pathParams }) => {
      decodeParams(captureChargeParams, params);
      return captureLegacyCharge(ctx, pathParams.id);
    },
  },
];

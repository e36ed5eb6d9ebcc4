import type Stripe from 'stripe';
import type { RouteDef } from '../../../http/route.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, expandObject, registerResource } from '../../render.js';
import { listPageForWire } from '../../list.js';
import { rawJson } from '../../../http/raw-json.js';
import { search, searchParams, type Searchable } from '../../search.js';
import {
  createCustomer,
  findCustomerOrStub,
  retrieveCustomer,
  retrieveCustomerText,
  updateCustomer,
} from '../../../services/customers/customers.js';
import { deleteCustomer } from '../../../services/customers/delete.js';
import { listCustomerWallet, retrieveCustomerWalletItem, type WalletList } from '../../../services/customers/wallet-lists.js';
import { createCustomerParams, listCustomerParams, listSourcesParams, listTaxIdsParams, retrieveParams, updateCustomerParams } from './params.js';

registerResource({
  object: 'customer',
  embedded: ['address', 'discount', 'invoice_settings', 'shipping'],
  expandable: { default_source: 'source', 'invoice_settings.default_payment_method': 'payment_method', test_clock: 'test_clock' },
  load: async (ctx, id) => (await findCustomerOrStub(ctx, id)) as Record<string, unknown> | undefined,
  // Left out of a Customer unless expanded (API 2020-08-27 on), and still expanded by integrations
  // written before: onfile keeps no sources, subscriptions or tax ids, so each is an empty first page.
  includable: {
    sources: (_ctx, customer) => emptyList(`/v1/customers/${customer.id as string}/sources`),
    subscriptions: (_ctx, customer) => emptyList(`/v1/customers/${customer.id as string}/subscriptions`),
    tax_ids: (_ctx, customer) => emptyList(`/v1/customers/${customer.id as string}/tax_ids`),
  },
});

async function emptyList(url: string) {
  return { object: 'list', data: [], has_more: false, total_count: 0, url };
}

const render = async (ctx: Parameters<typeof expandObject>[0], c: Stripe.Customer | Stripe.DeletedCustomer, expand?: string[]) =>
  'deleted' in c && c.deleted ? c : expandObject(ctx, 'customer', c, expand);

const CUSTOMER_SEARCH: Searchable = {
  object: 'customer',
  url: '/v1/customers/search',
  fields: { created: { kind: 'number' }, email: { kind: 'string', substring: true }, name: { kind: 'string', substring: true }, phone: { kind: 'string', substring: true } },
};

// https://docs.stripe.com/api/customers
export const customerRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/customers',
    // One transaction whose result is the answer: a keyed request stores its response in it.
    answersWithTransaction: true,
    handler: async ({ ctx, params }) => {
      const p = decodeParams(createCustomerParams, params);
      checkExpandPaths('customer', p.expand);
      return render(ctx, await createCustomer(ctx, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/search',
    // https://docs.stripe.com/search#query-fields-for-customers
    handler: async ({ ctx, params }) => search(ctx, CUSTOMER_SEARCH, decodeParams(searchParams, params)),
  },
  {
    method: 'GET',
    path: '/v1/customers/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(retrieveParams, params);
      checkExpandPaths('customer', p.expand);
      // Nothing to expand: the stored text is the answer as it is.
      if (!p.expand?.length) return rawJson(await retrieveCustomerText(ctx, pathParams.id));
      return render(ctx, await retrieveCustomer(ctx, pathParams.id), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/customers/:id',
    // One transaction whose result is the answer: a keyed request stores its response in it.
    answersWithTransaction: true,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(updateCustomerParams, params);
      checkExpandPaths('customer', p.expand);
      return render(ctx, await updateCustomer(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'DELETE',
    path: '/v1/customers/:id',
    // One transaction whose result is the answer: a keyed request stores its response in it.
    answersWithTransaction: true,
    // "No parameters" (API reference): anything sent is refused as unknown before the delete runs.
    handler: async ({ ctx, params, pathParams }) => {
      decodeParams({}, params);
      return deleteCustomer(ctx, pathParams.id);
    },
  },
  {
    method: 'GET',
    path: '/v1/customers',
    handler: async ({ ctx, params }) => {
      const p = decodeParams(listCustomerParams, params);
      return listPageForWire(ctx, { object: 'customer', url: '/v1/customers', filter: { lookup: p.email } }, p);
    },
  },
  // https://docs.stripe.com/api/sources and https://docs.stripe.com/api/tax_ids: none kept here.
  // A source list's `object` filters by source type; the page is empty whatever it names.
  ...walletRoutes('sources', listSourcesParams),
  ...walletRoutes('tax_ids', listTaxIdsParams),
];

function walletRoutes(list: WalletList, listParams: typeof listTaxIdsParams): RouteDef[] {
  return [
    {
      method: 'GET',
      path: `/v1/customers/:id/${list}`,
      handler: async ({ ctx, params, pathParams }) => listCustomerWallet(ctx, pathParams.id, list, decodeParams(listParams, params)),
    },
    {
      method: 'GET',
      path: `/v1/customers/:id/${list}/:item`,
      handler: async ({ ctx, params, pathParams }) => {
        decodeParams(retrieveParams, params);
        return retrieveCustomerWalletItem(ctx, pathParams.id, list, pathParams.item);
      },
    },
  ];
}

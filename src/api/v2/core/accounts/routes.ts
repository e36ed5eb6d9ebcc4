import type { RouteDef } from '../../../../http/route.js';
import { includeOf, registerResource } from '../../../render.js';
import { getObject } from '../../../../storage/repos/objects.js';
import { V2_ACCOUNT_TYPE } from '../../../../services/customers/owner.js';
import {
  closeCustomerAccount,
  createCustomerAccount,
  retrieveCustomerAccount,
  updateCustomerAccount,
} from '../../../../services/accounts/customer-accounts.js';
import { renderAccount, type StoredAccount } from '../../../../domain/accounts/v2-account.js';
import { decodeJson } from '../../json-params.js';
import { decodePageToken, v2ListPage } from '../../list.js';
import {
  closeAccountParams,
  createAccountParams,
  listAccountParams,
  retrieveAccountParams,
  updateAccountParams,
} from './params.js';

registerResource({
  object: 'v2.core.account',
  storedType: V2_ACCOUNT_TYPE,
  expandable: {},
  load: async (ctx, id) => {
    const row = await getObject<StoredAccount>(ctx.deps.store.read, ctx.scope, V2_ACCOUNT_TYPE, id);
    return row ? (renderAccount(row.data, []) as unknown as Record<string, unknown>) : undefined;
  },
  answerRecovered: async (ctx, id, params) => {
    const row = await getObject<StoredAccount>(ctx.deps.store.read, ctx.scope, V2_ACCOUNT_TYPE, id);
    return row ? renderAccount(row.data, includeOf(params)) : { id, object: 'v2.core.account' };
  },
});

interface ListFilters {
  applied: string[] | null;
  closed: boolean;
}

const isListFilters = (f: unknown): f is ListFilters =>
  typeof f === 'object' &&
  f !== null &&
  typeof (f as ListFilters).closed === 'boolean' &&
  ((f as ListFilters).applied === null || (Array.isArray((f as ListFilters).applied) && (f as ListFilters).applied!.every((a) => typeof a === 'string')));

// https://docs.stripe.com/api/v2/core/accounts (JSON bodies; GET parameters in the query string).
export const accountV2Routes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v2/core/accounts',
    handler: async ({ ctx, json }) => {
      const p = decodeJson(createAccountParams, json);
      return renderAccount(await createCustomerAccount(ctx, p), p.include);
    },
  },
  {
    method: 'GET',
    path: '/v2/core/accounts/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeJson(retrieveAccountParams, params);
      return renderAccount(await retrieveCustomerAccount(ctx, pathParams.id), p.include);
    },
  },
  {
    method: 'POST',
    path: '/v2/core/accounts/:id',
    handler: async ({ ctx, json, pathParams }) => {
      const p = decodeJson(updateAccountParams, json);
      return renderAccount(await updateCustomerAccount(ctx, pathParams.id, p), p.include);
    },
  },
  {
    method: 'POST',
    path: '/v2/core/accounts/:id/close',
    handler: async ({ ctx, json, pathParams }) => {
      const p = decodeJson(closeAccountParams, json);
      return renderAccount(await closeCustomerAccount(ctx, pathParams.id, p.applied_configurations), []);
    },
  },
  {
    method: 'GET',
    path: '/v2/core/accounts',
    handler: async ({ ctx, params }) => {
      const p = decodeJson(listAccountParams, params);
      // A page token stands for the whole first request: filters sent beside it are not combined.
      const token = p.page ? decodePageToken<ListFilters>(p.page, isListFilters) : undefined;
      const filters: ListFilters = token?.f ?? {
        applied: p.applied_configurations ? [...new Set(p.applied_configurations)].sort() : null,
        // "If omitted, returns only Accounts that are not closed."
        closed: p.closed ?? false,
      };
      return v2ListPage<ListFilters, StoredAccount, ReturnType<typeof renderAccount>>(ctx, {
        type: V2_ACCOUNT_TYPE,
        url: '/v2/core/accounts',
        filters,
        limit: token?.limit ?? p.limit ?? 20,
        page: token,
        columns: (f) => ({ parent: f.applied ? f.applied.join(',') : undefined, lookup: f.closed ? 'closed' : 'open' }),
        render: (row) => renderAccount(row.data, []),
      });
    },
  },
];

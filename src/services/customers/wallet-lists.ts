import { errors } from '../../errors/catalogue.js';
import { checkExpandPaths } from '../../api/render.js';
import { requireCustomer } from './customers.js';
import type { CallContext } from '../context.js';

/**
 * A Customer's legacy sources (cards, bank accounts, Sources) and tax IDs: onfile keeps none, so
 * `GET /v1/customers/:id/sources` and `/tax_ids` are empty first pages, the same ones
 * `expand[]=sources` and `expand[]=tax_ids` show on the Customer, and any id asked for is missing.
 */
export type WalletList = 'sources' | 'tax_ids';

/** The noun in "No such …" (onfile's wording for tax IDs; Stripe's for sources is unrecorded too). */
const NOUN: Record<WalletList, string> = { sources: 'source', tax_ids: 'tax_id' };

export interface WalletListArgs {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  expand?: string[];
}

export async function listCustomerWallet(ctx: CallContext, customer: string, list: WalletList, p: WalletListArgs) {
  checkExpandPaths(NOUN[list], p.expand, true);
  // The customer named in the path is the resource itself: a 404 naming `id`, as for its payment methods.
  await requireCustomer(ctx.deps.store.read, ctx, customer);
  // A cursor must name an item of the list, and this one has none.
  if (p.starting_after !== undefined) throw errors.resourceMissing(NOUN[list], p.starting_after, 'starting_after', 400);
  if (p.ending_before !== undefined) throw errors.resourceMissing(NOUN[list], p.ending_before, 'ending_before', 400);
  return { object: 'list' as const, data: [], has_more: false, url: `/v1/customers/${customer}/${list}` };
}

export async function retrieveCustomerWalletItem(ctx: CallContext, customer: string, list: WalletList, id: string): Promise<never> {
  await requireCustomer(ctx.deps.store.read, ctx, customer);
  throw errors.resourceMissing(NOUN[list], id);
}

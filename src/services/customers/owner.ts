import type Stripe from 'stripe';
import { ApiError } from '../../errors/api-error.js';
import { errors } from '../../errors/catalogue.js';
import { getObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import type { CallContext } from '../context.js';

/**
 * The seed represents a customer two ways: a v1 Customer (`customer=cus_…`) or a v2 Account with
 * the customer configuration (`customer_account=acct_…`). Wherever a v1 call takes either, it is
 * resolved to one owner id; both are stored in the objects' `customer` column (prefixes differ).
 */
export interface CustomerOwner {
  customer: string | null;
  customer_account: string | null;
}

/** Stored type of v2 accounts in the objects table. */
export const V2_ACCOUNT_TYPE = 'v2.core.account';

export interface V2AccountData {
  id: string;
  applied_configurations: string[];
  closed?: boolean;
  [k: string]: unknown;
}

export async function requireCustomerAccount(t: Sql, ctx: CallContext, id: string, param = 'customer_account'): Promise<V2AccountData> {
  const row = await getObject<V2AccountData>(t, ctx.scope, V2_ACCOUNT_TYPE, id);
  if (!row) throw errors.resourceMissing('account', id, param, 400);
  if (row.data.closed) throw errors.invalidRequest(`The account ${id} is closed and cannot be used as a customer.`, param, 'account_invalid');
  if (!row.data.applied_configurations.includes('customer')) {
    throw errors.invalidRequest(`The account ${id} does not have the customer configuration applied, so it cannot be used as a customer_account.`, param, 'account_invalid');
  }
  return row.data;
}

export async function requireLiveCustomer(t: Sql, ctx: CallContext, id: string, param = 'customer'): Promise<Stripe.Customer> {
  const row = await getObject<Stripe.Customer>(t, ctx.scope, 'customer', id);
  if (!row) throw errors.resourceMissing('customer', id, param, 400);
  return row.data;
}

/**
 * Saving a method needs its owner still there, until the transaction commits (attach.ts). An
 * intent's customer was checked when the intent was made; one deleted since (or a v2 account closed)
 * is refused at confirmation as it would be on a new intent, instead of the setup succeeding with
 * nothing saved. A publishable key is not told the customer's id: Stripe.js never sees it.
 */
export async function requireLiveOwner(t: Sql, ctx: CallContext, owner: CustomerOwner, intent?: 'SetupIntent' | 'PaymentIntent'): Promise<void> {
  try {
    if (owner.customer) await requireLiveCustomer(t, ctx, owner.customer);
    else if (owner.customer_account) await requireCustomerAccount(t, ctx, owner.customer_account);
  } catch (err) {
    if (intent && ctx.keyKind === 'publishable' && err instanceof ApiError) throw errors.intentOwnerGone(intent);
    throw err;
  }
}

/**
 * Validates `customer` / `customer_account` parameters (either, not both) and returns the owner.
 * `undefined` fields mean "not given"; null means "unset".
 */
export async function resolveOwner(
  t: Sql,
  ctx: CallContext,
  p: { customer?: string | null; customer_account?: string | null },
): Promise<CustomerOwner | undefined> {
  if (p.customer === undefined && p.customer_account === undefined) return undefined;
  if (p.customer && p.customer_account) throw errors.parametersExclusive('customer', 'customer_account');
  if (p.customer) await requireLiveCustomer(t, ctx, p.customer);
  if (p.customer_account) await requireCustomerAccount(t, ctx, p.customer_account);
  return { customer: p.customer ?? null, customer_account: p.customer_account ?? null };
}

/** The id stored in the `customer` filter column for an owner. */
export function ownerKey(o: { customer?: string | null | Stripe.Customer | Stripe.DeletedCustomer; customer_account?: string | null }): string | null {
  const c = typeof o.customer === 'string' ? o.customer : (o.customer?.id ?? null);
  return c ?? o.customer_account ?? null;
}

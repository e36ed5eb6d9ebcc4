import type Stripe from 'stripe';
import { newId } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { newBalanceTransaction, withStatusAt, type BalanceTransactionKind } from '../../domain/charges/balance-transaction.js';
import { getObject, insertObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { listPage } from '../../api/list.js';
import type { ListPage } from '../../api/render.js';
import { nowSeconds, type CallContext } from '../context.js';

/** Row columns: parent = source (ch_/re_), lookup = type. No event exists for balance transactions. */
export async function insertBalanceTransaction(
  t: Sql,
  ctx: CallContext,
  input: { kind: BalanceTransactionKind; amount: number; currency: string; source: string; description?: string | null },
): Promise<string> {
  const created = nowSeconds(ctx);
  const bt = newBalanceTransaction({ id: newId('balance_transaction'), created, description: input.description ?? null, ...input });
  await insertObject(t, ctx.scope, { type: 'balance_transaction', id: bt.id, created, data: bt, internal: {}, parent: bt.source as string, lookup: bt.type });
  return bt.id;
}

export async function findBalanceTransaction(ctx: CallContext, id: string): Promise<Stripe.BalanceTransaction | undefined> {
  const row = await getObject<Stripe.BalanceTransaction>(ctx.deps.store.read, ctx.scope, 'balance_transaction', id);
  return row && withStatusAt(row.data, nowSeconds(ctx));
}

export async function retrieveBalanceTransaction(ctx: CallContext, id: string): Promise<Stripe.BalanceTransaction> {
  const bt = await findBalanceTransaction(ctx, id);
  if (!bt) throw errors.resourceMissing('balance transaction', id);
  return bt;
}

/** GET /v1/balance_transactions (https://docs.stripe.com/api/balance_transactions/list): `source`, `type`, `created`. */
export async function listBalanceTransactions(
  ctx: CallContext,
  p: { source?: string; type?: string; limit?: number; starting_after?: string; ending_before?: string; created?: { gt?: number; gte?: number; lt?: number; lte?: number }; expand?: string[] },
): Promise<ListPage<Stripe.BalanceTransaction>> {
  const page = await listPage<Stripe.BalanceTransaction>(ctx, { object: 'balance_transaction', url: '/v1/balance_transactions', filter: { parent: p.source, lookup: p.type }, noun: 'balance transaction' }, p);
  const now = nowSeconds(ctx);
  return { ...page, data: page.data.map((bt) => withStatusAt(bt, now)) };
}

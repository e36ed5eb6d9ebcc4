import type { Sql } from '../sql.js';
import type { Scope } from './objects.js';

export interface CurrencyBalance {
  currency: string;
  available: number;
  pending: number;
}

/**
 * The account's balance transactions summed per currency, split at `nowSeconds` by their
 * `available_on`. The database sums them (one pass over the account's balance transactions by
 * the list index), so no running total is kept that every charge of the account would contend on.
 */
export async function sumBalanceTransactions(t: Sql, scope: Scope, nowSeconds: number): Promise<CurrencyBalance[]> {
  const field = (name: string, cast: boolean) =>
    t.dialect === 'postgres' ? (cast ? `((data::jsonb ->> '${name}')::bigint)` : `(data::jsonb ->> '${name}')`) : `json_extract(data, '$.${name}')`;
  const net = field('net', true);
  const availableOn = field('available_on', true);
  const currency = field('currency', false);
  const rows = await t.all<{ currency: string; available: number | string | null; pending: number | string | null }>(
    `SELECT ${currency} AS currency,
            SUM(CASE WHEN ${availableOn} <= ? THEN ${net} ELSE 0 END) AS available,
            SUM(CASE WHEN ${availableOn} > ? THEN ${net} ELSE 0 END) AS pending
       FROM objects
      WHERE account_id = ? AND livemode = ? AND type = 'balance_transaction'
      GROUP BY ${currency}`,
    [nowSeconds, nowSeconds, scope.accountId, scope.livemode ? 1 : 0],
  );
  return rows.map((r) => ({ currency: r.currency, available: Number(r.available ?? 0), pending: Number(r.pending ?? 0) }));
}

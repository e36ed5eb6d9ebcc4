import type Stripe from 'stripe';
import { sumBalanceTransactions } from '../../storage/repos/balance.js';
import { nowSeconds, type CallContext } from '../context.js';

/**
 * GET /v1/balance (https://docs.stripe.com/api/balance/balance_object): the sums of the account's
 * balance transactions per currency, `available` once their `available_on` has passed and `pending`
 * until then. onfile makes no payouts, so available funds only grow (less refunds). The account's
 * default currency is always listed, at 0 when nothing moved in it, as on a new Stripe account.
 * `source_types` files Amazon Pay funds under `card`, the funding behind the wallet (unverified:
 * Stripe documents the keys `card`, `bank_account` and `fpx`, and none for wallets).
 */
export async function retrieveBalance(ctx: CallContext): Promise<Stripe.Balance> {
  const sums = await sumBalanceTransactions(ctx.deps.store.read, ctx.scope, nowSeconds(ctx));
  const byCurrency = new Map(sums.map((s) => [s.currency, s]));
  const currencies = [ctx.account.default_currency, ...[...byCurrency.keys()].filter((c) => c !== ctx.account.default_currency).sort()];
  const entry = (currency: string, amount: number) => ({ amount, currency, source_types: { card: amount } });
  return {
    object: 'balance',
    available: currencies.map((c) => entry(c, byCurrency.get(c)?.available ?? 0)),
    livemode: ctx.scope.livemode,
    pending: currencies.map((c) => entry(c, byCurrency.get(c)?.pending ?? 0)),
  };
}

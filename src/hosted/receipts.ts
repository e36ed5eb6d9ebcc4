import type Stripe from 'stripe';
import { constantTimeEqual } from '../lib/crypto.js';
import { newToken } from '../lib/ids.js';
import { getAccount, type MerchantAccount } from '../storage/repos/accounts.js';
import { getObjectAnyScope } from '../storage/repos/objects.js';
import { listRefunds } from '../services/refunds/refunds.js';
import { systemContext, type CallContext, type Deps } from '../services/context.js';

/**
 * A charge's `receipt_url` (https://docs.stripe.com/api/charges/object#charge_object-receipt_url):
 * a page anyone holding the URL may open, without a key, showing the charge as it is now (refunds
 * included). The URL names the charge and carries a random token, kept in the charge's own
 * `receipt_url`; the page compares the two.
 */
export const RECEIPT_PATH = '/receipts/payment';

export function newReceiptUrl(ctx: CallContext, chargeId: string): string {
  return `${ctx.deps.publicUrl()}${RECEIPT_PATH}/${chargeId}/${newToken(40)}`;
}

export interface Receipt {
  account: MerchantAccount;
  charge: Stripe.Charge;
  /** Refunds that took or are taking money back (failed and canceled ones are left out). */
  refunds: Stripe.Refund[];
}

/** The receipt the URL names, or undefined when the charge is unknown or the token is not its. */
export async function findReceipt(deps: Deps, chargeId: string, token: string): Promise<Receipt | undefined> {
  const found = await getObjectAnyScope<Stripe.Charge>(deps.store.read, 'charge', chargeId);
  const stored = found?.data.receipt_url;
  if (!found || !stored || !constantTimeEqual(stored.slice(stored.lastIndexOf('/') + 1), token)) return undefined;
  const { scope, data: charge } = found;
  const account = await getAccount(deps.store.read, scope.accountId);
  if (!account) return undefined;
  const ctx = systemContext(deps, account, scope.livemode);
  const refunds = await listRefunds(ctx, { charge: chargeId, limit: 100 });
  return { account, charge, refunds: refunds.data.filter((r) => r.status === 'succeeded' || r.status === 'pending') };
}

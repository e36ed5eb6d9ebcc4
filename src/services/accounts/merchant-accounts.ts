import { newApiKey, newId } from '../../lib/ids.js';
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../storage/sql.js';
import { DEFAULT_ACCOUNT_API_VERSION } from '../../domain/shared/api-versions.js';
import {
  findApiKey,
  getDefaultAccount,
  insertAccount,
  insertApiKey,
  type MerchantAccount,
} from '../../storage/repos/accounts.js';

export interface NewMerchantAccount {
  account: MerchantAccount;
  secretKey: string;
  publishableKey: string;
}

/** Creates an isolated merchant account with its own test keys (shown once; stored hashed). */
export async function createMerchantAccount(
  store: Store,
  clock: Clock,
  opts: { name: string; displayName?: string; country?: string; apiVersion?: string; secretKey?: string; publishableKey?: string; isDefault?: boolean },
): Promise<NewMerchantAccount> {
  const created = Math.floor(clock.nowMs() / 1000);
  const country = (opts.country ?? 'US').toUpperCase();
  const account: MerchantAccount = {
    id: newId('account'),
    name: opts.name,
    display_name: opts.displayName ?? opts.name,
    country,
    default_currency: country === 'US' ? 'usd' : country === 'GB' ? 'gbp' : country === 'CH' ? 'chf' : country === 'DK' ? 'dkk' : country === 'SE' ? 'sek' : country === 'HU' ? 'huf' : 'eur',
    default_api_version: opts.apiVersion ?? DEFAULT_ACCOUNT_API_VERSION,
    created,
  };
  const secretKey = opts.secretKey ?? newApiKey('sk');
  const publishableKey = opts.publishableKey ?? newApiKey('pk');
  if (!/^sk_(test|live)_\w+$/.test(secretKey)) throw new Error('secret key must look like sk_test_…');
  if (!/^pk_(test|live)_\w+$/.test(publishableKey)) throw new Error('publishable key must look like pk_test_…');
  await store.tx(async (t) => {
    await insertAccount(t, account, opts.isDefault);
    await insertApiKey(t, secretKey, { accountId: account.id, kind: 'secret', livemode: secretKey.startsWith('sk_live_') }, created);
    await insertApiKey(t, publishableKey, { accountId: account.id, kind: 'publishable', livemode: publishableKey.startsWith('pk_live_') }, created);
  });
  return { account, secretKey, publishableKey };
}

export interface DefaultAccountInfo {
  account: MerchantAccount;
  /** Known only when created now or fixed by configuration. */
  secretKey?: string;
  publishableKey?: string;
  createdNow: boolean;
}

/**
 * The account `npm start` prints. Created on first start; configured keys (ONFILE_SECRET_KEY /
 * ONFILE_PUBLISHABLE_KEY) are added to it if they are new, so a fixed key always works.
 */
export async function ensureDefaultAccount(store: Store, clock: Clock, keys: { secretKey?: string; publishableKey?: string }): Promise<DefaultAccountInfo> {
  const existing = await getDefaultAccount(store.read);
  if (!existing) {
    const created = await createMerchantAccount(store, clock, { name: 'Rocket Rides', isDefault: true, ...keys });
    return { account: created.account, secretKey: created.secretKey, publishableKey: created.publishableKey, createdNow: true };
  }
  const now = Math.floor(clock.nowMs() / 1000);
  for (const [key, kind] of [[keys.secretKey, 'secret'], [keys.publishableKey, 'publishable']] as const) {
    if (!key) continue;
    const found = await findApiKey(store.read, key);
    if (found && found.accountId !== existing.id) throw new Error(`the configured ${kind} key belongs to another account (${found.accountId})`);
    if (!found) await store.tx((t) => insertApiKey(t, key, { accountId: existing.id, kind, livemode: key.includes('_live_') }, now));
  }
  return { account: existing, secretKey: keys.secretKey, publishableKey: keys.publishableKey, createdNow: false };
}

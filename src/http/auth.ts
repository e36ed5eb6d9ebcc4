import { errors } from '../errors/catalogue.js';
import { findApiKey, getAccount, type ApiKeyRecord, type MerchantAccount } from '../storage/repos/accounts.js';
import type { Store } from '../storage/sql.js';

export interface Caller {
  key: ApiKeyRecord;
  account: MerchantAccount;
}

/**
 * Resolves the API key of a request: `Authorization: Bearer`, HTTP Basic with the key as user
 * (curl -u), or the `key` parameter Stripe.js sends. Only known keys are cached, so a key created by
 * `onfile accounts create` in another process works on its first use.
 */
export class Authenticator {
  private cache = new Map<string, Caller>();
  constructor(private store: Store) {}

  static keyFrom(authorization: string | undefined, keyParam: unknown): string | undefined {
    if (authorization) {
      const [scheme, value = ''] = authorization.split(/\s+/, 2);
      if (/^bearer$/i.test(scheme)) return value.trim();
      if (/^basic$/i.test(scheme)) {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        return i >= 0 ? decoded.slice(0, i) : decoded;
      }
      return authorization.trim();
    }
    return typeof keyParam === 'string' && keyParam ? keyParam : undefined;
  }

  async authenticate(key: string | undefined): Promise<Caller> {
    if (!key) throw errors.noApiKey();
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rec = await findApiKey(this.store.read, key);
    if (!rec) throw errors.invalidApiKey(key);
    const account = await getAccount(this.store.read, rec.accountId);
    if (!account) throw errors.invalidApiKey(key);
    const caller = { key: rec, account };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, caller);
    return caller;
  }
}

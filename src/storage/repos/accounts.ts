import { parseJson, type Sql } from '../sql.js';
import { sha256Hex } from '../../lib/crypto.js';

/** A merchant account: the owner of API keys and of every object they create. */
export interface MerchantAccount {
  id: string;
  name: string;
  display_name: string;
  country: string;
  default_currency: string;
  /** Version used when a request carries no Stripe-Version header. */
  default_api_version: string;
  created: number;
}

export interface ApiKeyRecord {
  accountId: string;
  kind: 'secret' | 'publishable';
  livemode: boolean;
}

export async function insertAccount(t: Sql, a: MerchantAccount, isDefault = false): Promise<void> {
  await t.run('INSERT INTO accounts (id, created, is_default, data) VALUES (?, ?, ?, ?)', [
    a.id,
    a.created,
    isDefault ? 1 : 0,
    JSON.stringify(a),
  ]);
}

export async function getAccount(t: Sql, id: string): Promise<MerchantAccount | undefined> {
  const r = await t.one<{ data: string }>('SELECT data FROM accounts WHERE id = ?', [id]);
  return r && parseJson<MerchantAccount>(r.data);
}

export async function getDefaultAccount(t: Sql): Promise<MerchantAccount | undefined> {
  const r = await t.one<{ data: string }>('SELECT data FROM accounts WHERE is_default = 1');
  return r && parseJson<MerchantAccount>(r.data);
}

export async function listAccounts(t: Sql): Promise<MerchantAccount[]> {
  const rows = await t.all<{ data: string }>('SELECT data FROM accounts ORDER BY created, id');
  return rows.map((r) => parseJson<MerchantAccount>(r.data));
}

export async function insertApiKey(t: Sql, key: string, rec: ApiKeyRecord, created: number): Promise<void> {
  await t.run(
    'INSERT INTO api_keys (key_hash, account_id, kind, livemode, redacted, publishable, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [sha256Hex(key), rec.accountId, rec.kind, rec.livemode ? 1 : 0, key.slice(0, 8) + '…' + key.slice(-4), rec.kind === 'publishable' ? key : null, created],
  );
}

/** Keys are found by their SHA-256 hash, so the table never holds a usable secret key. */
export async function findApiKey(t: Sql, key: string): Promise<ApiKeyRecord | undefined> {
  const r = await t.one<{ account_id: string; kind: string; livemode: number }>(
    'SELECT account_id, kind, livemode FROM api_keys WHERE key_hash = ?',
    [sha256Hex(key)],
  );
  return r && { accountId: r.account_id, kind: r.kind as ApiKeyRecord['kind'], livemode: Number(r.livemode) === 1 };
}

export async function listApiKeys(t: Sql, accountId: string): Promise<{ kind: string; livemode: boolean; redacted: string; publishable: string | null }[]> {
  const rows = await t.all<{ kind: string; livemode: number; redacted: string; publishable: string | null }>(
    'SELECT kind, livemode, redacted, publishable FROM api_keys WHERE account_id = ? ORDER BY created',
    [accountId],
  );
  return rows.map((r) => ({ kind: r.kind, livemode: Number(r.livemode) === 1, redacted: r.redacted, publishable: r.publishable }));
}

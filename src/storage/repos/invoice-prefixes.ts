import type { Sql } from '../sql.js';
import type { Scope } from './objects.js';

/**
 * The customer of the account, live or deleted, whose invoice_prefix is `prefix`, other than
 * `except`. Stripe keeps a prefix taken after its customer is deleted (recorded at 2026-08-26.dahlia).
 *
 * There is no index on prefixes: every customer has one (generated when not chosen), and keeping an
 * index of random values would cost every create a B-tree page of its own. This walks the account's
 * customers instead, on the rare write that names a prefix; the LIKE on the stored text (the same
 * bytes JSON.stringify writes) leaves only candidates to parse. On PostgreSQL, two transactions
 * taking one prefix queue on an advisory lock first, so that the second sees the first's customer.
 */
export async function invoicePrefixHolder(t: Sql, scope: Scope, prefix: string, except?: string): Promise<string | undefined> {
  if (t.dialect === 'postgres') {
    await t.one('SELECT pg_advisory_xact_lock(7304502, hashtext(?)) AS locked', [`${scope.accountId}:${scope.livemode}:${prefix}`]);
  }
  const candidates = await t.all<{ id: string; data: string }>(
    `SELECT id, data FROM objects WHERE account_id = ? AND livemode = ? AND type IN ('customer', 'customer.deleted') AND data LIKE ?`,
    [scope.accountId, scope.livemode ? 1 : 0, `%${JSON.stringify({ invoice_prefix: prefix }).slice(1, -1)}%`],
  );
  // The pattern can also match inside metadata; only the top-level field counts.
  return candidates.find((c) => c.id !== except && (JSON.parse(c.data) as { invoice_prefix?: unknown }).invoice_prefix === prefix)?.id;
}

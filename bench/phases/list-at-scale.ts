import type { Check, Phase } from '../phase.js';

/** Customers per transaction while loading. */
const BATCH = 1000;

/**
 * GET /v1/customers?limit=10 on an account holding `count` customers (100k by default), loaded in
 * batches through the Customers service. Its rate is compared with the small-store list phase
 * measured in the same rounds: a list page must cost the same however many customers exist.
 */
export function listAtScalePhase(count: number): Phase & { loadChecks(): Check[] } {
  let key = '';
  const checks: Check[] = [];
  return {
    name: `list customers (${count.toLocaleString('en-US')} stored)`,
    kind: 'read',
    loadChecks: () => checks,
    async setup(env) {
      const account = await env.onfile.newAccount('onfile bench: large list');
      key = account.sk;
      const seeded = await env.onfile.child.call<{ inserted: number; ms: number }>(
        'seedCustomers',
        { accountId: account.accountId, count, batch: BATCH, timeoutMs: env.options.seedTimeoutSeconds * 1000 },
        env.options.seedTimeoutSeconds * 1000 + 60_000,
      );
      const rows = await env.onfile.child.call<number>('countCustomers', { accountId: account.accountId });
      checks.push({
        name: `load ${count} customers`,
        pass: seeded.inserted === count && rows === count,
        detail: `${rows} rows in ${(seeded.ms / 1000).toFixed(1)} s (${Math.round(seeded.inserted / Math.max(seeded.ms / 1000, 0.001))}/s, ${BATCH} per transaction)`,
      });
      // The loaded rows must be customers the API lists. (Which one is newest depends on which batch
      // committed last: PostgreSQL loads several batches at once.)
      const page = await env.onfile.api<{ data?: { id?: string; name?: string }[]; has_more?: boolean }>('GET', '/v1/customers?limit=10', undefined, key);
      const items = page.body.data ?? [];
      const loaded = items.filter((c) => /^Seeded Customer \d+$/.test(c.name ?? '')).length;
      const distinct = new Set(items.map((c) => c.id)).size;
      checks.push({
        name: 'the API lists the loaded customers',
        pass: page.status === 200 && items.length === Math.min(10, count) && loaded === items.length && distinct === items.length && page.body.has_more === (count > 10),
        detail: `status ${page.status}, ${items.length} items (${loaded} loaded ones, ${distinct} distinct), has_more ${page.body.has_more}, newest "${items[0]?.name}"`,
      });
    },
    request: () => ({ method: 'GET', path: '/v1/customers?limit=10', key }),
  };
}

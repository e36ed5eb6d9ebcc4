import { loadConfig } from '../config/config.js';
import { systemClock } from '../lib/clock.js';
import { openStore } from '../storage/open.js';
import { listAccounts, listApiKeys } from '../storage/repos/accounts.js';
import { createMerchantAccount } from '../services/accounts/merchant-accounts.js';

async function withStore<T>(data: string | undefined, fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir: data });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: config.pgSchema });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Works against the same database a running server uses; the server accepts the keys at once. */
export async function accountsCreateCommand(opts: { name: string; country: string; apiVersion?: string; data?: string; json?: boolean }) {
  const created = await withStore(opts.data, (store) =>
    createMerchantAccount(store, systemClock, { name: opts.name, country: opts.country, apiVersion: opts.apiVersion }),
  );
  if (opts.json) {
    process.stdout.write(JSON.stringify({ id: created.account.id, name: created.account.name, country: created.account.country, default_api_version: created.account.default_api_version, secret_key: created.secretKey, publishable_key: created.publishableKey }, null, 2) + '\n');
  } else {
    process.stdout.write(`account:         ${created.account.id} (${created.account.name})\nsecret key:      ${created.secretKey}\npublishable key: ${created.publishableKey}\n`);
  }
}

export async function accountsListCommand(opts: { data?: string; json?: boolean }) {
  const rows = await withStore(opts.data, async (store) => {
    const accounts = await listAccounts(store.read);
    return Promise.all(accounts.map(async (a) => ({ ...a, keys: await listApiKeys(store.read, a.id) })));
  });
  if (opts.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  for (const a of rows) {
    const pk = a.keys.find((k) => k.kind === 'publishable')?.publishable ?? '';
    process.stdout.write(`${a.id}  ${a.name}  ${a.country}  ${a.default_api_version}  ${pk}\n`);
  }
}

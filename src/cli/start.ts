import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { startServer } from '../server.js';
import { startCluster } from '../cluster/primary.js';
import type { Store } from '../storage/sql.js';
import type { Deps } from '../services/context.js';
import { ensureDefaultAccount } from '../services/accounts/merchant-accounts.js';

interface KeyFile {
  account: string;
  secret_key: string;
  publishable_key: string;
}

/**
 * The database keeps only key hashes. So that `npm start` can print the default test keys on
 * every start, they are also written once to a 0600 file in the data directory.
 */
function keyFilePath(dataDir: string) {
  return join(dataDir, 'default-keys.json');
}

/**
 * Several processes may start together on one empty PostgreSQL database: one creates the default
 * account (a unique index admits one), the others fail that insert and then find it.
 */
async function defaultAccountOf(server: { store: Store; deps: Deps }, keys: { secretKey?: string; publishableKey?: string }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureDefaultAccount(server.store, server.deps.clock, keys);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

export async function startCommand(opts: { port?: string; host?: string; data?: string; workers?: string }): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      port: opts.port !== undefined ? Number(opts.port) : undefined,
      host: opts.host,
      dataDir: opts.data,
      workers: opts.workers !== undefined ? Number(opts.workers) : undefined,
    });
  } catch (err) {
    process.stderr.write(`onfile: ${(err as Error).message}\n`);
    process.exit(1);
  }
  let server: { store: Store; deps: Deps; url: string; close(): Promise<void> };
  try {
    server = config.workers > 1 ? await startCluster(config, config.workers) : await startServer(config);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(`onfile: cannot listen on ${config.host}:${config.port} (${code}); choose another with --port or ONFILE_PORT\n`);
      process.exit(1);
    }
    throw err;
  }
  const info = await defaultAccountOf(server, { secretKey: config.secretKey, publishableKey: config.publishableKey });
  let keys: Partial<KeyFile> = {};
  const file = keyFilePath(config.dataDir);
  if (info.createdNow && info.secretKey && info.publishableKey) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ account: info.account.id, secret_key: info.secretKey, publishable_key: info.publishableKey }, null, 2), { mode: 0o600 });
  }
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
    if (saved.account === info.account.id) keys = saved;
  } catch {
    // no key file (e.g. PostgreSQL shared by several hosts): only configured keys can be shown
  }
  const sk = config.secretKey ?? keys.secret_key;
  const pk = config.publishableKey ?? keys.publishable_key;
  // Before the banner: whoever reads it may stop the server at once, and until a listener exists
  // Node's default for these signals ends the process without closing anything. `once`: a second
  // Ctrl-C during a slow close is Node's default again, which quits at once.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const storage = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  process.stdout.write(
    [
      `onfile listening on ${server.url} (${storage}${config.workers > 1 ? `, ${config.workers} worker processes` : ''})`,
      `  account:         ${info.account.id} (${info.account.display_name})`,
      `  secret key:      ${sk ?? '(not shown: set ONFILE_SECRET_KEY to fix one)'}`,
      `  publishable key: ${pk ?? '(not shown: set ONFILE_PUBLISHABLE_KEY to fix one)'}`,
      '',
    ].join('\n'),
  );
}

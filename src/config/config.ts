import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  pgSchema?: string;
  /** Fixed keys for the default account (reproducible setups). */
  secretKey?: string;
  publishableKey?: string;
  /** Origin used in links the server hands out (hosted pages); defaults to http://host:port. */
  publicUrl?: string;
  logLevel: string;
  /** HTTP worker processes of `onfile start` (cluster/primary.ts); 1 serves from one process. */
  workers: number;
}

/**
 * One worker per core, at most 2: the API's CPU work spreads over the cores, and two is what was
 * measured (bench/); past that SQLite's one writer lock is shared by more processes, each of which
 * reloads its page cache after another one wrote. `--workers` sets more.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** Settings from flags, then ONFILE_* environment variables, then defaults. */
export function loadConfig(flags: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = flags.port ?? (env.ONFILE_PORT ? Number(env.ONFILE_PORT) : 12111);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${flags.port ?? env.ONFILE_PORT}`);
  const workers = flags.workers ?? (env.ONFILE_WORKERS ? Number(env.ONFILE_WORKERS) : defaultWorkerCount());
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error(`invalid number of workers: ${flags.workers ?? env.ONFILE_WORKERS} (1 to 64)`);
  return {
    host: flags.host ?? env.ONFILE_HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(flags.dataDir ?? env.ONFILE_DATA ?? '.onfile'),
    databaseUrl: flags.databaseUrl ?? env.DATABASE_URL ?? undefined,
    pgSchema: flags.pgSchema ?? env.ONFILE_PG_SCHEMA ?? undefined,
    secretKey: flags.secretKey ?? env.ONFILE_SECRET_KEY ?? undefined,
    publishableKey: flags.publishableKey ?? env.ONFILE_PUBLISHABLE_KEY ?? undefined,
    publicUrl: flags.publicUrl ?? env.ONFILE_PUBLIC_URL ?? undefined,
    logLevel: flags.logLevel ?? env.ONFILE_LOG_LEVEL ?? 'warn',
    workers,
  };
}

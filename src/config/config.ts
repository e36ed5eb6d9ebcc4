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
 * One process unless asked for more (`--workers`). Measured on 2 cores (README, Benchmark): two
 * workers serve about 1.5 times the list requests, but on SQLite every worker reloads its page cache
 * after another one wrote, so writes gain nothing and an off-session charge costs a third more CPU
 * (its several transactions each meet a cache the other worker emptied).
 */
export function defaultWorkerCount(): number {
  return 1;
}

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

import { join } from 'node:path';
import type { Store } from './sql.js';
import { openSqliteStore } from './sqlite/engine.js';
import { openPostgresStore } from './postgres/engine.js';

export interface StorageConfig {
  /** postgres://… selects PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  pgSchema?: string;
  /** SQLite: run the checkpointing thread (false in a cluster's workers: the primary runs it). */
  checkpoints?: boolean;
}

export function openStore(cfg: StorageConfig): Promise<Store> {
  if (cfg.databaseUrl && /^postgres(ql)?:\/\//.test(cfg.databaseUrl)) {
    return openPostgresStore({ url: cfg.databaseUrl, schema: cfg.pgSchema });
  }
  return openSqliteStore(join(cfg.dataDir, 'onfile.db'), { checkpoints: cfg.checkpoints });
}

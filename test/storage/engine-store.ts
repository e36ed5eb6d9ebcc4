import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, pgSchema } from '../cli/process.js';
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/sql.js';

/**
 * A store of one engine for a storage suite: a temporary SQLite directory, or a fresh PostgreSQL
 * schema. Opened before the suite (handed to `opened`), closed and removed after it.
 */
export function useEngineStore(engine: 'sqlite' | 'postgres', opened: (store: Store) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'onfile-store-'));
  const schema = engine === 'postgres' ? pgSchema() : undefined;
  let store: Store | undefined;
  before(async () => {
    store = await openStore({ dataDir: dir, databaseUrl: engine === 'postgres' ? process.env.DATABASE_URL : undefined, pgSchema: schema });
    opened(store);
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  });
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dropSchema, pgSchema } from '../cli/process.js';
import { openStore } from '../../src/storage/open.js';

const skip = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set (PostgreSQL only)';

// Stateless servers start together, and each creates the schema if it is missing. PostgreSQL's
// CREATE SCHEMA IF NOT EXISTS is not safe against a concurrent CREATE SCHEMA: the second one waits
// for the first and then fails with unique_violation. A server that loses that race must still start.
describe('storage: PostgreSQL store opened while another process creates its schema', { skip }, () => {
  it('opens once the other creation commits, and migrates the schema', async () => {
    const schema = pgSchema();
    const dir = mkdtempSync(join(tmpdir(), 'onfile-pgschema-'));
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      // The other process is mid-way through creating the same schema.
      await other.query('BEGIN');
      await other.query(`CREATE SCHEMA ${schema}`);
      const opening = openStore({ dataDir: dir, databaseUrl: process.env.DATABASE_URL, pgSchema: schema });
      // Let the open reach its CREATE SCHEMA and wait there on the uncommitted one.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query('COMMIT');
      const store = await opening;
      try {
        const migrations = await store.read.all<{ name: string }>('SELECT name FROM schema_migrations');
        assert.ok(migrations.length >= 5, `migrated (${migrations.length} migrations)`);
      } finally {
        await store.close();
      }
    } finally {
      await other.end();
      rmSync(dir, { recursive: true, force: true });
      await dropSchema(schema);
    }
  });
});

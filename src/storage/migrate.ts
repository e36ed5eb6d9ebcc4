import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Dialect } from './sql.js';

/**
 * Migrations are plain SQL files in storage/<engine>/migrations/, applied in file-name order and
 * recorded by name, so features can add their own file without renumbering anyone else's.
 */
export function loadMigrations(dialect: Dialect): { name: string; sql: string }[] {
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), dialect, 'migrations');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

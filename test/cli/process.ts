import { after } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import pg from 'pg';

/** The checkout root: child processes run `node bin/onfile.js` there, as `npx onfile` would. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'onfile.js');

/** Environment for a child: ONFILE_* and DATABASE_URL come only from `env`, never from the test runner's. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ONFILE_') && k !== 'DATABASE_URL' && !k.startsWith('NODE_TEST') && k !== 'NODE_OPTIONS') base[k] = v;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return base;
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an onfile command to completion, bounded in time. */
export function runOnfile(args: string[], env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], env, timeoutMs);
}

export function run(cmd: string, args: string[], env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface StartedServer {
  child: ChildProcess;
  url: string;
  account: string;
  sk: string;
  pk: string;
  stdout: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `onfile start` (or any command that ends up in it, like `npm start`) and waits, bounded,
 * for the banner with the URL, account and keys.
 */
export async function startOnfile(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { cmd?: string; timeoutMs?: number } = {},
): Promise<StartedServer> {
  const cmd = opts.cmd ?? process.execPath;
  const argv = opts.cmd ? args : [BIN, 'start', ...args];
  // detached: `npm start` runs onfile as a grandchild; stopping signals the whole group.
  const child = spawn(cmd, argv, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const banner = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      void stop();
      reject(new Error(`onfile did not start in time\nstdout:\n${out}\nstderr:\n${err}`));
    }, opts.timeoutMs ?? 30_000);
    const check = () => {
      const m = /onfile listening on (\S+)[^\n]*\n\s+account:\s+(acct_\w+)[^\n]*\n\s+secret key:\s+(\S+)\n\s+publishable key:\s+(\S+)/.exec(out);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`onfile exited early (${child.exitCode})\nstdout:\n${out}\nstderr:\n${err}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', check);
    child.once('exit', onExit);
    check();
  });
  return { child, url: banner[1], account: banner[2], sk: banner[3], pk: banner[4], stdout: () => out, stop };
}

/** A fresh PostgreSQL schema name for one test, and its removal. */
export function pgSchema(): string {
  return `cli_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/**
 * What a suite of `onfile start` tests on one engine sets up: data directories, PostgreSQL schemas
 * and started servers, all stopped and removed after the suite.
 */
export function cliFixtures(engine: 'sqlite' | 'postgres') {
  const dirs: string[] = [];
  const schemas: string[] = [];
  const running: StartedServer[] = [];
  after(async () => {
    for (const s of running) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    for (const schema of schemas) await dropSchema(schema);
  });
  return {
    dataDir(): string {
      const d = mkdtempSync(join(tmpdir(), 'onfile-cli-'));
      dirs.push(d);
      return d;
    },
    /** Storage of the engine: SQLite in the data dir, or a fresh PostgreSQL schema. */
    storage(): Record<string, string> {
      if (engine === 'sqlite') return { DATABASE_URL: '' };
      const schema = pgSchema();
      schemas.push(schema);
      return { DATABASE_URL: process.env.DATABASE_URL!, ONFILE_PG_SCHEMA: schema };
    },
    async start(...a: Parameters<typeof startOnfile>): Promise<StartedServer> {
      const s = await startOnfile(...a);
      running.push(s);
      return s;
    },
  };
}

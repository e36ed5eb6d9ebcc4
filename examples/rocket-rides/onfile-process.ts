import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface OnfileProcess {
  url: string;
  secretKey: string;
  publishableKey: string;
  /** What onfile printed: its URL, storage, account and keys. */
  banner: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const REPO = join(import.meta.dirname, '..', '..');

/**
 * Starts `onfile start` as its own process, exactly as a user would, and reads the URL and the
 * default account's test keys from what it prints. SQLite in `dataDir`; any DATABASE_URL in the
 * environment is not passed on, so the example never touches a shared database.
 */
export function startOnfile(opts: { dataDir: string; port: number; host?: string; timeoutMs?: number }): Promise<OnfileProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, ONFILE_LOG_LEVEL: process.env.ONFILE_LOG_LEVEL ?? 'warn' };
  delete env.DATABASE_URL;
  delete env.ONFILE_PG_SCHEMA;
  const child = spawn(process.execPath, [join(REPO, 'bin', 'onfile.js'), 'start', '--port', String(opts.port), '--host', opts.host ?? '127.0.0.1', '--data', opts.dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`onfile did not print its URL and keys within ${opts.timeoutMs ?? 60_000} ms`));
    }, opts.timeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`onfile exited (${code}) before it was ready`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /onfile listening on (\S+)/.exec(out)?.[1];
      const secretKey = /secret key:\s+(sk_\S+)/.exec(out)?.[1];
      const publishableKey = /publishable key:\s+(pk_\S+)/.exec(out)?.[1];
      if (url && secretKey && publishableKey) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ url, secretKey, publishableKey, banner: out.trimEnd(), child, stop });
      }
    });
  });
}

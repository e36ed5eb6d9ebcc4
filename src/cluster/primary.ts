import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import { systemClock } from '../lib/clock.js';
import type { Deps } from '../services/context.js';
import { openStore } from '../storage/open.js';
import type { Store } from '../storage/sql.js';
import { startBackground } from '../plugins.js';
import { outboxWritten } from '../webhooks/wake.js';
import { CONFIG_ENV, isMessage, type ToPrimary, type ToWorker } from './messages.js';

/**
 * `onfile start --workers N`: N processes serve HTTP on one port (node:cluster hands each new
 * connection to a worker in turn), so the API uses more than one core. They share the database the
 * same way several onfile servers share one PostgreSQL database; on SQLite, one file in WAL mode,
 * each worker's group commits taking the write lock in turn. This primary process serves no requests:
 * it applies migrations, creates the default account, runs the background workers (webhook
 * dispatcher, retention, reconciler, ...) and SQLite's checkpoints once for all, and replaces a
 * worker that crashed.
 */
const WORKER_ENTRY = fileURLToPath(new URL('../../bin/onfile-worker.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const RESTART_DELAY_MS = 1_000;

export interface RunningCluster {
  deps: Deps;
  /** The primary's own connection to the database (the workers have theirs). */
  store: Store;
  url: string;
  port: number;
  /** CPU time (user + system) used so far by the primary and every live worker, in microseconds. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

export async function startCluster(config: Config, workers: number): Promise<RunningCluster> {
  if (!cluster.isPrimary) throw new Error('startCluster runs in a primary process');
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: config.pgSchema });
  let url = config.publicUrl ?? '';
  const deps: Deps = { store, clock: systemClock, publicUrl: () => url };

  // The workers need the server's settings, not the default account's keys (the primary's business).
  const workerConfig: Config = { ...config, secretKey: undefined, publishableKey: undefined };
  cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: [], args: [] });
  const live = new Set<Worker>();
  let started = false;
  let stopping = false;
  let port = config.port;

  const failures = new Map<Worker, Error>();
  const cpuReplies = new Map<number, (micros: number) => void>();
  let nextCpuId = 1;

  const fork = () => {
    const worker = cluster.fork({ [CONFIG_ENV]: JSON.stringify(workerConfig) });
    live.add(worker);
    worker.on('message', (m: unknown) => {
      if (!isMessage<ToPrimary>(m)) return;
      if (m.onfile === 'outbox') outboxWritten();
      else if (m.onfile === 'cpu') cpuReplies.get(m.id)?.(m.micros);
      else if (m.onfile === 'failed') failures.set(worker, Object.assign(new Error(m.message), { code: m.code }));
    });
    worker.once('exit', (code: number | null, signal: string | null) => {
      live.delete(worker);
      // A worker that crashed (killed, out of memory) is replaced, after a second so that one
      // crashing at every start cannot spin; one that finished on a signal is not.
      if (!started || stopping || (code === 0 && !signal)) return;
      process.stderr.write(`onfile: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another\n`);
      setTimeout(() => {
        if (!stopping) fork();
      }, RESTART_DELAY_MS);
    });
    return worker;
  };

  const listening = (worker: Worker) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`an onfile worker did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      worker.once('listening', (address) => {
        clearTimeout(timer);
        worker.off('exit', early);
        resolve(address.port);
      });
      const early = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(failures.get(worker) ?? new Error(`an onfile worker exited before it listened (${signal ?? `code ${code}`})`));
      };
      worker.once('exit', early);
    });

  // Workers listening on the same host and port share the primary's one socket, also with port 0
  // (the OS picks one port for all).
  try {
    [port] = await Promise.all(Array.from({ length: workers }, () => listening(fork())));
  } catch (err) {
    for (const w of live) w.process.kill('SIGKILL');
    await store.close();
    throw err;
  }
  if (!config.publicUrl) url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  started = true;
  const stopBackground = startBackground(deps);

  return {
    deps,
    store,
    url,
    port,
    async cpuMicros() {
      const own = process.cpuUsage();
      const asks = [...live].map(
        (w) =>
          new Promise<number>((resolve) => {
            const id = nextCpuId++;
            const timer = setTimeout(() => done(0), 5_000);
            function done(micros: number) {
              clearTimeout(timer);
              cpuReplies.delete(id);
              resolve(micros);
            }
            cpuReplies.set(id, done);
            w.send({ onfile: 'cpu', id } satisfies ToWorker);
          }),
      );
      return own.user + own.system + (await Promise.all(asks)).reduce((a, b) => a + b, 0);
    },
    async close() {
      stopping = true;
      await stopBackground();
      await Promise.all(
        [...live].map((w) => {
          const exited = new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())));
          if (w.isConnected()) w.send({ onfile: 'stop' } satisfies ToWorker);
          const timer = setTimeout(() => w.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
          return exited.finally(() => clearTimeout(timer));
        }),
      );
      await store.close();
    },
  };
}

import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { stopWorker } from './worker-stop.js';

/**
 * WAL checkpoints copy committed pages into the database file and fsync it. SQLite runs them by
 * default inside the COMMIT that crosses the threshold, which on this synchronous driver stalls the
 * event loop (and every request in flight) for the copy. Here a worker thread with its own
 * connection checkpoints every few hundred milliseconds instead (PASSIVE: it never blocks readers or
 * the writer). Durability is unchanged: commits are in the WAL either way
 * (https://www.sqlite.org/wal.html#checkpointing).
 *
 * A PASSIVE checkpoint alone never lets the WAL start over while writes keep coming: the writer
 * reuses the file from its beginning only when a transaction starts with every frame copied. So once
 * the WAL holds `restartFrames` frames, the engine pauses its writer and the worker runs a RESTART
 * checkpoint: it takes the write lock (other processes' writers, such as a cluster's workers, wait
 * for it without blocking their event loops), copies the last frames, and the next transaction
 * restarts the WAL (see `restart`).
 *
 * The pause lasts as long as that RESTART copies and fsyncs, and fsync time grows with what was
 * written since the last checkpoint (a 250 ms tick of creates took 10 to 20 ms). So before pausing,
 * `catchUp` runs two more PASSIVE checkpoints while the writer goes on, which leaves the RESTART only
 * the frames of the last few milliseconds.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let timer;
const checkpoint = (mode = 'PASSIVE') => {
  try {
    const [r] = db.pragma('wal_checkpoint(' + mode + ')');
    return { log: r.log, checkpointed: r.checkpointed };
  } catch {
    return undefined; // busy or closing: the next tick retries
  }
};
const tick = () => {
  const r = checkpoint();
  if (r) parentPort.postMessage({ kind: 'progress', ...r });
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (msg) => {
  if (msg === 'catch-up') {
    checkpoint();
    checkpoint();
    parentPort.postMessage({ kind: 'caught-up' });
    return;
  }
  if (msg === 'restart') {
    parentPort.postMessage({ kind: 'restart', ...(checkpoint('RESTART') ?? {}) });
    return;
  }
  clearTimeout(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
tick();
`;

export interface Checkpointer {
  /** Called after each periodic checkpoint with the WAL's frame count (since it last restarted). */
  onProgress?: (walFrames: number) => void;
  /** Checkpoints what was written since the last tick, without blocking writers (before `restart`). */
  catchUp(): Promise<void>;
  /** Copies every remaining frame; call it while nothing writes, so the next write restarts the WAL. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const RESTART_TIMEOUT_MS = 2000;
const STOP_TIMEOUT_MS = 5000;

/** Starts the checkpointing thread for `file`. */
export function startCheckpointer(file: string, intervalMs = 250): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  worker.on('error', () => undefined); // a failed checkpointer leaves the writer's backstop in charge
  worker.unref();
  // The one answer each kind of request awaits; a request that goes unanswered gives up after a while.
  const waiting = new Map<string, () => void>();
  const ask = (request: string, answer: string) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, RESTART_TIMEOUT_MS);
      function done() {
        clearTimeout(timer);
        if (waiting.get(answer) === done) waiting.delete(answer);
        resolve();
      }
      waiting.set(answer, done);
      worker.postMessage(request);
    });
  const checkpointer: Checkpointer = {
    catchUp: () => ask('catch-up', 'caught-up'),
    restart: () => ask('restart', 'restart'),
    async stop() {
      // The process waits for the last checkpoint (bounded).
      await stopWorker(worker, 'stop', STOP_TIMEOUT_MS);
      for (const done of [...waiting.values()]) done();
    },
  };
  worker.on('message', (msg: { kind: string; log?: number }) => {
    if (msg.kind === 'restart' || msg.kind === 'caught-up') waiting.get(msg.kind)?.();
    else if (msg.kind === 'progress' && typeof msg.log === 'number') checkpointer.onProgress?.(msg.log);
  });
  return checkpointer;
}

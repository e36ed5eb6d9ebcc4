import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { once } from 'node:events';

/**
 * WAL checkpoints copy committed pages into the database file and fsync it. SQLite runs them by
 * default inside the COMMIT that crosses the threshold, which on this synchronous driver stalls the
 * event loop (and every request in flight) for the fsync. Here a worker thread with its own
 * connection checkpoints every few hundred milliseconds instead (PASSIVE: it never blocks readers or
 * the writer). Durability is unchanged: commits are in the WAL either way
 * (https://www.sqlite.org/wal.html#checkpointing).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let timer;
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
};
const tick = () => { checkpoint(); timer = setTimeout(tick, workerData.intervalMs); };
parentPort.on('message', () => {
  clearTimeout(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
tick();
`;

/** Starts the checkpointing thread for `file`; the returned function stops it (bounded wait). */
export function startCheckpointer(file: string, intervalMs = 250): () => Promise<void> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  worker.on('error', () => undefined); // a failed checkpointer leaves the writer's backstop in charge
  worker.unref();
  return async () => {
    // Referenced again while stopping, so the process waits for the last checkpoint (bounded).
    worker.ref();
    const exited = once(worker, 'exit').then(() => 'exited' as const, () => 'exited' as const);
    worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 5000)));
    const how = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (how === 'timeout') await worker.terminate();
  };
}

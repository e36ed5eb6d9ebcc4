import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Statement } from '../sql.js';
import { stopWorker } from './worker-stop.js';

/**
 * Statements that belong to no request's transaction (the request log) run here, on a worker thread
 * with its own connection to the database file, each batch in one transaction. A batch of a few
 * hundred log rows took the writer connection 2-3 ms, during which this process's event loop served
 * nobody; on the thread it waits for SQLite's write lock with a busy timeout like any other process
 * would, and the writer only sees a busy lock now and then (which its group commit retries without
 * blocking).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 10000');
const statements = new Map();
const prepared = (sql) => {
  let s = statements.get(sql);
  if (!s) {
    s = db.prepare(sql);
    statements.set(sql, s);
  }
  return s;
};
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.transaction(() => {
      for (const st of m.statements) prepared(st.sql).run(...st.params);
    })();
    parentPort.postMessage({ id: m.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, message: err && err.message, code: err && err.code });
  }
});
`;

type Reply = { id: number; ok: true } | { id: number; ok: false; message?: string; code?: string };

export interface DetachedWriter {
  /** Runs the statements in one transaction on the thread's connection; rejects with SQLite's error. */
  batch(statements: Statement[]): Promise<void>;
  /** Waits for the statements sent so far, then closes the connection (bounded). */
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 5000;

export function startDetachedWriter(file: string): DetachedWriter {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve(): void; reject(e: Error): void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  // Started on first use: a process that never logs a request never starts the thread.
  const thread = () => {
    if (worker) return worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    w.unref();
    w.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.ok) p.resolve();
      else p.reject(Object.assign(new Error(m.message ?? 'SQLite error'), { code: m.code }));
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      failAll(new Error('the detached SQLite writer stopped'));
    });
    worker = w;
    return w;
  };
  return {
    batch: (statements) =>
      new Promise<void>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const w = thread();
        // Referenced while it owes an answer, so that the process does not exit under a write.
        w.ref();
        w.postMessage({ id, statements });
      }),
    async close() {
      const w = worker;
      if (!w) return;
      worker = undefined;
      // Messages are handled in order: 'close' runs after every batch sent before it.
      await stopWorker(w, 'close', CLOSE_TIMEOUT_MS);
    },
  };
}

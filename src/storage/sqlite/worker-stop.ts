import type { Worker } from 'node:worker_threads';
import { once } from 'node:events';

/**
 * Asks a SQLite worker thread to finish (`message`: it handles what was sent before first, in order)
 * and waits for it to exit, for at most `timeoutMs`; a thread that does not exit by then is
 * terminated. Referenced meanwhile, so that the process waits for the thread's last write.
 */
export async function stopWorker(worker: Worker, message: string, timeoutMs: number): Promise<void> {
  worker.ref();
  const exited = once(worker, 'exit').then(() => 'exited' as const, () => 'exited' as const);
  worker.postMessage(message);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const how = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (how === 'timeout') await worker.terminate();
}

import type { Deps } from '../services/context.js';
import { pollingWorker } from '../lib/polling-worker.js';
import { reconcilePass } from './operations.js';

/**
 * The reconciler as a background worker: one pass over everything pending at start-up (whatever
 * a crash left half-done), then a pass every interval. ONFILE_RECONCILE_INTERVAL_MS and
 * ONFILE_RECONCILE_GRACE_MS tune it.
 */
export function reconcilerWorker(deps: Deps): () => Promise<void> {
  const intervalMs = Number(process.env.ONFILE_RECONCILE_INTERVAL_MS ?? 5_000);
  const graceMs = Number(process.env.ONFILE_RECONCILE_GRACE_MS ?? 10_000);
  const log = (msg: string, err?: unknown) => console.error(msg, err instanceof Error ? err.message : (err ?? ''));
  let startUp = true;
  return pollingWorker('reconciler', intervalMs, () => {
    const opts = startUp ? { graceMs: 0, everything: true, log } : { graceMs, log };
    startUp = false;
    return reconcilePass(deps, opts);
  });
}

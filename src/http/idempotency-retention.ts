import type { Deps } from '../services/context.js';
import { pruneIdempotencyKeys } from '../storage/repos/idempotency.js';

const HOUR_MS = 3600 * 1000;

/**
 * Idempotency keys are kept at least as long as Stripe promises: v1 keys "are eligible to be
 * removed ... after they're at least 24 hours old" (https://docs.stripe.com/api/idempotent_requests),
 * v2 keys for 30 days (https://docs.stripe.com/api-v2-overview). Older ones are deleted in small
 * batches, so no transaction holds the write lock for long.
 */
export async function pruneIdempotencyOnce(deps: Deps): Promise<number> {
  const now = deps.clock.nowMs();
  const v1Before = Math.floor((now - 24 * HOUR_MS) / 1000);
  const v2Before = Math.floor((now - 30 * 24 * HOUR_MS) / 1000);
  let total = 0;
  for (let after: number | undefined = 0; after !== undefined; ) {
    const from: number = after;
    const step = await deps.store.tx((t) => pruneIdempotencyKeys(t, v1Before, v2Before, 500, from));
    total += step.deleted;
    after = step.next;
  }
  return total;
}

/** Background worker: prunes at start-up and then hourly. */
export function idempotencyRetentionWorker(deps: Deps): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = pruneIdempotencyOnce(deps).catch((err) => process.emitWarning(`idempotency retention: ${err instanceof Error ? err.message : String(err)}`));
  };
  run();
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

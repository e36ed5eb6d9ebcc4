import type { Deps } from '../services/context.js';
import { pruneEvents } from '../storage/repos/events.js';
import { pruneRequestLog } from '../storage/repos/request-log.js';

const DAY_MS = 24 * 3600 * 1000;

export interface RetentionSettings {
  /** Stripe guarantees events for 30 days (https://docs.stripe.com/api/events). */
  eventDays: number;
  requestLogDays: number;
  intervalMs: number;
}

export function loadRetentionSettings(env: NodeJS.ProcessEnv = process.env): RetentionSettings {
  const num = (name: string, fallback: number) => {
    const v = env[name];
    const n = v === undefined || v === '' ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
    return n;
  };
  return {
    eventDays: num('ONFILE_EVENT_RETENTION_DAYS', 30),
    requestLogDays: num('ONFILE_REQUEST_LOG_RETENTION_DAYS', 7),
    intervalMs: Math.round(num('ONFILE_PRUNE_INTERVAL', 3600) * 1000),
  };
}

/** Deletes what is past retention, in small batches so no transaction holds the write lock for long. */
export async function pruneOnce(deps: Deps, settings: RetentionSettings): Promise<number> {
  const now = deps.clock.nowMs();
  const before = Math.floor((now - settings.eventDays * DAY_MS) / 1000);
  let total = 0;
  for (let after: number | undefined = 0; after !== undefined; ) {
    const from: number = after;
    const step = await deps.store.tx((t) => pruneEvents(t, before, 500, from));
    total += step.deleted;
    after = step.next;
  }
  total += await deps.store.tx((t) => pruneRequestLog(t, now - settings.requestLogDays * DAY_MS));
  return total;
}

/** Background worker: prunes at start-up and then every interval. */
export function startRetention(deps: Deps, settings = loadRetentionSettings()): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = pruneOnce(deps, settings).catch((err) => process.emitWarning(`event retention: ${err instanceof Error ? err.message : String(err)}`));
  };
  run();
  const timer = setInterval(run, settings.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

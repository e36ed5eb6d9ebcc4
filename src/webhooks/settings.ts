/**
 * Dispatcher settings, read from ONFILE_WEBHOOK_* when the dispatcher starts.
 *
 * Stripe retries a failed live-mode delivery "for up to three days with an exponential back off"
 * (https://docs.stripe.com/webhooks#retries) without publishing the intervals; the default schedule has that
 * shape. Tests compress it, e.g. ONFILE_WEBHOOK_RETRY_SCHEDULE=1,2,4 (seconds between attempts).
 */
export interface WebhookSettings {
  /** Delays (ms) before retry 1, 2, …; after the last one fails the delivery is marked failed. */
  retryScheduleMs: number[];
  /** Connect / response-headers / body timeouts of one attempt (ms); the whole attempt is bounded by timeoutMs. */
  connectTimeoutMs: number;
  timeoutMs: number;
  /** How long a claimed delivery stays leased to one dispatcher; must exceed timeoutMs. */
  leaseMs: number;
  /** Deliveries in flight per process. */
  concurrency: number;
  /** How often the outbox is polled for due rows (new events in this process also wake it). */
  pollMs: number;
  /** An endpoint that has failed every attempt for this long gets `status: disabled`; 0 never disables. */
  disableAfterMs: number;
}

// 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, then every 12 h: the last retry lands about 65 h after the first attempt.
const DEFAULT_SCHEDULE_S = [60, 300, 1800, 7200, 18000, 36000, 43200, 43200, 43200, 43200];

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds, got ${raw}`);
  return n;
}

export function parseSchedule(raw: string): number[] {
  if (raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isFinite(n) || n < 0) throw new Error(`ONFILE_WEBHOOK_RETRY_SCHEDULE: invalid delay ${part}`);
    return Math.round(n * 1000);
  });
}

export function loadWebhookSettings(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const retryScheduleMs = env.ONFILE_WEBHOOK_RETRY_SCHEDULE !== undefined ? parseSchedule(env.ONFILE_WEBHOOK_RETRY_SCHEDULE) : DEFAULT_SCHEDULE_S.map((s) => s * 1000);
  const timeoutMs = Math.round(seconds(env, 'ONFILE_WEBHOOK_TIMEOUT', 20) * 1000);
  const connectTimeoutMs = Math.min(timeoutMs, 10_000);
  const leaseMs = Math.round(seconds(env, 'ONFILE_WEBHOOK_LEASE', (timeoutMs + 30_000) / 1000) * 1000);
  if (leaseMs <= timeoutMs) throw new Error('ONFILE_WEBHOOK_LEASE must be longer than ONFILE_WEBHOOK_TIMEOUT');
  const concurrency = Math.max(1, Math.floor(seconds(env, 'ONFILE_WEBHOOK_CONCURRENCY', 8)));
  const pollMs = Math.max(10, Math.round(seconds(env, 'ONFILE_WEBHOOK_POLL', 0.25) * 1000));
  const disableAfterMs = Math.round(seconds(env, 'ONFILE_WEBHOOK_DISABLE_AFTER', 3 * 24 * 3600) * 1000);
  return { retryScheduleMs, connectTimeoutMs, timeoutMs, leaseMs, concurrency, pollMs, disableAfterMs };
}

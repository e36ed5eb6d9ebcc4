/**
 * Dispatcher settings, read from ONFILE_WEBHOOK_* when the dispatcher starts.
 *
 * Stripe retries a failed live-mode delivery "for up to three days with an exponential back off", and a
 * test-mode (sandbox) one "three times over a few hours" (https://docs.stripe.com/webhooks#retries),
 * without publishing the intervals; the default schedules have those shapes. Tests compress them, e.g.
 * ONFILE_WEBHOOK_RETRY_SCHEDULE=1,2,4 (seconds between attempts), which sets both modes' schedule unless
 * ONFILE_WEBHOOK_TEST_RETRY_SCHEDULE sets test mode's.
 */
export interface WebhookSettings {
  /** Delays (ms) before retry 1, 2, … of a live-mode delivery; after the last one fails the delivery is marked failed. */
  retryScheduleMs: number[];
  /** The same for a test-mode delivery. */
  testRetryScheduleMs: number[];
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
// 5 min, 1 h, 2 h: the third and last retry lands about 3 h after the first attempt.
const DEFAULT_TEST_SCHEDULE_S = [300, 3600, 7200];

/** The retry schedule of a delivery in the given mode. */
export function retryScheduleOf(settings: Pick<WebhookSettings, 'retryScheduleMs' | 'testRetryScheduleMs'>, livemode: boolean): number[] {
  return livemode ? settings.retryScheduleMs : settings.testRetryScheduleMs;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds, got ${raw}`);
  return n;
}

export function parseSchedule(raw: string, name = 'ONFILE_WEBHOOK_RETRY_SCHEDULE'): number[] {
  if (raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: invalid delay ${part}`);
    return Math.round(n * 1000);
  });
}

export function loadWebhookSettings(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const live = env.ONFILE_WEBHOOK_RETRY_SCHEDULE;
  const test = env.ONFILE_WEBHOOK_TEST_RETRY_SCHEDULE;
  const retryScheduleMs = live !== undefined ? parseSchedule(live) : DEFAULT_SCHEDULE_S.map((s) => s * 1000);
  const testRetryScheduleMs =
    test !== undefined ? parseSchedule(test, 'ONFILE_WEBHOOK_TEST_RETRY_SCHEDULE') : live !== undefined ? retryScheduleMs : DEFAULT_TEST_SCHEDULE_S.map((s) => s * 1000);
  const timeoutMs = Math.round(seconds(env, 'ONFILE_WEBHOOK_TIMEOUT', 20) * 1000);
  const connectTimeoutMs = Math.min(timeoutMs, 10_000);
  const leaseMs = Math.round(seconds(env, 'ONFILE_WEBHOOK_LEASE', (timeoutMs + 30_000) / 1000) * 1000);
  if (leaseMs <= timeoutMs) throw new Error('ONFILE_WEBHOOK_LEASE must be longer than ONFILE_WEBHOOK_TIMEOUT');
  const concurrency = Math.max(1, Math.floor(seconds(env, 'ONFILE_WEBHOOK_CONCURRENCY', 8)));
  const pollMs = Math.max(10, Math.round(seconds(env, 'ONFILE_WEBHOOK_POLL', 0.25) * 1000));
  const disableAfterMs = Math.round(seconds(env, 'ONFILE_WEBHOOK_DISABLE_AFTER', 3 * 24 * 3600) * 1000);
  return { retryScheduleMs, testRetryScheduleMs, connectTimeoutMs, timeoutMs, leaseMs, concurrency, pollMs, disableAfterMs };
}

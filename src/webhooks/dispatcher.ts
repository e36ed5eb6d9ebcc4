import { newToken } from '../lib/ids.js';
import type { Deps } from '../services/context.js';
import { getObject, updateObject } from '../storage/repos/objects.js';
import { getDeliveryTargetAnyScope, type DeliveryTarget, type EndpointInternal } from '../storage/repos/webhooks.js';
import { asV2Event, getEventAnyScope, addPendingWebhooks } from '../storage/repos/events.js';
import { thinDeliveryBody } from '../domain/events/v2-event.js';
import {
  claimDueDeliveries,
  finishAttempt,
  insertAttempt,
  nextDueAt,
  releaseLease,
  setDeliveryStatus,
  type Delivery,
} from '../storage/repos/deliveries.js';
import type { Sql } from '../storage/sql.js';
import { loadWebhookSettings, retryScheduleOf, type WebhookSettings } from './settings.js';
import { undiciTransport, type WebhookResponse, type WebhookTransport } from './transport.js';
import { signatureHeader } from './signature.js';
import { deliveryBody, deliveryHeaders } from './payload.js';
import { onOutboxWrite } from './wake.js';
import './outbox.js';

export interface DispatcherOptions {
  settings?: WebhookSettings;
  transport?: WebhookTransport;
}

/**
 * Delivers the outbox: claims due deliveries under a lease, POSTs each signed event with bounded
 * concurrency, records every attempt and schedules retries. It runs beside the HTTP server and shares
 * nothing with the request path but the database, so a slow receiver only ever holds one of its own slots.
 */
export function startDispatcher(deps: Deps, opts: DispatcherOptions = {}): () => Promise<void> {
  const settings = opts.settings ?? loadWebhookSettings();
  const transport = opts.transport ?? undiciTransport(settings);
  const owner = `dsp_${newToken(12)}`;
  const inflight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  let stopped = false;
  let claiming = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      void claim();
    }, Math.max(0, delayMs));
    timer.unref?.();
  };

  async function claim(): Promise<void> {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = true;
    let wait = settings.pollMs;
    try {
      const free = settings.concurrency - inflight.size;
      if (free > 0) {
        // A read first, so an idle dispatcher never takes SQLite's write lock just to find nothing.
        const due = await nextDueAt(deps.store.read);
        const now = deps.clock.nowMs();
        if (due !== null && due <= now) {
          const claimed = await deps.store.tx((t) => claimDueDeliveries(t, now, free, owner, now + settings.leaseMs));
          for (const d of claimed) start(d);
          if (claimed.length === free) wait = 0;
        } else if (due !== null) {
          // Sleep until the next retry is due, but never longer than the poll (other processes add rows).
          wait = Math.min(wait, due - now);
        }
      }
    } catch (err) {
      if (!stopped) process.emitWarning(`webhook dispatcher: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      claiming = false;
      if (again) {
        again = false;
        wait = 0;
      }
      if (inflight.size < settings.concurrency) schedule(wait);
    }
  }

  function start(d: Delivery): void {
    const abort = new AbortController();
    const done = deliver(deps, settings, transport, owner, d, abort.signal)
      .catch((err) => {
        if (!stopped) process.emitWarning(`webhook delivery ${d.id}: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        inflight.delete(d.id);
        schedule(0);
      });
    inflight.set(d.id, { done, abort });
  }

  const unsubscribe = onOutboxWrite(() => schedule(0));
  schedule(0);

  return async () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    // Abandon attempts in flight: their leases are released so the next process (or restart) resends them.
    for (const f of inflight.values()) f.abort.abort();
    await Promise.allSettled([...inflight.values()].map((f) => f.done));
    await transport.close().catch(() => undefined);
  };
}

async function deliver(deps: Deps, settings: WebhookSettings, transport: WebhookTransport, owner: string, d: Delivery, signal: AbortSignal): Promise<void> {
  const read = deps.store.read;
  const [stored, target] = await Promise.all([getEventAnyScope(read, d.eventId), getDeliveryTargetAnyScope(read, d.endpointId)]);
  // A deleted or disabled endpoint gets no further attempts (https://docs.stripe.com/webhooks#retries);
  // an event past retention has nothing left to send.
  if (!stored || !target?.enabled) {
    // Decided again inside the transaction that writes it (the endpoint may have been re-enabled since).
    await deps.store.tx(async (t) => {
      const [event, ep] = await Promise.all([getEventAnyScope(t, d.eventId), getDeliveryTargetAnyScope(t, d.endpointId)]);
      if (!event || !ep?.enabled) await setDeliveryStatus(t, d.id, owner, 'canceled', deps.clock.nowMs());
      else await releaseLease(t, d.id, owner);
    });
    return;
  }
  // A v2 event goes out as its thin notification; a v1 event as the event itself.
  const v2 = asV2Event(stored);
  const body = v2 ? thinDeliveryBody(v2) : deliveryBody(stored.event, d.apiVersion);
  const startedAt = deps.clock.nowMs();
  const secrets = target.internal.secrets.filter((s) => s.expires_at === null || s.expires_at > startedAt).map((s) => s.secret);
  // A fresh timestamp on every attempt: verifiers reject signatures older than their tolerance.
  const signature = signatureHeader(body, secrets, Math.floor(startedAt / 1000));
  const res = await transport.send({ url: target.url, body, headers: deliveryHeaders(signature), signal });
  if (signal.aborted) {
    // Shutting down: give the delivery back rather than count an attempt the receiver may not have seen.
    await deps.store.tx((t) => releaseLease(t, d.id, owner)).catch(() => undefined);
    return;
  }
  await recordOutcome(deps, settings, owner, d, target, startedAt, res);
}

const isSuccess = (status: number | null) => status !== null && status >= 200 && status < 300;

async function recordOutcome(deps: Deps, settings: WebhookSettings, owner: string, d: Delivery, target: DeliveryTarget, startedAt: number, res: WebhookResponse): Promise<void> {
  const url = target.url;
  const scope = { accountId: d.accountId, livemode: d.livemode };
  const ok = isSuccess(res.status);
  await deps.store.tx(async (t) => {
    const now = deps.clock.nowMs();
    const acknowledgedBefore = ok && (await everSucceeded(t, d.id));
    const schedule = retryScheduleOf(settings, d.livemode);
    let next: { status: Delivery['status']; retryIndex: number; nextAttemptAt: number };
    if (ok) next = { status: 'succeeded', retryIndex: d.retryIndex, nextAttemptAt: d.nextAttemptAt };
    else if (d.retryIndex < schedule.length) next = { status: 'pending', retryIndex: d.retryIndex + 1, nextAttemptAt: now + schedule[d.retryIndex] };
    else next = { status: 'failed', retryIndex: d.retryIndex, nextAttemptAt: d.nextAttemptAt };
    const stillOurs = await finishAttempt(t, d, { ...next, nowMs: now });
    await insertAttempt(t, scope, {
      deliveryId: d.id,
      eventId: d.eventId,
      endpointId: d.endpointId,
      url,
      attempt: d.attempts + 1,
      startedAt,
      durationMs: res.durationMs,
      httpStatus: res.status,
      responseBody: res.body,
      error: res.error ?? (ok ? null : `HTTP ${res.status}`),
      dispatcher: owner,
    });
    if (!stillOurs) return;
    // `pending_webhooks` counts endpoints that have not acknowledged the event yet.
    if (ok && !acknowledgedBefore) await addPendingWebhooks(t, d.eventId, -1);
    await updateHealth(t, settings, scope, target.type, d.endpointId, ok, now);
  });
}

async function everSucceeded(t: Sql, deliveryId: string): Promise<boolean> {
  const r = await t.one('SELECT 1 AS ok FROM webhook_attempts WHERE delivery_id = ? AND http_status >= 200 AND http_status < 300 LIMIT 1', [deliveryId]);
  return r !== undefined;
}

/**
 * Stripe disables an endpoint that keeps failing for days (https://docs.stripe.com/webhooks#disable-endpoint);
 * `failing_since` marks the start of the current run of failures and any success clears it.
 */
async function updateHealth(t: Sql, settings: WebhookSettings, scope: { accountId: string; livemode: boolean }, type: string, endpointId: string, ok: boolean, now: number): Promise<void> {
  // A v1 endpoint or a v2 event destination: both keep `status` and the same internal health record.
  const row = await getObject<{ status: string }, EndpointInternal>(t, scope, type, endpointId);
  if (!row) return;
  const since = row.internal.failing_since;
  if (ok) {
    if (since !== null) await updateObject(t, scope, row, { data: row.data, internal: { ...row.internal, failing_since: null } });
    return;
  }
  if (since === null) {
    await updateObject(t, scope, row, { data: row.data, internal: { ...row.internal, failing_since: now } });
    return;
  }
  if (settings.disableAfterMs > 0 && now - since >= settings.disableAfterMs && row.data.status === 'enabled') {
    await updateObject(t, scope, row, { data: { ...row.data, status: 'disabled' }, internal: row.internal });
  }
}

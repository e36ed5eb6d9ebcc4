import { Agent, request } from 'undici';
import type { WebhookSettings } from './settings.js';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  signal?: AbortSignal;
}

export interface WebhookResponse {
  /** null when no response arrived (refused, timeout, reset) */
  status: number | null;
  /** the first KiB of the response body, as text */
  body: string | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookTransport {
  send(req: WebhookRequest): Promise<WebhookResponse>;
  close(): Promise<void>;
}

const BODY_KEPT = 1024;

/**
 * POSTs with undici through one Agent whose connect, headers and body timeouts bound every attempt; the
 * whole attempt is also bounded by an abort timer. Redirects are not followed: Stripe counts a 3xx as a
 * failure (https://docs.stripe.com/webhooks#handle-events-asynchronously).
 */
export function undiciTransport(settings: Pick<WebhookSettings, 'connectTimeoutMs' | 'timeoutMs' | 'concurrency'>): WebhookTransport {
  const agent = new Agent({
    connect: { timeout: settings.connectTimeoutMs },
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    keepAliveTimeout: 4_000,
    connections: settings.concurrency,
  });
  return {
    async send(req) {
      const started = performance.now();
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      try {
        const res = await request(req.url, { method: 'POST', headers: req.headers, body: req.body, dispatcher: agent, signal });
        const chunks: Buffer[] = [];
        let kept = 0;
        for await (const chunk of res.body) {
          const buf = chunk as Buffer;
          chunks.push(buf.subarray(0, BODY_KEPT - kept));
          kept += Math.min(buf.length, BODY_KEPT - kept);
          if (kept >= BODY_KEPT) break;
        }
        if (kept >= BODY_KEPT) res.body.destroy();
        return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), error: null, durationMs: Math.round(performance.now() - started) };
      } catch (err) {
        return { status: null, body: null, error: describe(err, timeout.aborted), durationMs: Math.round(performance.now() - started) };
      }
    },
    close: () => agent.close(),
  };
}

function describe(err: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout: no complete response in time';
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `timeout (${code})`;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code ? `${code}: ${message}` : message;
}

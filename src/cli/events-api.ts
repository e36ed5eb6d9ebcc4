import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';

/**
 * How the HTTP-only CLI commands (listen, trigger, events, logs) reach a running onfile: `--api-base`
 * (default http://127.0.0.1:12111) and a secret key from `--api-key`, ONFILE_SECRET_KEY, or the default
 * account's key file that `onfile start` writes in the data directory.
 */
export interface Connection {
  base: string;
  key: string;
}

export interface ConnectionOptions {
  apiKey?: string;
  apiBase?: string;
  data?: string;
}

export function resolveConnection(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const base = (opts.apiBase ?? env.ONFILE_API_BASE ?? 'http://127.0.0.1:12111').replace(/\/+$/, '');
  let key = opts.apiKey ?? env.ONFILE_SECRET_KEY;
  if (!key) {
    const dataDir = loadConfig({ dataDir: opts.data }, env).dataDir;
    try {
      key = (JSON.parse(readFileSync(join(dataDir, 'default-keys.json'), 'utf8')) as { secret_key?: string }).secret_key;
    } catch {
      // no key file: reported below
    }
  }
  if (!key) throw new CliError(`no API key: pass --api-key sk_test_…, set ONFILE_SECRET_KEY, or run \`onfile start\` in this directory first`);
  if (!/^sk_(test|live)_/.test(key)) throw new CliError('the API key must be a secret key (sk_test_… or sk_live_…)');
  return { base, key };
}

/** An error the CLI prints as one line, without a stack. */
export class CliError extends Error {}

export async function apiGet<T>(conn: Connection, path: string, query: Record<string, string | string[] | number | undefined> = {}): Promise<T> {
  const url = new URL(conn.base + path);
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) v.forEach((item, i) => url.searchParams.append(`${k}[${i}]`, item));
    else url.searchParams.set(k, String(v));
  }
  return call<T>(conn, url, { method: 'GET' });
}

export async function apiPost<T>(conn: Connection, path: string, form: Record<string, string> = {}): Promise<T> {
  return call<T>(conn, new URL(conn.base + path), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

async function call<T>(conn: Connection, url: URL, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${conn.key}` }, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new CliError(`cannot reach onfile at ${conn.base} (${causeOf(err)}); is \`onfile start\` running?`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`${init.method} ${url.pathname}: HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) {
    const e = (body as { error?: { message?: string } }).error;
    throw new CliError(`${init.method} ${url.pathname}: ${e?.message ?? `HTTP ${res.status}`}`);
  }
  return body as T;
}

export function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** `2026-11-27 14:03:09` in local time, as the Stripe CLI prints it. */
export function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export interface StreamedEvent {
  id: string;
  type: string;
  /** unix seconds (v1), or an RFC 3339 time (v2 `v2.core.event`) */
  created: number | string;
  object?: string;
  [k: string]: unknown;
}

/** When an event was created, in milliseconds, whichever API version wrote it. */
export function createdMs(event: StreamedEvent): number {
  return typeof event.created === 'number' ? event.created * 1000 : Date.parse(event.created);
}

/**
 * Follows `GET /_onfile/events/stream` (server-sent events) until `signal` aborts, reconnecting after a
 * dropped connection (an onfile restart) from the last event seen, so nothing is skipped.
 */
export async function followEvents(
  conn: Connection,
  opts: {
    types?: string[];
    /** v2 (thin) event types to follow too */
    thinTypes?: string[];
    after?: string;
    signal: AbortSignal;
    onEvent: (e: StreamedEvent, raw: string) => void;
    /** called once the stream is open: events from then on will arrive */
    onConnected?: () => void;
    onError?: (msg: string) => void;
  },
): Promise<void> {
  let after = opts.after;
  let backoff = 250;
  while (!opts.signal.aborted) {
    const url = new URL(`${conn.base}/_onfile/events/stream`);
    if (after) url.searchParams.set('after', after);
    (opts.types ?? []).forEach((t, i) => url.searchParams.append(`types[${i}]`, t));
    (opts.thinTypes ?? []).forEach((t, i) => url.searchParams.append(`thin_types[${i}]`, t));
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${conn.key}`, accept: 'text/event-stream' }, signal: opts.signal });
      if (!res.ok || !res.body) {
        const text = await res.text();
        let message = `HTTP ${res.status}`;
        try {
          message = (JSON.parse(text) as { error: { message: string } }).error.message;
        } catch {
          // keep the status
        }
        if (res.status >= 400 && res.status < 500) throw new CliError(message);
        throw new Error(message);
      }
      backoff = 250;
      opts.onConnected?.();
      let buf = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const message = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = message
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!data) continue;
          const event = JSON.parse(data) as StreamedEvent;
          after = event.id;
          opts.onEvent(event, data);
        }
      }
    } catch (err) {
      if (opts.signal.aborted) return;
      if (err instanceof CliError) throw err;
      opts.onError?.(`connection to ${conn.base} lost (${causeOf(err)}); reconnecting`);
    }
    if (opts.signal.aborted) return;
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 5_000);
  }
}

/** Resolves when SIGINT/SIGTERM arrives, aborting `controller`. */
export function abortOnSignals(controller: AbortController): void {
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Wraps a command action: a CliError (or an API error) prints one line and exits 1 instead of a stack trace. */
export function cliAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof CliError || (err as { type?: string }).type?.startsWith?.('Stripe')) {
        process.stderr.write(`error: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
  };
}

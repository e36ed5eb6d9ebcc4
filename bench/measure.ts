import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { Phase } from './phase.js';
import type { SdkShape } from './sdk-shape.js';

/** A server under load: onfile or the bare Fastify yardstick. */
export interface LoadTarget {
  label: 'onfile' | 'bare';
  url: string;
  /** CPU time the server process has used so far, in microseconds. */
  cpu(): Promise<number>;
}

export interface Measurement {
  /** Completed requests per second over the whole run. */
  rps: number;
  /** Latency percentiles, milliseconds. */
  p50: number;
  p99: number;
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Server CPU per completed request (µs): steadier than req/s on a machine shared with other load. */
  cpuUsPerRequest: number;
  statusCodes: Record<string, number>;
}

export interface MeasureOptions {
  seconds: number;
  connections: number;
  /** Key for requests that do not name one. */
  defaultKey: string;
  sdk: SdkShape;
  /** Pass responses to phase.onResponse (measured onfile runs). */
  record: boolean;
}

/**
 * Drives one phase against one server with autocannon for a fixed time (the run stops itself; each
 * request also has autocannon's 10 s timeout). Every request is built afresh: POSTs get a new
 * Idempotency-Key in the SDK's own format, as stripe-node sends on every POST.
 */
export async function measure(target: LoadTarget, phase: Phase, opts: MeasureOptions): Promise<Measurement> {
  const build = (defaults: autocannon.Request): autocannon.Request => {
    const r = phase.request();
    const headers: Record<string, string> = {
      ...(r.method === 'POST' ? opts.sdk.postHeaders : opts.sdk.getHeaders),
      authorization: `Bearer ${r.key ?? opts.defaultKey}`,
    };
    if (r.method === 'POST') headers['idempotency-key'] = `stripe-node-retry-${randomUUID()}`;
    return { ...defaults, method: r.method, path: r.path, headers, body: r.method === 'POST' ? (r.body ?? '') : undefined };
  };
  const onResponse = phase.onResponse
    ? (status: number, body: string) => {
        if (opts.record) phase.onResponse!(status, body);
      }
    : undefined;

  const cpuBefore = await target.cpu();
  const result = await autocannon({
    url: target.url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    requests: [{ setupRequest: build, ...(onResponse ? { onResponse } : {}) } as autocannon.Request],
  });
  const cpuAfter = await target.cpu();

  const completed = result.requests.total;
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (s as { count: number }).count;
  return {
    rps: completed / Math.max(result.duration, 0.001),
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuUsPerRequest: completed > 0 ? (cpuAfter - cpuBefore) / completed : 0,
    statusCodes,
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from '../http/auth.js';
import type { Deps } from '../services/context.js';
import type { FormObject } from '../lib/form.js';
import { insertRequestLogEntries, type RequestLogEntry } from '../storage/repos/request-log.js';

const FLUSH_MS = 200;
const FLUSH_AT = 200;
/** Beyond this many unwritten entries (a stalled database) the oldest are dropped: the log must never hold up the API. */
const MAX_BUFFERED = 10_000;

/**
 * Records every API request (/v1, /v2) for `onfile logs` and `GET /_onfile/requests`. The hook runs after
 * the response is sent and only appends to a buffer; a timer writes the buffer in one statement.
 */
export function registerRequestLog(app: FastifyInstance, deps: Deps): void {
  const auth = new Authenticator(deps.store);
  let buffer: RequestLogEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!buffer.length) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing
      .then(() => deps.store.tx((t) => insertRequestLogEntries(t, batch)))
      .catch((err) => process.emitWarning(`request log: ${err instanceof Error ? err.message : String(err)}`));
    return flushing;
  };

  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0];
    if (!path.startsWith('/v1/') && !path.startsWith('/v2/')) return;
    if (req.method === 'OPTIONS') return;
    const entry: RequestLogEntry = {
      requestId: req.stripeRequestId,
      accountId: null,
      livemode: null,
      method: req.method,
      path,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
      createdMs: deps.clock.nowMs(),
      idempotencyKey: header(req, 'idempotency-key'),
      stripeVersion: (reply.getHeader('stripe-version') as string | undefined) ?? null,
    };
    const keyParam = ((req.query ?? {}) as FormObject).key ?? (req.body && typeof req.body === 'object' ? (req.body as FormObject).key : undefined);
    const key = Authenticator.keyFrom(req.headers.authorization, keyParam);
    if (key) {
      // Served from the authenticator's cache for every key that worked. A request no account made (no or a bad
      // key) is not kept: the log is shown per account.
      const caller = await auth.authenticate(key).catch(() => undefined);
      if (caller) {
        entry.accountId = caller.account.id;
        entry.livemode = caller.key.livemode;
      }
    }
    if (!entry.accountId) return;
    buffer.push(entry);
    if (buffer.length > MAX_BUFFERED) buffer.splice(0, buffer.length - MAX_BUFFERED);
    if (buffer.length >= FLUSH_AT) void flush();
    else if (!timer) {
      timer = setTimeout(() => void flush(), FLUSH_MS);
      timer.unref();
    }
  });

  app.addHook('onClose', async () => {
    await flush();
  });
}

function header(req: FastifyRequest, name: string): string | null {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

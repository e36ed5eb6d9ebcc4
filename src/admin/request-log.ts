import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from '../http/auth.js';
import type { Deps } from '../services/context.js';
import type { FormObject } from '../lib/form.js';
import { insertRequestLogEntries, requestLogInserts, type RequestLogEntry } from '../storage/repos/request-log.js';

const FLUSH_MS = 200;
/**
 * Under load a batch is written at this many entries. Each batch wakes the detached writer's thread,
 * which on a busy 2-core machine takes a core from the load itself: at 200 entries a retrieve load
 * ran 9% slower than with the log on the event loop, at 1000 it ran 5% faster (side by side).
 */
const FLUSH_AT = 1000;
/** Beyond this many unwritten entries (a stalled database) the oldest are dropped: the log must never hold up the API. */
const MAX_BUFFERED = 10_000;

/**
 * Records every API request (/v1, /v2) for `onfile logs` and `GET /_onfile/requests`. The hook runs after
 * the response is sent and only appends to a buffer; a timer writes the buffer in one statement.
 */
export function registerRequestLog(app: FastifyInstance, deps: Deps): void {
  const auth = new Authenticator(deps.store);
  // Entries keep the order responses were sent in. A request refused before its route authenticated it
  // (a malformed body, an unknown URL) carries its key instead, looked up at flush time.
  let buffer: { entry: RequestLogEntry; key?: string }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const write = async (batch: { entry: RequestLogEntry; key?: string }[]) => {
    const entries: RequestLogEntry[] = [];
    for (const { entry, key } of batch) {
      if (key === undefined) {
        entries.push(entry);
        continue;
      }
      // A request no account made (a bad key) is not kept: the log is shown per account.
      const caller = await auth.authenticate(key).catch(() => undefined);
      if (!caller) continue;
      entries.push({ ...entry, accountId: caller.account.id, livemode: caller.key.livemode });
    }
    if (!entries.length) return;
    // On SQLite's detached writer the log never takes the API's writer connection or event loop.
    if (deps.store.detached) await deps.store.detached.batch(requestLogInserts(entries));
    else await deps.store.tx((t) => insertRequestLogEntries(t, entries));
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!buffer.length) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing.then(() => write(batch)).catch((err) => process.emitWarning(`request log: ${err instanceof Error ? err.message : String(err)}`));
    return flushing;
  };

  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    record(req, reply);
    done();
  });

  const record = (req: FastifyRequest, reply: FastifyReply) => {
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
    const scope = req.stripeScope;
    if (scope) {
      entry.accountId = scope.accountId;
      entry.livemode = scope.livemode;
      buffer.push({ entry });
    } else {
      const keyParam = ((req.query ?? {}) as FormObject).key ?? (req.body && typeof req.body === 'object' ? (req.body as FormObject).key : undefined);
      const key = Authenticator.keyFrom(req.headers.authorization, keyParam);
      if (!key) return;
      buffer.push({ entry, key });
    }
    if (buffer.length > MAX_BUFFERED) buffer.splice(0, buffer.length - MAX_BUFFERED);
    if (buffer.length >= FLUSH_AT) void flush();
    else if (!timer) {
      timer = setTimeout(() => void flush(), FLUSH_MS);
      timer.unref();
    }
  };

  app.addHook('onClose', async () => {
    await flush();
  });
}

function header(req: FastifyRequest, name: string): string | null {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

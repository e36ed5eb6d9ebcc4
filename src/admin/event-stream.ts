import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../services/context.js';
import { errors } from '../errors/catalogue.js';
import { arr, decodeParams, str } from '../api/params.js';
import { eventCursorSeq, eventsAfter, latestEventSeq } from '../storage/repos/events.js';
import { ADMIN_PREFIX, adminAuth, adminParams } from './context.js';
import { isV2EventTypeName } from '../domain/events/v2-event.js';
import { eventAtVersion } from '../domain/events/event-version.js';

const streamParams = {
  /** resume after this event (what a reconnecting client saw last); default: only events from now on */
  after: str({ max: 255 }),
  /** exact types or `*` patterns (`payment_intent.*`); default all */
  types: arr(str({ max: 255 })),
  /** v2 (thin) event types or patterns to stream as well; default none, as `stripe listen` */
  thin_types: arr(str({ max: 255 })),
};

const POLL_MS = 200;
const HEARTBEAT_MS = 15_000;

export function typeMatcher(patterns: readonly string[] | undefined): (type: string) => boolean {
  if (!patterns?.length || patterns.includes('*')) return () => true;
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (type) => res.some((r) => r.test(type));
}

/**
 * `GET /_onfile/events/stream`: server-sent events, one `event: event` message per new Stripe event of the
 * caller's account and mode (v2 thin events only with `thin_types`), in creation order (the stream
 * `onfile listen` and `onfile events --follow` read).
 * It polls the events table, so events written by any onfile process sharing the database appear.
 */
export function registerEventStream(app: FastifyInstance, deps: Deps): void {
  const authenticate = adminAuth(deps);
  const open = new Set<() => void>();
  // Long-lived responses would keep app.close() waiting; end them first.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get(`${ADMIN_PREFIX}/events/stream`, async (req: FastifyRequest, reply: FastifyReply) => {
    const ctx = await authenticate(req);
    const p = decodeParams(streamParams, adminParams(req));
    let last: number;
    if (p.after) {
      const seq = await eventCursorSeq(deps.store.read, ctx.scope, p.after);
      if (seq === undefined) throw errors.resourceMissing('event', p.after, 'after', 400);
      last = seq;
    } else last = await latestEventSeq(deps.store.read, ctx.scope);
    const wantedV1 = typeMatcher(p.types);
    const wantedV2 = p.thin_types?.length ? typeMatcher(p.thin_types) : undefined;
    const wanted = (type: string) => (isV2EventTypeName(type) ? (wantedV2?.(type) ?? false) : wantedV1(type));

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'request-id': req.stripeRequestId,
      'x-accel-buffering': 'no',
    });
    res.write(': onfile event stream\n\n');

    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    let lastWrite = Date.now();
    const end = () => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      open.delete(end);
      res.end();
    };
    open.add(end);
    req.raw.on('close', end);
    res.on('error', end);

    const poll = async () => {
      if (ended) return;
      try {
        const batch = await eventsAfter(deps.store.read, ctx.scope, last, 100, wantedV2 !== undefined);
        for (const s of batch) {
          last = s.seq;
          if (!wanted(s.event.type)) continue;
          res.write(`id: ${s.event.id}\nevent: event\ndata: ${JSON.stringify(eventAtVersion(s.event, s.event.api_version))}\n\n`);
          lastWrite = Date.now();
        }
        if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          res.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        if (!ended) timer = setTimeout(poll, batch.length === 100 ? 0 : POLL_MS);
      } catch {
        end();
      }
    };
    void poll();
  });
}

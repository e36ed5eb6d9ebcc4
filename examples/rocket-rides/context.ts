import type { FastifyReply, FastifyRequest } from 'fastify';
import type Stripe from 'stripe';
import type { Rider, Store } from './store.js';

export interface AppContext {
  /** The official Node SDK with Rocket Rides' secret key, pointed at onfile. */
  stripe: Stripe;
  store: Store;
  /** onfile's origin: the browser loads `${onfileUrl}/v3/` from it. */
  onfileUrl: string;
  publishableKey: string;
  /** This app's own origin, once it listens (return_url and the webhook endpoint use it). */
  appUrl(): string;
}

export const SESSION_COOKIE = 'rr_session';

export function sessionOf(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function currentRider(ctx: AppContext, req: FastifyRequest): Rider | undefined {
  return ctx.store.riderForSession(sessionOf(req));
}

/** Pages behind sign-up send a signed-out visitor home; returns undefined when it did. */
export function requireRider(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Rider | undefined {
  const rider = currentRider(ctx, req);
  if (!rider) void reply.code(303).header('Location', '/').send();
  return rider;
}

export function sendPage(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.code(status).header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-store').send(markup);
}

/** Ride prices, in cents. The first ride matches the seed's `amount=1000`. */
export const FIRST_RIDE = { amount: 1000, currency: 'usd' } as const;
export const RIDE = { amount: 1500, currency: 'usd' } as const;
/** The seed passes a statement descriptor on its PaymentIntents. */
export const STATEMENT_DESCRIPTOR = 'ROCKET RIDES';

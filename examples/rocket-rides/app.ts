import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { sendPage, currentRider, type AppContext } from './context.js';
import { html } from './html.js';
import { page } from './layout.js';
import { Store } from './store.js';
import { homeRoutes } from './routes/home.js';
import { saveRoutes } from './routes/save.js';
import { firstRideRoutes } from './routes/first-ride.js';
import { returnRoutes } from './routes/return.js';
import { rideRoutes } from './routes/rides.js';
import { paymentMethodRoutes } from './routes/payment-methods.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface RocketRidesOptions {
  /** onfile's origin, e.g. http://127.0.0.1:12111. */
  onfileUrl: string;
  secretKey: string;
  publishableKey: string;
  /** Where the app keeps its own records (rocket-rides.json). */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RocketRides {
  url: string;
  app: FastifyInstance;
  stripe: Stripe;
  webhookEndpointId: string;
  close(): Promise<void>;
}

const BROWSER_SCRIPT = readFileSync(join(import.meta.dirname, 'public', 'rocket-rides.js'), 'utf8');

/** The official SDK aimed at onfile instead of api.stripe.com; it keeps its pinned API version. */
export function stripeFor(onfileUrl: string, secretKey: string): Stripe {
  const u = new URL(onfileUrl);
  return new Stripe(secretKey, {
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    protocol: u.protocol === 'https:' ? 'https' : 'http',
    appInfo: { name: 'Rocket Rides (onfile example)' },
  });
}

/** Starts Rocket Rides: listens, then registers (or re-points) its webhook endpoint at onfile. */
export async function startRocketRides(opts: RocketRidesOptions): Promise<RocketRides> {
  const stripe = stripeFor(opts.onfileUrl, opts.secretKey);
  const store = new Store(join(opts.dataDir, 'rocket-rides.json'));
  let url = '';
  const ctx: AppContext = { stripe, store, onfileUrl: opts.onfileUrl.replace(/\/$/, ''), publishableKey: opts.publishableKey, appUrl: () => url };

  const app = Fastify({ logger: false });
  // Forms arrive url-encoded; webhook bodies stay raw text, since the signature covers the exact bytes.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.get('/static/rocket-rides.js', async (_req, reply) => reply.header('Content-Type', 'application/javascript; charset=utf-8').send(BROWSER_SCRIPT));
  for (const routes of [homeRoutes, saveRoutes, firstRideRoutes, returnRoutes, rideRoutes, paymentMethodRoutes, webhookRoutes]) routes(app, ctx);
  app.setErrorHandler((err, req, reply) => {
    // A Stripe API error is shown as Stripe describes it; anything else without internals.
    const e = err as Partial<Stripe.errors.StripeError>;
    const isStripe = typeof e.rawType === 'string';
    const message = isStripe ? `${e.message} (${e.rawType}${e.code ? `, ${e.code}` : ''})` : 'Something went wrong.';
    if (!isStripe) req.log.error(err);
    return sendPage(reply, page({ title: 'Error', rider: currentRider(ctx, req), onfileUrl: ctx.onfileUrl }, html`<section><h1>That did not work</h1><p class="error" role="alert" id="error">${message}</p><p><a href="/">Back</a></p></section>`), isStripe ? 502 : 500);
  });

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 4242 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  url = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  let webhookEndpointId: string;
  try {
    webhookEndpointId = await ensureWebhookEndpoint(stripe, store, `${url}/webhook`);
  } catch (err) {
    await app.close();
    throw err;
  }
  return { url, app, stripe, webhookEndpointId, close: () => app.close() };
}

/**
 * The signing secret is only returned when an endpoint is created, so the app keeps it; after a
 * restart on another port it moves the same endpoint to the new URL.
 */
async function ensureWebhookEndpoint(stripe: Stripe, store: Store, url: string): Promise<string> {
  const known = store.webhookEndpoint;
  if (known) {
    const existing = await stripe.webhookEndpoints.retrieve(known.id).catch((err: Stripe.errors.StripeError) => {
      if (err.statusCode === 404) return undefined;
      throw err;
    });
    if (existing) {
      if (existing.url !== url) await stripe.webhookEndpoints.update(known.id, { url });
      if (known.url !== url) store.setWebhookEndpoint({ ...known, url });
      return known.id;
    }
  }
  const created = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'], description: 'Rocket Rides example' });
  store.setWebhookEndpoint({ id: created.id, secret: created.secret!, url });
  return created.id;
}

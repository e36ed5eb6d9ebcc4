import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { requireRider, sendPage, type AppContext } from '../context.js';
import { ownedBy, ownerParams } from '../customers.js';
import { html } from '../html.js';
import { AUTHORIZATION_TEXT, authorizationTerms, page } from '../layout.js';
import type { Rider } from '../store.js';

/**
 * Saving Amazon Pay with a SetupIntent, both ways the seed hands the client secret to the browser
 * ("Retrieve the client secret"): a single-page app fetching `/secret`, and a server-rendered
 * `/checkout` page. Either way the browser confirms with `stripe.confirmAmazonPaySetup`.
 */
export function saveRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Single-page application: the page is static; its script fetches the client secret.
  app.get('/save', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    return sendPage(reply, page({ title: 'Save Amazon Pay', rider, onfileUrl: ctx.onfileUrl, script: browserConfig(ctx, 'setup', null) }, setupForm('Save Amazon Pay', 'The client secret comes from /secret.')));
  });

  app.get('/secret', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const intent = await createSetupIntent(ctx, rider);
    return reply.header('Cache-Control', 'no-store').send({ client_secret: intent.client_secret });
  });

  // Server-side rendering: the client secret is part of the page.
  app.get('/checkout', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const intent = await createSetupIntent(ctx, rider);
    return sendPage(reply, page({ title: 'Checkout', rider, onfileUrl: ctx.onfileUrl, script: browserConfig(ctx, 'setup', intent.client_secret) }, setupForm('Checkout: save Amazon Pay', 'The client secret was rendered into this page.')));
  });

  // The page reports the rider's opt-in just before it confirms; the server keeps the record.
  app.post('/acceptance', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const intentId = String(((req.body ?? {}) as Record<string, unknown>).intent ?? '');
    const intent = await loadOwnIntent(ctx, rider, intentId);
    if (!intent) return reply.code(404).send({ error: 'unknown intent' });
    ctx.store.recordAcceptance(rider.id, {
      text: AUTHORIZATION_TEXT,
      accepted_at: Math.floor(Date.now() / 1000),
      ip: req.ip,
      user_agent: String(req.headers['user-agent'] ?? ''),
      intent: intent.id,
      via: 'stripe.js',
    });
    if (intent.object === 'payment_intent') ctx.store.recordRide(rider.id, intent.id);
    return reply.code(204).send();
  });
}

/** The seed's "Create a SetupIntent and save a payment method", for this rider. */
function createSetupIntent(ctx: AppContext, rider: Rider): Promise<Stripe.SetupIntent> {
  return ctx.stripe.setupIntents.create({
    // API 2026-10-28.endive (the SDK's pinned version) names the seed's `payment_method_types` this way.
    allowed_payment_method_types: ['amazon_pay'],
    payment_method_data: { type: 'amazon_pay' },
    usage: 'off_session',
    ...ownerParams(rider),
  });
}

async function loadOwnIntent(ctx: AppContext, rider: Rider, id: string): Promise<Stripe.SetupIntent | Stripe.PaymentIntent | undefined> {
  try {
    if (/^seti_[A-Za-z0-9]+$/.test(id)) {
      const si = await ctx.stripe.setupIntents.retrieve(id);
      return ownedBy(rider, si) ? si : undefined;
    }
    if (/^pi_[A-Za-z0-9]+$/.test(id)) {
      const pi = await ctx.stripe.paymentIntents.retrieve(id);
      return ownedBy(rider, pi) ? pi : undefined;
    }
  } catch (err) {
    if ((err as Stripe.errors.StripeError).statusCode === 404) return undefined;
    throw err;
  }
  return undefined;
}

export function browserConfig(ctx: AppContext, flow: 'setup' | 'payment' | 'return', clientSecret: string | null): Record<string, unknown> {
  return { publishableKey: ctx.publishableKey, flow, clientSecret, returnUrl: `${ctx.appUrl()}/return` };
}

function setupForm(title: string, how: string) {
  return html`<section>
<h1>${title}</h1>
<p>Rocket Rides saves your Amazon Pay account to charge each ride when it ends. ${how}</p>
<form id="confirm-form">
${authorizationTerms()}
<button class="primary" type="submit" id="confirm" disabled>Continue with Amazon Pay</button>
</form>
<p id="message" role="status"></p>
</section>`;
}

import type { FastifyInstance } from 'fastify';
import { FIRST_RIDE, requireRider, sendPage, STATEMENT_DESCRIPTOR, type AppContext } from '../context.js';
import { ownerParams } from '../customers.js';
import { html, money } from '../html.js';
import { AUTHORIZATION_TEXT, authorizationTerms, page } from '../layout.js';
import { browserConfig } from './save.js';

/**
 * Saving Amazon Pay while paying for the first ride: a PaymentIntent with
 * `setup_future_usage=off_session` (the seed's "Create a PaymentIntent and save a payment method").
 * The page offers both ways to confirm it: Stripe.js (`confirmAmazonPayPayment`), or the seed's
 * "Handle the Amazon Pay redirect manually": the server confirms and redirects to
 * `next_action.redirect_to_url.url`.
 */
export function firstRideRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/first-ride', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const intent = await ctx.stripe.paymentIntents.create({
      amount: FIRST_RIDE.amount,
      currency: FIRST_RIDE.currency,
      allowed_payment_method_types: ['amazon_pay'],
      setup_future_usage: 'off_session',
      statement_descriptor: STATEMENT_DESCRIPTOR,
      description: 'First ride',
      ...ownerParams(rider),
    });
    const price = money(FIRST_RIDE.amount, FIRST_RIDE.currency);
    return sendPage(
      reply,
      page(
        { title: 'First ride', rider, onfileUrl: ctx.onfileUrl, script: browserConfig(ctx, 'payment', intent.client_secret) },
        html`<section>
<h1>Your first ride: ${price}</h1>
<p>Pay with Amazon Pay and keep it on file for your next rides.</p>
<form id="confirm-form">
${authorizationTerms()}
<button class="primary" type="submit" id="confirm" disabled>Pay ${price} with Amazon Pay</button>
</form>
<p id="message" role="status"></p>
</section>
<section>
<h2>Without Stripe.js</h2>
<p>Rocket Rides' server confirms the payment and sends you to Amazon Pay itself.</p>
<form method="post" action="/first-ride/redirect" id="manual-form">
${authorizationTerms()}
<button class="primary" type="submit" id="manual-confirm">Pay ${price} (server redirect)</button>
</form>
</section>`,
      ),
    );
  });

  app.post('/first-ride/redirect', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (body.accept !== 'yes') return reply.code(303).header('Location', '/first-ride').send();
    const userAgent = String(req.headers['user-agent'] ?? '');
    // A secret key cannot use `infer_from_client`: the server passes the rider's IP and user agent.
    const intent = await ctx.stripe.paymentIntents.create({
      amount: FIRST_RIDE.amount,
      currency: FIRST_RIDE.currency,
      allowed_payment_method_types: ['amazon_pay'],
      payment_method_data: { type: 'amazon_pay' },
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: req.ip, user_agent: userAgent } } },
      setup_future_usage: 'off_session',
      statement_descriptor: STATEMENT_DESCRIPTOR,
      capture_method: 'automatic',
      description: 'First ride',
      // Our own query parameter survives the redirect (the seed: "You can provide your own query parameters").
      return_url: `${ctx.appUrl()}/return?flow=server-redirect`,
      confirm: true,
      ...ownerParams(rider),
    });
    ctx.store.recordAcceptance(rider.id, {
      text: AUTHORIZATION_TEXT,
      accepted_at: Math.floor(Date.now() / 1000),
      ip: req.ip,
      user_agent: userAgent,
      intent: intent.id,
      via: 'server redirect',
    });
    ctx.store.recordRide(rider.id, intent.id);
    if (intent.status === 'requires_action' && intent.next_action?.type === 'redirect_to_url' && intent.next_action.redirect_to_url?.url) {
      return reply.code(303).header('Location', intent.next_action.redirect_to_url.url).send();
    }
    return reply.code(303).header('Location', `/rides/${intent.id}`).send();
  });
}

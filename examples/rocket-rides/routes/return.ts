import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { requireRider, sendPage, type AppContext } from '../context.js';
import { ownedBy } from '../customers.js';
import { html, money, type Html } from '../html.js';
import { page } from '../layout.js';
import { browserConfig } from './save.js';

/**
 * Where Amazon Pay sends the rider back (`return_url`). Stripe appends `setup_intent` /
 * `payment_intent`, the client secret and `redirect_status`; the page never trusts them alone: the
 * server retrieves the intent with its secret key, and the browser with `retrieveSetupIntent` /
 * `retrievePaymentIntent` (https://docs.stripe.com/payments/amazon-pay/set-up-payment).
 */
export function returnRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/return', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const q = req.query as Record<string, string | undefined>;
    const id = q.setup_intent ?? q.payment_intent ?? '';
    const clientSecret = q.setup_intent_client_secret ?? q.payment_intent_client_secret ?? null;
    let intent: Stripe.SetupIntent | Stripe.PaymentIntent | undefined;
    try {
      if (/^seti_[A-Za-z0-9]+$/.test(id)) intent = await ctx.stripe.setupIntents.retrieve(id, { expand: ['payment_method'] });
      else if (/^pi_[A-Za-z0-9]+$/.test(id)) intent = await ctx.stripe.paymentIntents.retrieve(id, { expand: ['payment_method'] });
    } catch (err) {
      if ((err as Stripe.errors.StripeError).statusCode !== 404) throw err;
    }
    // Someone else's intent, or a forged id, is treated like an unknown one.
    if (!intent || !ownedBy(rider, intent) || intent.client_secret !== clientSecret) {
      return sendPage(reply, page({ title: 'Unknown payment', rider, onfileUrl: ctx.onfileUrl }, html`<section><h1>We could not find that payment</h1><p><a href="/">Back to your rides</a></p></section>`), 404);
    }
    if (intent.object === 'payment_intent') ctx.store.recordRide(rider.id, intent.id);
    return sendPage(
      reply,
      page(
        { title: 'Amazon Pay result', rider, onfileUrl: ctx.onfileUrl, script: browserConfig(ctx, 'return', clientSecret) },
        html`<section id="result" data-status="${intent.status}">
<h1>${headline(intent)}</h1>
${detail(intent)}
<table>
<tr><th>From the URL</th><td><code>redirect_status=${q.redirect_status ?? ''}</code>${q.flow ? html` · <code>flow=${q.flow}</code>` : ''}</td></tr>
<tr><th>From the API (server)</th><td><code>${intent.id}</code> status <code id="server-status">${intent.status}</code></td></tr>
<tr><th>From the API (browser)</th><td><code id="browser-status">…</code></td></tr>
</table>
<p><a href="/">Back to your rides</a></p>
</section>`,
      ),
    );
  });
}

function headline(intent: Stripe.SetupIntent | Stripe.PaymentIntent): string {
  const isSetup = intent.object === 'setup_intent';
  switch (intent.status) {
    case 'succeeded':
      return isSetup ? 'Amazon Pay is saved' : 'Ride paid — Amazon Pay is saved';
    case 'processing':
      return 'We are waiting for Amazon Pay';
    case 'requires_payment_method':
      return 'Amazon Pay was not authorized';
    case 'requires_action':
      return 'Amazon Pay is still waiting for you';
    default:
      return `Status: ${intent.status}`;
  }
}

function detail(intent: Stripe.SetupIntent | Stripe.PaymentIntent): Html {
  const pm = typeof intent.payment_method === 'object' ? intent.payment_method : null;
  if (intent.status === 'succeeded') {
    const amount = intent.object === 'payment_intent' ? html`<p>Charged ${money(intent.amount, intent.currency)}.</p>` : '';
    return html`${amount}<p class="ok">Saved payment method <code id="result-payment-method">${pm?.id ?? intent.payment_method ?? ''}</code>${intent.object === 'setup_intent' && intent.mandate ? html` under mandate <code>${typeof intent.mandate === 'string' ? intent.mandate : intent.mandate.id}</code>` : ''}.</p>`;
  }
  const error = intent.object === 'setup_intent' ? intent.last_setup_error : intent.last_payment_error;
  if (error) return html`<p class="bad" id="result-error">${error.message ?? error.code} <code>${error.code ?? ''}</code></p><p>Nothing was saved. <a href="/">Try again</a>.</p>`;
  return html``;
}

import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { RIDE, requireRider, sendPage, STATEMENT_DESCRIPTOR, type AppContext } from '../context.js';
import { ownedBy, ownerParams, savedAmazonPay } from '../customers.js';
import { html, money } from '../html.js';
import { page } from '../layout.js';

/**
 * "Charge a ride now": an off-session PaymentIntent with the saved Amazon Pay method (the seed's
 * "Create a PaymentIntent using a saved payment method"). A decline comes back as a 402 card error
 * carrying the PaymentIntent (https://docs.stripe.com/error-handling); either way the rider lands
 * on the ride's page, which reads the outcome from the API.
 */
export function rideRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/charge', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const [saved] = await savedAmazonPay(ctx.stripe, rider);
    if (!saved) {
      return sendPage(reply, page({ title: 'No payment method', rider, onfileUrl: ctx.onfileUrl }, html`<section><h1>Save Amazon Pay first</h1><p class="error" role="alert">There is no saved payment method to charge.</p><p><a href="/">Back</a></p></section>`), 409);
    }
    let intentId: string;
    try {
      const intent = await ctx.stripe.paymentIntents.create({
        amount: RIDE.amount,
        currency: RIDE.currency,
        allowed_payment_method_types: ['amazon_pay'],
        payment_method: saved.id,
        statement_descriptor: STATEMENT_DESCRIPTOR,
        capture_method: 'automatic',
        description: 'Ride',
        confirm: true,
        // The rider is not in a checkout flow: Stripe must not ask them for anything.
        off_session: true,
        ...ownerParams(rider),
      });
      intentId = intent.id;
    } catch (err) {
      const e = err as Stripe.errors.StripeError;
      if (e.statusCode !== 402 || !e.payment_intent) throw err;
      intentId = e.payment_intent.id;
    }
    ctx.store.recordRide(rider.id, intentId);
    return reply.code(303).header('Location', `/rides/${intentId}`).send();
  });

  app.get('/rides/:id', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const { id } = req.params as { id: string };
    const intent = rider.rides.includes(id) ? await ctx.stripe.paymentIntents.retrieve(id, { expand: ['latest_charge'] }) : undefined;
    if (!intent || !ownedBy(rider, intent)) {
      return sendPage(reply, page({ title: 'Unknown ride', rider, onfileUrl: ctx.onfileUrl }, html`<section><h1>We could not find that ride</h1><p><a href="/">Back</a></p></section>`), 404);
    }
    const err = intent.last_payment_error;
    const body =
      intent.status === 'succeeded'
        ? html`<p class="ok" id="ride-result">Paid ${money(intent.amount, intent.currency)} with Amazon Pay. Thanks for riding!</p>
${receiptLink(intent)}`
        : err
          ? html`<p class="bad" id="ride-result">Declined: ${err.message ?? ''}</p>
<p>Code <code id="decline-code">${err.code ?? ''}</code>${err.decline_code ? html`, decline code <code>${err.decline_code}</code>` : ''}. Ask the rider to save another payment method.</p>`
          : html`<p id="ride-result">Status: ${intent.status}</p>`;
    return sendPage(
      reply,
      page({ title: 'Ride', rider, onfileUrl: ctx.onfileUrl }, html`<section id="ride" data-status="${intent.status}">
<h1>Ride <code>${intent.id}</code></h1>
${body}
<p class="muted">${money(intent.amount, intent.currency)} · status <code id="ride-status">${intent.status}</code></p>
<p><a href="/">Back to your rides</a></p>
</section>`),
    );
  });
}

/** The charge's receipt page (the Charge's `receipt_url`), which the rider may keep. */
function receiptLink(intent: Stripe.PaymentIntent) {
  const charge = intent.latest_charge;
  const url = charge && typeof charge === 'object' ? charge.receipt_url : null;
  return url ? html`<p><a id="receipt" href="${url}">View your receipt</a></p>` : '';
}

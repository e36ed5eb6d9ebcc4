import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { currentRider, sendPage, type AppContext } from '../context.js';
import { html, when } from '../html.js';
import { page } from '../layout.js';

/**
 * The webhook receiver (https://docs.stripe.com/webhooks#verify-events): the body is verified as
 * raw bytes with `stripe.webhooks.constructEvent` and the endpoint's signing secret; anything that
 * fails is refused with 400 and only counted. `/webhooks` lists what was verified.
 */
export function webhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/webhook', async (req, reply) => {
    const secret = ctx.store.webhookEndpoint?.secret;
    const signature = req.headers['stripe-signature'];
    let event: Stripe.Event;
    try {
      if (!secret || typeof signature !== 'string' || typeof req.body !== 'string') throw new Error('unsigned');
      event = ctx.stripe.webhooks.constructEvent(req.body, signature, secret);
    } catch {
      ctx.store.countRejectedWebhook();
      return reply.code(400).send({ error: 'signature verification failed' });
    }
    const obj = event.data.object as { id?: string };
    ctx.store.logEvent({
      id: event.id,
      type: event.type,
      object_id: typeof obj.id === 'string' ? obj.id : null,
      created: event.created,
      received_at: Math.floor(Date.now() / 1000),
      request_id: event.request?.id ?? null,
    });
    return reply.code(200).send({ received: true });
  });

  app.get('/webhooks', async (req, reply) => {
    const events = ctx.store.events;
    return sendPage(
      reply,
      page({ title: 'Webhook log', rider: currentRider(ctx, req), onfileUrl: ctx.onfileUrl }, html`<section>
<h1>Webhook log</h1>
<p>Events onfile delivered to <code>${ctx.appUrl()}/webhook</code> whose <code>Stripe-Signature</code> verified with <code>stripe.webhooks.constructEvent</code>, newest first.
Refused (bad signature): <strong id="rejected">${ctx.store.rejectedWebhooks}</strong>.</p>
${events.length
  ? html`<table id="events"><thead><tr><th>Created</th><th>Type</th><th>Object</th><th>Event</th><th>Request</th></tr></thead><tbody>
${events.map((e) => html`<tr data-event-id="${e.id}" data-event-type="${e.type}" data-object-id="${e.object_id ?? ''}"><td>${when(e.created)}</td><td><code>${e.type}</code></td><td><code>${e.object_id ?? ''}</code></td><td><code>${e.id}</code></td><td><code>${e.request_id ?? '(automatic)'}</code></td></tr>`)}
</tbody></table>`
  : html`<p id="no-events">No events yet.</p>`}
</section>`),
    );
  });
}

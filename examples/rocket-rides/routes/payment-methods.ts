import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { requireRider, type AppContext } from '../context.js';
import { ownedBy } from '../customers.js';

/**
 * "Remove payment method": detach it (https://docs.stripe.com/api/payment_methods/detach). Stripe
 * then sends `payment_method.detached` and `mandate.updated` (the mandate turns inactive).
 */
export function paymentMethodRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/detach', async (req, reply) => {
    const rider = requireRider(ctx, req, reply);
    if (!rider) return reply;
    const id = String(((req.body ?? {}) as Record<string, unknown>).payment_method ?? '');
    let pm: Stripe.PaymentMethod | undefined;
    if (/^pm_[A-Za-z0-9]+$/.test(id)) {
      pm = await ctx.stripe.paymentMethods.retrieve(id).catch((err: Stripe.errors.StripeError) => {
        if (err.statusCode === 404) return undefined;
        throw err;
      });
    }
    // Only the rider's own method; anything else looks like it is already gone.
    if (!pm || !ownedBy(rider, pm)) return reply.code(303).header('Location', '/').send();
    await ctx.stripe.paymentMethods.detach(pm.id);
    return reply.code(303).header('Location', `/?removed=${encodeURIComponent(pm.id)}`).send();
  });
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import { getBrowserBundle } from '../../packages/stripe-js/serve.js';

/**
 * GET /v3/ (and /v3): the Stripe.js-compatible browser library, so
 * `<script src="http://127.0.0.1:12111/v3/">` defines `Stripe` as js.stripe.com/v3/ does. The
 * library finds the API on the origin it was loaded from.
 */
export function browserLibraryPlugin(app: FastifyInstance): void {
  const serve = async (_req: unknown, reply: FastifyReply) => {
    const code = await getBrowserBundle();
    return reply.code(200).header('Content-Type', 'application/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(code);
  };
  app.get('/v3/', serve);
  app.get('/v3', serve);
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../services/context.js';
import { decodeParams, listParams, oneOf, str, int } from '../api/params.js';
import { newWebhookSecret } from '../lib/ids.js';
import { listenerSecret } from '../storage/repos/webhooks.js';
import { listRequestLog } from '../storage/repos/request-log.js';
import { listDeliveryViews, resendDelivery, resendEventTo, retrieveDeliveryView } from '../services/webhook-endpoints/deliveries.js';
import { expireAuthorizationNow } from '../services/payment-intents/expiry.js';
import { failRefundNow } from '../services/refunds/settle.js';
import { rollWebhookEndpointSecret } from '../services/webhook-endpoints/webhook-endpoints.js';
import { ADMIN_PREFIX, adminAuth, adminParams } from './context.js';
import { registerEventStream } from './event-stream.js';
import { registerRequestLog } from './request-log.js';

const deliveryListParams = {
  event: str({ max: 255 }),
  endpoint: str({ max: 255 }),
  status: oneOf(['pending', 'succeeded', 'failed', 'canceled'] as const),
  limit: listParams.limit,
  starting_after: str({ max: 255 }),
};

const requestListParams = {
  limit: listParams.limit,
  /** `seq` cursors: older than `before`, or newer than `after` (oldest first, for a live tail) */
  before: int({ min: 0 }),
  after: int({ min: 0 }),
};

/**
 * onfile's own admin API (not Stripe's; documented in README): webhook delivery history and resends, the
 * request log, the live event stream and `onfile listen` secrets. Secret keys only, scoped to their account.
 */
export function adminPlugin(app: FastifyInstance, deps: Deps): void {
  const authenticate = adminAuth(deps);
  const call = <T>(fn: (ctx: Awaited<ReturnType<typeof authenticate>>, req: FastifyRequest) => Promise<T>) => async (req: FastifyRequest) =>
    fn(await authenticate(req), req);

  app.get(`${ADMIN_PREFIX}/webhook_deliveries`, call(async (ctx, req) => listDeliveryViews(ctx, decodeParams(deliveryListParams, adminParams(req)))));
  app.get(
    `${ADMIN_PREFIX}/webhook_deliveries/:id`,
    call(async (ctx, req) => retrieveDeliveryView(ctx, (req.params as { id: string }).id)),
  );
  app.post(
    `${ADMIN_PREFIX}/webhook_deliveries/:id/resend`,
    call(async (ctx, req) => {
      decodeParams({}, adminParams(req));
      return resendDelivery(ctx, (req.params as { id: string }).id);
    }),
  );
  app.post(
    `${ADMIN_PREFIX}/events/:id/resend`,
    call(async (ctx, req) => {
      const p = decodeParams({ webhook_endpoint: str({ max: 255 }).required() }, adminParams(req));
      return resendEventTo(ctx, (req.params as { id: string }).id, p.webhook_endpoint);
    }),
  );

  app.post(
    `${ADMIN_PREFIX}/webhook_endpoints/:id/roll_secret`,
    call(async (ctx, req) => {
      // Up to 7 days of overlap (Stripe's Dashboard offers hours to days; its exact maximum is unverified).
      const p = decodeParams({ expires_in: int({ min: 0, max: 7 * 24 * 3600 }) }, adminParams(req));
      return rollWebhookEndpointSecret(ctx, (req.params as { id: string }).id, p.expires_in ?? 0);
    }),
  );

  // Test helper: an uncaptured authorization lapses now, as it would after its 7 days.
  app.post(
    `${ADMIN_PREFIX}/payment_intents/:id/expire_authorization`,
    call(async (ctx, req) => {
      decodeParams({}, adminParams(req));
      return expireAuthorizationNow(ctx, (req.params as { id: string }).id);
    }),
  );

  // Test helper: the processor declines a pending refund now (refund.failed).
  app.post(
    `${ADMIN_PREFIX}/refunds/:id/fail`,
    call(async (ctx, req) => {
      decodeParams({}, adminParams(req));
      return failRefundNow(ctx, (req.params as { id: string }).id);
    }),
  );

  app.get(
    `${ADMIN_PREFIX}/requests`,
    call(async (ctx, req) => {
      const p = decodeParams(requestListParams, adminParams(req));
      const { items, hasMore } = await listRequestLog(deps.store.read, ctx.scope, { limit: p.limit ?? 20, beforeSeq: p.before, afterSeq: p.after });
      return {
        object: 'list',
        url: `${ADMIN_PREFIX}/requests`,
        has_more: hasMore,
        data: items.map((e) => ({
          object: 'onfile.request',
          id: e.requestId,
          seq: e.seq,
          created: Math.floor(e.createdMs / 1000),
          created_ms: e.createdMs,
          method: e.method,
          path: e.path,
          status: e.status,
          duration_ms: e.durationMs,
          idempotency_key: e.idempotencyKey,
          stripe_version: e.stripeVersion,
          livemode: e.livemode,
        })),
      };
    }),
  );

  // The signing secret `onfile listen` signs its forwards with: stable per account, mode and listener
  // name, so restarting the listener keeps the secret the merchant's app is configured with.
  app.post(
    `${ADMIN_PREFIX}/cli/listeners`,
    call(async (ctx, req) => {
      const p = decodeParams({ name: str({ max: 200 }) }, adminParams(req));
      const name = p.name ?? 'default';
      const secret = await deps.store.tx((t) => listenerSecret(t, ctx.scope, name, newWebhookSecret(), deps.clock.nowMs()));
      return { object: 'onfile.cli_listener', account: ctx.account.id, livemode: ctx.scope.livemode, name, secret };
    }),
  );

  registerEventStream(app, deps);
  registerRequestLog(app, deps);
}

import type { FastifyInstance } from 'fastify';
import type { Deps } from './services/context.js';
import { adminPlugin } from './admin/routes.js';
import { startDispatcher } from './webhooks/dispatcher.js';
import { startRetention } from './events/retention.js';
import { authorizationExpiryWorker } from './services/payment-intents/expiry.js';
import { reconcilerWorker } from './reconcile/worker.js';
import { hostedPagesPlugin } from './hosted/routes.js';
import { browserLibraryPlugin } from './hosted/browser-library.js';
import { idempotencyRetentionWorker } from './http/idempotency-retention.js';
import { refundSettlementWorker } from './services/refunds/settle.js';

/** Non-API HTTP surfaces (hosted pages, the /v3/ browser library, onfile's admin routes). */
export const plugins: ((app: FastifyInstance, deps: Deps) => void | Promise<void>)[] = [adminPlugin, hostedPagesPlugin, browserLibraryPlugin];

/** Background workers (webhook dispatcher, event retention, reconciler, idempotency retention, refund settlement, lapsing authorizations); each returns its stop function. */
const workers: ((deps: Deps) => () => Promise<void>)[] = [(deps) => startDispatcher(deps), (deps) => startRetention(deps), reconcilerWorker, idempotencyRetentionWorker, refundSettlementWorker, authorizationExpiryWorker];

export function startBackground(deps: Deps): () => Promise<void> {
  const stops = workers.map((w) => w(deps));
  return async () => {
    for (const stop of stops) await stop();
  };
}

import type { RouteDef } from '../http/route.js';
import { customerRoutes } from './v1/customers/routes.js';
import { paymentMethodRoutes } from './v1/payment-methods/routes.js';
import { mandateRoutes } from './v1/mandates/routes.js';
import { setupIntentRoutes } from './v1/setup-intents/routes.js';
import { setupAttemptRoutes } from './v1/setup-attempts/routes.js';
import { paymentIntentRoutes } from './v1/payment-intents/routes.js';
import { chargeRoutes } from './v1/charges/routes.js';
import { balanceTransactionRoutes } from './v1/charges/balance-transactions.js';
import { refundRoutes } from './v1/refunds/routes.js';
import { balanceRoutes } from './v1/balance/routes.js';
import { accountRoutes } from './v1/account/routes.js';
import { eventRoutes } from './v1/events/routes.js';
import { webhookEndpointRoutes } from './v1/webhook-endpoints/routes.js';
import { accountV2Routes } from './v2/core/accounts/routes.js';
import { eventDestinationRoutes } from './v2/core/event-destinations/routes.js';
import { eventV2Routes } from './v2/core/events/routes.js';

/** Every API route, v1 and v2. Each resource module exports its own table. */
export function allRoutes(): RouteDef[] {
  return [...customerRoutes, ...paymentMethodRoutes, ...mandateRoutes, ...setupIntentRoutes, ...setupAttemptRoutes, ...paymentIntentRoutes, ...chargeRoutes, ...balanceTransactionRoutes, ...balanceRoutes, ...accountRoutes, ...refundRoutes, ...eventRoutes, ...webhookEndpointRoutes, ...accountV2Routes, ...eventDestinationRoutes, ...eventV2Routes];
}

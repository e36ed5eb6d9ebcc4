import type { RouteDef } from '../../../http/route.js';
import { decodeParams } from '../../params.js';
import { registerResource } from '../../render.js';
import { listSetupAttempts } from '../../../services/setup-intents/queries.js';
import { listSetupAttemptParams } from '../setup-intents/params.js';

registerResource({
  object: 'setup_attempt',
  embedded: ['payment_method_details', 'setup_error'],
  expandable: { customer: 'customer', payment_method: 'payment_method', setup_intent: 'setup_intent' },
});

// https://docs.stripe.com/api/setup_attempts/list: `setup_intent` is required.
export const setupAttemptRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/setup_attempts',
    handler: async ({ ctx, params }) => listSetupAttempts(ctx, decodeParams(listSetupAttemptParams, params)),
  },
];

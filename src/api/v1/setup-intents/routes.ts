import type { ApiCall, RouteDef } from '../../../http/route.js';
import type { ApiError } from '../../../errors/api-error.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, registerResource } from '../../render.js';
import { BROWSER_TOP_FIELDS } from '../payment-methods/params.js';
import { createSetupIntent } from '../../../services/setup-intents/create.js';
import { confirmSetupIntent } from '../../../services/setup-intents/confirm.js';
import { cancelSetupIntent, updateSetupIntent } from '../../../services/setup-intents/manage.js';
import { listSetupIntents, retrieveSetupIntent } from '../../../services/setup-intents/queries.js';
import { checkSetupIntentExpand, renderSetupIntent, withSetupIntentInError } from '../../../services/setup-intents/render.js';
// The hosted page's completer for SetupIntents registers itself on import.
import '../../../services/setup-intents/complete.js';
import {
  cancelSetupIntentParams,
  confirmSetupIntentParams,
  createSetupIntentParams,
  listSetupIntentParams,
  retrieveSetupIntentParams,
  updateSetupIntentParams,
} from './params.js';

registerResource({
  object: 'setup_intent',
  embedded: ['automatic_payment_methods', 'last_setup_error', 'managed_payments', 'next_action', 'payment_method_configuration_details', 'payment_method_options'],
  expandable: {
    customer: 'customer',
    latest_attempt: 'setup_attempt',
    mandate: 'mandate',
    payment_method: 'payment_method',
    single_use_mandate: 'mandate',
  },
});

const involvesIntent = ({ ctx, pathParams, params }: ApiCall, error: ApiError) => withSetupIntentInError(ctx, pathParams.id, params.client_secret, error);

// https://docs.stripe.com/api/setup_intents
export const setupIntentRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/setup_intents',
    handler: async ({ ctx, params }) => {
      const p = decodeParams(createSetupIntentParams, params);
      checkExpandPaths('setup_intent', p.expand);
      return renderSetupIntent(ctx, await createSetupIntent(ctx, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/setup_intents/:id',
    errorContext: involvesIntent,
    // Stripe.js: retrieveSetupIntent(clientSecret) with the publishable key.
    publishable: true,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(retrieveSetupIntentParams, params, { ignore: ctx.keyKind === 'publishable' ? BROWSER_TOP_FIELDS : [] });
      checkSetupIntentExpand(ctx, p.expand);
      return renderSetupIntent(ctx, await retrieveSetupIntent(ctx, pathParams.id, p.client_secret), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/setup_intents/:id',
    errorContext: involvesIntent,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(updateSetupIntentParams, params);
      checkExpandPaths('setup_intent', p.expand);
      return renderSetupIntent(ctx, await updateSetupIntent(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/setup_intents/:id/confirm',
    errorContext: involvesIntent,
    // Stripe.js: confirmAmazonPaySetup(clientSecret, …) with the publishable key.
    publishable: true,
    handler: async ({ ctx, params, pathParams }) => {
      const publishable = ctx.keyKind === 'publishable';
      const p = decodeParams(confirmSetupIntentParams(publishable), params, { ignore: publishable ? BROWSER_TOP_FIELDS : [] });
      checkSetupIntentExpand(ctx, p.expand);
      return renderSetupIntent(ctx, await confirmSetupIntent(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/setup_intents/:id/cancel',
    errorContext: involvesIntent,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(cancelSetupIntentParams, params);
      checkExpandPaths('setup_intent', p.expand);
      return renderSetupIntent(ctx, await cancelSetupIntent(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/setup_intents',
    handler: async ({ ctx, params }) => listSetupIntents(ctx, decodeParams(listSetupIntentParams, params)),
  },
];

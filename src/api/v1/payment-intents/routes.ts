import type Stripe from 'stripe';
import type { ApiCall, RouteDef } from '../../../http/route.js';
import type { ApiError } from '../../../errors/api-error.js';
import { search, searchParams, type Searchable } from '../../search.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, registerResource } from '../../render.js';
import { BROWSER_TOP_FIELDS } from '../payment-methods/params.js';
import { createPaymentIntent } from '../../../services/payment-intents/create.js';
import { confirmPaymentIntent } from '../../../services/payment-intents/confirm.js';
import { updatePaymentIntent } from '../../../services/payment-intents/update.js';
import { capturePaymentIntent } from '../../../services/payment-intents/capture.js';
import { cancelPaymentIntent } from '../../../services/payment-intents/cancel.js';
import { listPaymentIntents, retrievePaymentIntent } from '../../../services/payment-intents/queries.js';
import { checkPaymentIntentExpand, forVersion, renderPaymentIntent } from '../../../services/payment-intents/render.js';
import { withPaymentIntentInError } from '../../../services/payment-intents/views.js';
// Side-effect imports: the connector operation handlers (also run by the reconciler) and the
// hosted page's completer for PaymentIntents register themselves.
import '../../../services/payment-intents/operations.js';
import '../../../services/payment-intents/redirect.js';
import {
  BROWSER_CONFIRM_FIELDS,
  cancelParams,
  captureParams,
  confirmParams,
  confirmPublishableParams,
  createParams,
  listPaymentIntentParams,
  retrieveParams,
  updateParams,
} from './params.js';

registerResource({
  object: 'payment_intent',
  embedded: ['amount_details', 'automatic_payment_methods', 'hooks', 'last_payment_error', 'managed_payments', 'next_action', 'payment_details', 'payment_method_configuration_details', 'payment_method_options', 'presentment_details', 'processing', 'shipping', 'transfer_data'],
  expandable: {
    application: 'application',
    customer: 'customer',
    latest_charge: 'charge',
    on_behalf_of: 'account',
    payment_method: 'payment_method',
    review: 'review',
    source: 'source',
  },
});

const PAYMENT_INTENT_SEARCH: Searchable = {
  object: 'payment_intent',
  url: '/v1/payment_intents/search',
  fields: { amount: { kind: 'number' }, created: { kind: 'number' }, currency: { kind: 'string' }, customer: { kind: 'string' }, status: { kind: 'string' } },
  present: (ctx, pi) => forVersion(ctx, pi as Stripe.PaymentIntent),
};

const involvesIntent = ({ ctx, pathParams, params }: ApiCall, error: ApiError) => withPaymentIntentInError(ctx, pathParams.id, params.client_secret, error);

// https://docs.stripe.com/api/payment_intents
export const paymentIntentRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/payment_intents',
    handler: async ({ ctx, params }) => {
      const p = decodeParams(createParams, params);
      checkExpandPaths('payment_intent', p.expand);
      return renderPaymentIntent(ctx, await createPaymentIntent(ctx, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/payment_intents/search',
    // https://docs.stripe.com/search#query-fields-for-payment-intents
    handler: async ({ ctx, params }) => search(ctx, PAYMENT_INTENT_SEARCH, decodeParams(searchParams, params)),
  },
  {
    method: 'GET',
    path: '/v1/payment_intents/:id',
    errorContext: involvesIntent,
    // Stripe.js: retrievePaymentIntent(clientSecret) with the publishable key.
    publishable: true,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(retrieveParams, params, { ignore: ctx.keyKind === 'publishable' ? BROWSER_TOP_FIELDS : [] });
      checkPaymentIntentExpand(ctx, p.expand);
      return renderPaymentIntent(ctx, await retrievePaymentIntent(ctx, pathParams.id, p.client_secret), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_intents/:id',
    errorContext: involvesIntent,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(updateParams, params);
      checkExpandPaths('payment_intent', p.expand);
      return renderPaymentIntent(ctx, await updatePaymentIntent(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_intents/:id/confirm',
    errorContext: involvesIntent,
    // Stripe.js: confirmAmazonPayPayment(clientSecret, …) with the publishable key.
    publishable: true,
    handler: async ({ ctx, params, pathParams }) => {
      const p = ctx.keyKind === 'publishable' ? decodeParams(confirmPublishableParams, params, { ignore: BROWSER_CONFIRM_FIELDS }) : decodeParams(confirmParams, params);
      checkPaymentIntentExpand(ctx, p.expand);
      return renderPaymentIntent(ctx, await confirmPaymentIntent(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_intents/:id/capture',
    errorContext: involvesIntent,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(captureParams, params);
      checkExpandPaths('payment_intent', p.expand);
      return renderPaymentIntent(ctx, await capturePaymentIntent(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_intents/:id/cancel',
    errorContext: involvesIntent,
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(cancelParams, params);
      checkExpandPaths('payment_intent', p.expand);
      return renderPaymentIntent(ctx, await cancelPaymentIntent(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/payment_intents',
    handler: async ({ ctx, params }) => {
      const page = await listPaymentIntents(ctx, decodeParams(listPaymentIntentParams, params));
      return { ...page, data: page.data.map((pi) => forVersion(ctx, pi)) };
    },
  },
];


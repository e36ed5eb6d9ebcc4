import { arr, bool, expandParam, listParams, metadata, str, type Infer } from '../../params.js';

// https://docs.stripe.com/api/webhook_endpoints/create
export const createWebhookEndpointParams = {
  url: str({ max: 5000 }).required(),
  enabled_events: arr(str({ max: 5000 })).required(),
  api_version: str({ max: 5000 }),
  connect: bool(),
  description: str({ max: 5000 }).emptyable(),
  metadata: metadata(),
  expand: expandParam(),
};

// https://docs.stripe.com/api/webhook_endpoints/update
export const updateWebhookEndpointParams = {
  url: str({ max: 5000 }),
  enabled_events: arr(str({ max: 5000 })),
  disabled: bool(),
  description: str({ max: 5000 }).emptyable(),
  metadata: metadata(),
  expand: expandParam(),
};

export const retrieveWebhookEndpointParams = { expand: expandParam() };
export const listWebhookEndpointParams = { limit: listParams.limit, starting_after: listParams.starting_after, ending_before: listParams.ending_before, expand: expandParam() };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type CreateWebhookEndpoint = Obj<typeof createWebhookEndpointParams>;
export type UpdateWebhookEndpoint = Obj<typeof updateWebhookEndpointParams>;

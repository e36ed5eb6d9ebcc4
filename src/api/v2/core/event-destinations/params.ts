import { errors } from '../../../../errors/catalogue.js';
import { CREATE_INCLUDABLE, INCLUDABLE } from '../../../../domain/event-destinations/event-destination.js';
import { JsonField, jarr, jenum, jint, jmetadata, jobj, jstr, type JsonObjectOf } from '../../json-params.js';

// Request bodies of https://docs.stripe.com/api/v2/core/event_destinations. onfile delivers thin events
// to webhook endpoints; the cloud transports and snapshot payloads are refused by name (snapshot events
// keep going to /v1/webhook_endpoints), never silently dropped.

const cloudOnly = (name: string) =>
  new JsonField<undefined>((_v, path) => {
    throw errors.destinationTypeNotSupported(name, path);
  });

const enabledEvents = () => jarr(jstr({ max: 200 }), { max: 500 });

export const createDestinationParams = {
  amazon_eventbridge: cloudOnly('amazon_eventbridge'),
  azure_event_grid: cloudOnly('azure_event_grid'),
  description: jstr({ max: 5000 }),
  enabled_events: enabledEvents().required(),
  event_payload: jenum(['snapshot', 'thin']).required(),
  events_from: jarr(jstr({ max: 200 })),
  include: jarr(jenum(CREATE_INCLUDABLE)),
  metadata: jmetadata(),
  name: jstr({ max: 5000 }).required(),
  snapshot_api_version: jstr({ max: 100 }),
  type: jenum(['amazon_eventbridge', 'azure_event_grid', 'webhook_endpoint']).required(),
  webhook_endpoint: jobj({ url: jstr({ max: 5000 }).required() }),
};

export const updateDestinationParams = {
  description: jstr({ max: 5000 }),
  enabled_events: enabledEvents(),
  include: jarr(jenum(INCLUDABLE)),
  metadata: jmetadata(),
  name: jstr({ max: 5000 }),
  webhook_endpoint: jobj({ url: jstr({ max: 5000 }).required() }),
};

export const retrieveDestinationParams = { include: jarr(jenum(INCLUDABLE)) };
export const listDestinationParams = { include: jarr(jenum(INCLUDABLE)), limit: jint({ min: 1, max: 100 }), page: jstr({ max: 2000 }) };
export const emptyParams = {};

export type CreateEventDestination = JsonObjectOf<typeof createDestinationParams>;
export type UpdateEventDestination = JsonObjectOf<typeof updateDestinationParams>;

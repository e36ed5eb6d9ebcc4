import type Stripe from 'stripe';

/**
 * An API v2 event destination (https://docs.stripe.com/api/v2/core/event_destinations/object) of type
 * `webhook_endpoint` with thin payloads: where onfile sends the v2 events of domain/events/v2-event.ts.
 * The URL and the signing secret are stored; a response shows them only when `include` asks
 * (the secret only on create).
 */
export interface StoredEventDestination {
  id: string;
  object: 'v2.core.event_destination';
  created: string;
  description: string;
  enabled_events: string[];
  event_payload: 'thin';
  events_from: string[];
  livemode: boolean;
  metadata: Record<string, string>;
  name: string;
  status: 'enabled' | 'disabled';
  status_details: { disabled: { reason: 'user' } } | null;
  type: 'webhook_endpoint';
  updated: string;
  webhook_endpoint: { url: string };
}

export type RenderedEventDestination = Omit<StoredEventDestination, 'webhook_endpoint'> & {
  webhook_endpoint: { signing_secret: string | null; url: string | null };
};

// Compile-time check against the SDK's type (onfile renders the optional properties it models).
type Sdk = Stripe.V2.Core.EventDestination;
export type DestinationFitsSdk = RenderedEventDestination extends Omit<Sdk, 'webhook_endpoint' | 'status_details'> ? true : never;
const _fits: DestinationFitsSdk = true;
void _fits;

export const CREATE_INCLUDABLE = ['webhook_endpoint.signing_secret', 'webhook_endpoint.url'] as const;
export const INCLUDABLE = ['webhook_endpoint.url'] as const;

/** `secret` is passed on create only: it can never be read back (https://docs.stripe.com/api/v2/core/event_destinations/create). */
export function renderEventDestination(stored: StoredEventDestination, include: readonly string[] | undefined, secret?: string): RenderedEventDestination {
  const inc = new Set(include ?? []);
  return {
    ...stored,
    webhook_endpoint: {
      signing_secret: secret !== undefined && inc.has('webhook_endpoint.signing_secret') ? secret : null,
      url: inc.has('webhook_endpoint.url') ? stored.webhook_endpoint.url : null,
    },
  };
}

import type Stripe from 'stripe';
import { eventAtVersion } from '../domain/events/event-version.js';

export const WEBHOOK_USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';

/**
 * The body of one delivery: the event rendered at the endpoint's fixed `api_version` when it has one,
 * else at its own (https://docs.stripe.com/webhooks/versioning). Stripe pretty-prints with two spaces;
 * receivers must verify these exact bytes.
 */
export function deliveryBody(event: Stripe.Event, endpointApiVersion: string | null): string {
  return JSON.stringify(eventAtVersion(event, endpointApiVersion ?? event.api_version), null, 2);
}

export function deliveryHeaders(signature: string): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': WEBHOOK_USER_AGENT,
    accept: '*/*',
    'cache-control': 'no-cache',
    'stripe-signature': signature,
  };
}

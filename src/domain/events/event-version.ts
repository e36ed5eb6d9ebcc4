import type Stripe from 'stripe';
import { objectAtVersion } from '../shared/api-versions.js';

/**
 * An event as Stripe renders it at API version `v` (https://docs.stripe.com/webhooks/versioning):
 * its `data.object` in that version's shape, and `previous_attributes` without the fields that shape
 * leaves out. Events keep the newest shape as stored; the events API renders one at its own
 * `api_version`, a webhook at its endpoint's.
 */
export function eventAtVersion(event: Stripe.Event, v: string | null): Stripe.Event {
  if (!v) return event;
  const stored = event.data.object as object;
  const object = objectAtVersion(stored, v);
  if (object === stored && v === event.api_version) return event;
  const data: Record<string, unknown> = { ...event.data, object };
  const previous = event.data.previous_attributes;
  if (previous && object !== stored) {
    const left = Object.keys(stored).filter((k) => !(k in object));
    data.previous_attributes = Object.fromEntries(Object.entries(previous).filter(([k]) => !left.includes(k)));
  }
  return { ...event, api_version: v, data } as unknown as Stripe.Event;
}

import type Stripe from 'stripe';
import { fieldChanges, sameJson } from '../shared/changes.js';

/**
 * API v2 events (https://docs.stripe.com/event-destinations#thin-payload). v2 resources emit thin
 * events only: an event destination receives a notification naming the event and the object it is
 * about, never a snapshot of it; the receiver fetches the event (`GET /v2/core/events/:id`) or the
 * object (`related_object.url`) when it needs more. The SDK's `parseEventNotification` refuses
 * anything whose `object` is not `v2.core.event`.
 */
export interface RelatedObject {
  id: string;
  type: string;
  url: string;
}

/** The event as `GET /v2/core/events/:id` returns it, and as onfile stores it. */
export interface V2Event {
  id: string;
  object: 'v2.core.event';
  /** Before and after values of the related object's changed fields, for the types that carry them. */
  changes?: V2Changes;
  created: string;
  data?: Record<string, unknown>;
  livemode: boolean;
  reason?: { type: 'request'; request: { id: string; idempotency_key?: string } };
  related_object: RelatedObject;
  type: string;
}

export type V2Changes = {
  before?: object;
  after: object;
};

// The shapes onfile sends are the SDK's, with `idempotency_key` absent when the request had none.
type SdkEvent = Stripe.V2.Core.EventBase & { related_object?: Stripe.V2.Core.Events.RelatedObject };
export type V2EventFitsSdk = Omit<V2Event, 'reason'> extends Omit<SdkEvent, 'reason' | 'context' | 'snapshot_event'> ? true : never;
const _fits: V2EventFitsSdk = true;
void _fits;

/**
 * The v2 event types onfile emits, and so the ones a destination may enable. Others of Stripe's
 * (Connect's merchant and recipient configurations, persons, money management) never occur here.
 */
export const V2_EVENT_TYPES = [
  'v2.core.account.closed',
  'v2.core.account.created',
  'v2.core.account.updated',
  'v2.core.account[configuration.customer].updated',
  'v2.core.account[defaults].updated',
  'v2.core.account[identity].updated',
  'v2.core.event_destination.ping',
] as const;
export type V2EventType = (typeof V2_EVENT_TYPES)[number];

export const isV2EventType = (type: string): type is V2EventType => (V2_EVENT_TYPES as readonly string[]).includes(type);

/** v1 and v2 events share one store; a v2 type always starts so, a v1 type never does. */
export const isV2EventTypeName = (type: string): boolean => type.startsWith('v2.');

/**
 * What a destination receives: the event without its `data` (https://docs.stripe.com/event-destinations#events-overview)
 * nor `changes`, which the SDK's notification types leave to the fetched event.
 */
export function thinNotification(event: V2Event): Omit<V2Event, 'data'> {
  const out: Omit<V2Event, 'data'> = { id: event.id, object: event.object, created: event.created, livemode: event.livemode, related_object: event.related_object, type: event.type };
  if (event.reason) out.reason = event.reason;
  return out;
}

/** Stripe pretty-prints deliveries with two spaces; receivers verify these exact bytes. */
export function thinDeliveryBody(event: V2Event): string {
  return JSON.stringify(thinNotification(event), null, 2);
}

/**
 * The sections of an Account whose change makes an event of its own besides `v2.core.account.updated`.
 * Of these, Stripe lists `[defaults]` among the types that carry `changes`
 * (https://docs.stripe.com/changelog/clover/2025-11-17/thin-events-changes); they are the changes of
 * that section's fields (unverified: Stripe gives no example).
 */
const SECTION_EVENTS: { type: V2EventType; section: (a: AccountSections) => unknown; withChanges?: 'defaults' }[] = [
  { type: 'v2.core.account[configuration.customer].updated', section: (a) => a.configuration.customer },
  { type: 'v2.core.account[defaults].updated', section: (a) => a.defaults, withChanges: 'defaults' },
  { type: 'v2.core.account[identity].updated', section: (a) => a.identity },
];

interface AccountSections {
  configuration: { customer: unknown };
  defaults: unknown;
  identity: unknown;
}

/** The section events an update makes, in a fixed order, each with its `changes` when its type carries them. */
export function sectionEvents(before: AccountSections, after: AccountSections): { type: V2EventType; changes?: V2Changes }[] {
  return SECTION_EVENTS.filter((e) => !sameJson(e.section(before), e.section(after))).map((e) => ({
    type: e.type,
    changes: e.withChanges ? fieldChanges({ [e.withChanges]: before[e.withChanges] }, { [e.withChanges]: after[e.withChanges] }) : undefined,
  }));
}

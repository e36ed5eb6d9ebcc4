import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { eventCursorSeq, getEvent, listEvents as listEventRows } from '../../storage/repos/events.js';
import type { CallContext } from '../context.js';
import { eventAtVersion } from '../../domain/events/event-version.js';
import type { ListEvents } from '../../api/v1/events/params.js';

/**
 * Events are rendered as they were created, at their own `api_version`, whatever the request's
 * Stripe-Version (https://docs.stripe.com/api/events/list).
 */
export async function retrieveEvent(ctx: CallContext, id: string): Promise<Stripe.Event> {
  const found = await getEvent(ctx.deps.store.read, ctx.scope, id);
  if (!found) throw errors.resourceMissing('event', id);
  return atOwnVersion(found.event);
}

const atOwnVersion = (event: Stripe.Event): Stripe.Event => eventAtVersion(event, event.api_version);

export interface EventPage {
  object: 'list';
  data: Stripe.Event[];
  has_more: boolean;
  url: string;
}

export async function listEvents(ctx: CallContext, p: ListEvents): Promise<EventPage> {
  if (p.type !== undefined && p.types !== undefined) throw errors.parametersExclusive('type', 'types');
  if (p.types && p.types.length > 20) throw errors.arrayTooLong('types', 20);
  const read = ctx.deps.store.read;
  let startingAfterSeq: number | undefined;
  let endingBeforeSeq: number | undefined;
  if (p.starting_after) {
    startingAfterSeq = await eventCursorSeq(read, ctx.scope, p.starting_after);
    if (startingAfterSeq === undefined) throw errors.resourceMissing('event', p.starting_after, 'starting_after', 400);
  }
  if (p.ending_before) {
    endingBeforeSeq = await eventCursorSeq(read, ctx.scope, p.ending_before);
    if (endingBeforeSeq === undefined) throw errors.resourceMissing('event', p.ending_before, 'ending_before', 400);
  }
  if (startingAfterSeq !== undefined && endingBeforeSeq !== undefined) throw errors.cursorsExclusive();
  const { items, hasMore } = await listEventRows(read, ctx.scope, {
    limit: p.limit ?? 10,
    types: p.types,
    typePattern: p.type,
    created: p.created,
    deliverySuccess: p.delivery_success,
    startingAfterSeq,
    endingBeforeSeq,
  });
  return { object: 'list', data: items.map((i) => atOwnVersion(i.event)), has_more: hasMore, url: '/v1/events' };
}

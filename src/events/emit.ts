import type Stripe from 'stripe';
import type { Sql } from '../storage/sql.js';
import { newId } from '../lib/ids.js';
import { nowSeconds, type CallContext } from '../services/context.js';
import { insertEvent } from '../storage/repos/events.js';
import { afterEventInserted } from './hooks.js';

export type EventType = Stripe.Event.Type;

/**
 * Records an Event in the caller's transaction, so a state change and the news of it commit or
 * vanish together. `object` is the resource as a secret key sees it, after the change.
 */
export async function emitEvent(
  t: Sql,
  ctx: CallContext,
  type: EventType,
  object: object,
  previous?: Record<string, unknown> | null,
): Promise<Stripe.Event> {
  const data: Record<string, unknown> = { object };
  if (previous) data.previous_attributes = previous;
  const event = {
    id: newId('event'),
    object: 'event',
    api_version: ctx.account.default_api_version,
    created: nowSeconds(ctx),
    data,
    livemode: ctx.scope.livemode,
    pending_webhooks: 0,
    request: { id: ctx.request?.id ?? null, idempotency_key: ctx.request?.idempotencyKey ?? null },
    type,
  } as unknown as Stripe.Event;
  await insertEvent(t, ctx.scope, event, (object as { id?: string }).id ?? null);
  await afterEventInserted(t, ctx, event);
  return event;
}

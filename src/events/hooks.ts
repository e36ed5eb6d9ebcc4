import type Stripe from 'stripe';
import type { Sql } from '../storage/sql.js';
import type { CallContext } from '../services/context.js';

/**
 * Work that must happen in the same transaction as every new event (queuing webhook deliveries).
 * The webhooks module registers itself here at start-up, so events/ does not depend on it.
 */
type Hook = (t: Sql, ctx: CallContext, event: Stripe.Event) => Promise<void>;
const hooks: Hook[] = [];

export function onEventInserted(hook: Hook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

export async function afterEventInserted(t: Sql, ctx: CallContext, event: Stripe.Event): Promise<void> {
  for (const h of hooks) await h(t, ctx, event);
}

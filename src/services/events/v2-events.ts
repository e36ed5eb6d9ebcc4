import { errors } from '../../errors/catalogue.js';
import { getV2Event, listV2Events as listV2EventRows } from '../../storage/repos/events.js';
import type { V2Event } from '../../domain/events/v2-event.js';
import type { CallContext } from '../context.js';

/** The full event a thin notification names: what the SDK's `fetchEvent()` asks for. */
export async function retrieveV2Event(ctx: CallContext, id: string): Promise<V2Event> {
  const event = await findV2Event(ctx, id);
  if (!event) throw errors.resourceMissing('event', id);
  return event;
}

export async function findV2Event(ctx: CallContext, id: string): Promise<V2Event | undefined> {
  return getV2Event(ctx.deps.store.read, ctx.scope, id);
}

export async function listV2Events(
  ctx: CallContext,
  q: { limit: number; objectId?: string; types: string[]; created?: { gt?: number; gte?: number; lt?: number; lte?: number }; page?: { seq: number; dir: 'n' | 'p' } },
): Promise<{ items: { seq: number; event: V2Event }[]; hasMore: boolean }> {
  return listV2EventRows(ctx.deps.store.read, ctx.scope, q);
}

import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { allowedPaymentMethodTypesAvailable } from '../../domain/shared/api-versions.js';
import { checkExpandPaths, expandObject } from '../../api/render.js';
import type { CallContext } from '../context.js';

/**
 * What a caller sees of a SetupIntent: everything for secret keys; for publishable keys the
 * client-safe subset Stripe.js gets (wire.md §1.1: no customer, metadata, mandate…), where only
 * `payment_method` may be expanded. Fields newer than the request's API version are left out.
 */
const PUBLISHABLE_FIELDS = [
  'id',
  'object',
  'automatic_payment_methods',
  'cancellation_reason',
  'client_secret',
  'created',
  'description',
  'last_setup_error',
  'livemode',
  'next_action',
  'payment_method',
  'payment_method_types',
  'status',
  'usage',
] as const;

export function checkSetupIntentExpand(ctx: CallContext, expand: string[] | undefined): void {
  if (ctx.keyKind === 'publishable') {
    const bad = expand?.find((p) => p !== 'payment_method');
    if (bad) throw errors.cannotExpand(bad);
    return;
  }
  checkExpandPaths('setup_intent', expand);
}

export function forVersion(ctx: CallContext, si: Stripe.SetupIntent): Stripe.SetupIntent {
  if (allowedPaymentMethodTypesAvailable(ctx.apiVersion)) return si;
  const { allowed_payment_method_types: _omitted, ...rest } = si;
  return rest as Stripe.SetupIntent;
}

export function visibleTo(ctx: CallContext, si: Stripe.SetupIntent): Stripe.SetupIntent {
  const versioned = forVersion(ctx, si);
  if (ctx.keyKind !== 'publishable') return versioned;
  const out: Record<string, unknown> = {};
  for (const k of PUBLISHABLE_FIELDS) out[k] = (versioned as unknown as Record<string, unknown>)[k];
  return out as unknown as Stripe.SetupIntent;
}

export async function renderSetupIntent(ctx: CallContext, si: Stripe.SetupIntent, expand?: string[]): Promise<Stripe.SetupIntent> {
  return expandObject(ctx, 'setup_intent', visibleTo(ctx, si), expand);
}

import type Stripe from 'stripe';
import { expandObject } from '../../api/render.js';
import { checkIntentExpand, forVersion, hideExpandedPaymentMethodMetadata, withIntentInError } from '../intents/intent-view.js';
import type { CallContext } from '../context.js';
import type { ApiError } from '../../errors/api-error.js';

export { forVersion };

/**
 * What a caller sees of a SetupIntent: everything for secret keys; for publishable keys the
 * client-safe subset Stripe.js gets (wire.md §1.1: no customer, metadata, mandate…), where only
 * `payment_method` may be expanded. Fields newer than the request's API version are left out.
 * The subset is the fields Stripe's SetupIntent reference marks "retrievable with publishable key"
 * (https://docs.stripe.com/api/setup_intents/object); `automatic_payment_methods` is not one.
 */
const PUBLISHABLE_FIELDS = [
  'id',
  'object',
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

export const checkSetupIntentExpand = (ctx: CallContext, expand: string[] | undefined): void => checkIntentExpand(ctx, 'setup_intent', expand);

export function visibleTo(ctx: CallContext, si: Stripe.SetupIntent): Stripe.SetupIntent {
  const versioned = forVersion(ctx, si);
  if (ctx.keyKind !== 'publishable') return versioned;
  const out: Record<string, unknown> = {};
  for (const k of PUBLISHABLE_FIELDS) out[k] = (versioned as unknown as Record<string, unknown>)[k];
  return out as unknown as Stripe.SetupIntent;
}

export async function renderSetupIntent(ctx: CallContext, si: Stripe.SetupIntent, expand?: string[]): Promise<Stripe.SetupIntent> {
  return hideExpandedPaymentMethodMetadata(ctx, await expandObject(ctx, 'setup_intent', visibleTo(ctx, si), expand));
}

/** The SetupIntent inside an error of a request on it (intents/intent-view.ts). */
export const withSetupIntentInError = (ctx: CallContext, id: string, clientSecret: unknown, error: ApiError): Promise<ApiError> =>
  withIntentInError(ctx, 'setup_intent', id, clientSecret, error, visibleTo);

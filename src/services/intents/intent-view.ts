import { errors } from '../../errors/catalogue.js';
import { objectAtVersion } from '../../domain/shared/api-versions.js';
import { checkExpandPaths } from '../../api/render.js';
import type { ApiError } from '../../errors/api-error.js';
import { getObject } from '../../storage/repos/objects.js';
import type { CallContext } from '../context.js';

/**
 * Rules both intent types share when rendered: Stripe.js (a publishable key) may expand only
 * `payment_method` and never sees its metadata; `allowed_payment_method_types` does not exist
 * before 2026-07-29.dahlia.
 */
export function checkIntentExpand(ctx: CallContext, object: 'payment_intent' | 'setup_intent', expand: string[] | undefined): void {
  if (ctx.keyKind === 'publishable') {
    const bad = expand?.find((p) => p !== 'payment_method');
    if (bad) throw errors.cannotExpand(bad);
    return;
  }
  checkExpandPaths(object, expand);
}

export function forVersion<T extends { allowed_payment_method_types?: unknown }>(ctx: CallContext, intent: T): T {
  return objectAtVersion(intent, ctx.apiVersion);
}

/** Metadata is always redacted from what a publishable key sees, an expanded PaymentMethod's too. */
export function hideExpandedPaymentMethodMetadata<T extends { payment_method?: unknown }>(ctx: CallContext, intent: T): T {
  if (ctx.keyKind === 'publishable' && intent.payment_method && typeof intent.payment_method === 'object') {
    intent.payment_method = { ...(intent.payment_method as object), metadata: {} };
  }
  return intent;
}

/**
 * Stripe puts the intent in an error "returned on a request involving" it (API reference, Errors:
 * `payment_intent`, `setup_intent`), a refused parameter's too. Added here to an error that has not
 * got it, as the intent is after the failed request, seen through `view`; a publishable key sees it
 * only with the intent's client secret.
 */
export async function withIntentInError<T extends { client_secret: string | null }>(
  ctx: CallContext,
  object: 'payment_intent' | 'setup_intent',
  id: string,
  clientSecret: unknown,
  error: ApiError,
  view: (ctx: CallContext, intent: T) => unknown,
): Promise<ApiError> {
  if (error.status >= 500 || object in error.extra) return error;
  const row = await getObject<T>(ctx.deps.store.read, ctx.scope, object, id);
  if (!row || (ctx.keyKind === 'publishable' && clientSecret !== row.data.client_secret)) return error;
  return error.withExtra({ [object]: view(ctx, row.data) });
}

import { errors } from '../../errors/catalogue.js';
import type { CustomerAcceptance } from '../../domain/mandates/mandate.js';
import { nowSeconds, type CallContext } from '../context.js';

/** `mandate_data` as intents decode it (SetupIntents and PaymentIntents share the shape). */
export type MandateDataInput =
  | {
      customer_acceptance: {
        type: 'online' | 'offline';
        accepted_at?: number;
        online?: { ip_address?: string; user_agent?: string; infer_from_client?: boolean };
        offline?: Record<string, never>;
      };
    }
  | null
  | undefined;

/**
 * `mandate_data[customer_acceptance]` → the acceptance a Mandate records
 * (https://docs.stripe.com/api/setup_intents/confirm#confirm_setup_intent-mandate_data).
 * A secret key states the customer's IP and user agent; Stripe.js sends
 * `online[infer_from_client]=true` with the publishable key, and the request's own IP and
 * User-Agent are the customer's (wire.md §1.1). Returns null when no mandate_data was given.
 */
export function acceptanceFromMandateData(ctx: CallContext, md: MandateDataInput): CustomerAcceptance | null {
  if (!md) return null;
  const a = md.customer_acceptance;
  const base = 'mandate_data[customer_acceptance]';
  const acceptedAt = a.accepted_at ?? nowSeconds(ctx);
  if (a.type === 'offline') {
    if (a.online) throw errors.invalidRequest(`You cannot pass ${base}[online] when ${base}[type] is offline.`, `${base}[online]`);
    return { type: 'offline', accepted_at: acceptedAt };
  }
  if (a.offline) throw errors.invalidRequest(`You cannot pass ${base}[offline] when ${base}[type] is online.`, `${base}[offline]`);
  const online = a.online;
  if (!online) throw errors.parameterMissing(`${base}[online]`);
  if (online.infer_from_client) {
    if (ctx.keyKind !== 'publishable') throw errors.inferFromClientNeedsPublishableKey(`${base}[online][infer_from_client]`);
    return { type: 'online', accepted_at: acceptedAt, online: { ip_address: ctx.request?.ip ?? null, user_agent: ctx.request?.userAgent ?? null } };
  }
  if (online.ip_address === undefined) throw errors.parameterMissing(`${base}[online][ip_address]`);
  if (online.user_agent === undefined) throw errors.parameterMissing(`${base}[online][user_agent]`);
  return { type: 'online', accepted_at: acceptedAt, online: { ip_address: online.ip_address, user_agent: online.user_agent } };
}

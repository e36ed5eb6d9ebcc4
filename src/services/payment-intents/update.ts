import type Stripe from 'stripe';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { previousAttributes, sameJson } from '../../domain/shared/changes.js';
import { ALWAYS_UPDATABLE, transition, UPDATABLE_UNTIL_CAPTURE, type PaymentIntentStatus } from '../../domain/payment-intents/machine.js';
import { supersedeRedirectSessions } from '../../hosted/redirect-sessions.js';
import { resolveOwner } from '../customers/owner.js';
import type { CallContext } from '../context.js';
import type { UpdatePaymentIntent } from '../../api/v1/payment-intents/params.js';
import { applyDescriptors, applyMoneyAndTypes, applyOptions, applyPaymentMethod, shippingOf } from './changes.js';
import { draftOf } from './results.js';
import { requirePaymentIntent, savePaymentIntent } from './rows.js';
import { unexpectedState } from './views.js';

/** Parameters that set the terms of the payment (what the customer answers on the hosted page). */
const TERMS_PARAMS = ['amount', 'currency', 'capture_method', 'payment_method', 'payment_method_data', 'payment_method_options', 'setup_future_usage', 'customer', 'customer_account'] as const;
/** The intent's fields they set: a change to any of them means the payment must be confirmed again. */
const TERMS_FIELDS = ['amount', 'currency', 'capture_method', 'payment_method', 'payment_method_options', 'setup_future_usage', 'customer', 'customer_account', 'payment_method_types', 'allowed_payment_method_types'] as const;

/**
 * POST /v1/payment_intents/:id (https://docs.stripe.com/api/payment_intents/update). Stripe emits
 * no event for an update. What may change depends on the status: description, metadata,
 * receipt_email and shipping always; statement descriptors until capture; everything else only
 * before the payment is made ("This PaymentIntent's amount could not be updated because it has a
 * status of succeeded…"). Changing the terms of a payment waiting in `requires_action` (or giving
 * a payment method at all) sends it back to `requires_confirmation` and voids the pending redirect.
 */
export async function updatePaymentIntent(ctx: CallContext, id: string, p: UpdatePaymentIntent): Promise<Stripe.PaymentIntent> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requirePaymentIntent(t, ctx, id);
    const status = row.data.status as PaymentIntentStatus;
    const given = Object.keys(p).filter((k) => k !== 'expand' && p[k as keyof UpdatePaymentIntent] !== undefined);
    for (const field of given) {
      if ((ALWAYS_UPDATABLE as readonly string[]).includes(field)) continue;
      if ((UPDATABLE_UNTIL_CAPTURE as readonly string[]).includes(field) && status === 'requires_capture') continue;
      const gate = transition(status, field === 'payment_method' || field === 'payment_method_data' ? 'set_payment_method' : 'update', { field });
      if (!gate.ok) throw unexpectedState(ctx, gate.message, row.data, field);
    }
    const d = draftOf(row);
    if (p.customer !== undefined || p.customer_account !== undefined) {
      const owner = await resolveOwner(t, ctx, { customer: p.customer, customer_account: p.customer_account });
      d.data.customer = owner?.customer ?? null;
      d.data.customer_account = owner?.customer_account ?? null;
    }
    if (p.capture_method !== undefined) d.data.capture_method = p.capture_method;
    if (p.setup_future_usage !== undefined) d.data.setup_future_usage = p.setup_future_usage;
    if (p.description !== undefined) d.data.description = p.description;
    if (p.metadata !== undefined) d.data.metadata = applyMetadata(row.data.metadata, p.metadata);
    if (p.receipt_email !== undefined) d.data.receipt_email = p.receipt_email;
    if (p.shipping !== undefined) d.data.shipping = shippingOf(p.shipping);
    if (p.transfer_group !== undefined) d.data.transfer_group = p.transfer_group;
    applyDescriptors(d, p);
    if (given.some((f) => (TERMS_PARAMS as readonly string[]).includes(f) || f.endsWith('payment_method_types'))) {
      applyMoneyAndTypes(ctx, d, p);
      applyOptions(d, p.payment_method_options);
      await applyPaymentMethod(t, ctx, d, p);
      // "Updating the payment_method always requires you to confirm the PaymentIntent again"
      // (https://docs.stripe.com/api/payment_intents/update); other terms given again with the same
      // values change nothing, and a pending redirect stays valid.
      const pmGiven = p.payment_method !== undefined || p.payment_method_data !== undefined;
      if (pmGiven || TERMS_FIELDS.some((f) => !sameJson(d.data[f], row.data[f]))) {
        if (d.data.payment_method) d.data.status = 'requires_confirmation';
        if (status === 'requires_action') {
          d.data.next_action = null;
          await supersedeRedirectSessions(t, id);
        }
        d.data.last_payment_error = null;
      }
    }
    if (!previousAttributes(row.data, d.data)) return row.data;
    await savePaymentIntent(t, ctx, row, d.data, d.internal);
    return d.data;
  });
}

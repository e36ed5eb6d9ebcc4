import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { sameJson } from '../../domain/shared/changes.js';
import { ALWAYS_UPDATABLE, transition } from '../../domain/setup-intents/machine.js';
import { updateObject } from '../../storage/repos/objects.js';
import { emitEvent } from '../../events/emit.js';
import { ownerKey, resolveOwner } from '../customers/owner.js';
import { insertPaymentMethod } from '../payment-methods/create.js';
import { requireUsablePaymentMethod } from '../payment-methods/reuse.js';
import type { CallContext } from '../context.js';
import { wrongState } from './confirm.js';
import { abandonPendingAttempt } from './attempts.js';
import { ownerOfIntent, paymentMethodIdOf, requireSetupIntent } from './model.js';
import { resolvePaymentMethodTypes } from './payment-method-types.js';
import type { CancelSetupIntent, UpdateSetupIntent } from '../../api/v1/setup-intents/params.js';

/**
 * POST /v1/setup_intents/:id (https://docs.stripe.com/api/setup_intents/update): allowed until
 * the intent succeeds or is canceled. A new PaymentMethod, or another customer while a redirect is
 * pending, takes the intent back to `requires_confirmation` (the pending redirect is abandoned).
 * Stripe sends no event for it.
 */
export async function updateSetupIntent(ctx: CallContext, id: string, p: UpdateSetupIntent): Promise<Stripe.SetupIntent> {
  if (p.payment_method !== undefined && p.payment_method_data !== undefined) throw errors.parametersExclusive('payment_method', 'payment_method_data');
  return ctx.deps.store.tx(async (t) => {
    const row = await requireSetupIntent(t, ctx, id);
    const before = row.data;
    const changesPm = p.payment_method !== undefined || p.payment_method_data !== undefined;
    // Whether the update may happen at all; where it leads is decided below, once the new owner is
    // known. A description and metadata change whatever the status (recorded for a succeeded one).
    const given = Object.keys(p).filter((k) => k !== 'expand' && p[k as keyof UpdateSetupIntent] !== undefined);
    const allowed = transition(before.status as never, 'update');
    if (!allowed.ok && !given.every((k) => (ALWAYS_UPDATABLE as readonly string[]).includes(k))) throw wrongState(ctx, before, allowed.message);
    let next: Stripe.SetupIntent = { ...before };
    const types = resolvePaymentMethodTypes(ctx, p, false);
    if (types) next = { ...next, ...types };
    if (p.customer !== undefined || p.customer_account !== undefined) {
      const owner = await resolveOwner(t, ctx, { customer: p.customer, customer_account: p.customer_account });
      next.customer = p.customer !== undefined ? (owner?.customer ?? null) : next.customer;
      next.customer_account = p.customer_account !== undefined ? (owner?.customer_account ?? null) : next.customer_account;
      if (next.customer && next.customer_account) throw errors.parametersExclusive('customer', 'customer_account');
    }
    if (p.description !== undefined) next.description = p.description;
    if (p.metadata !== undefined) next.metadata = applyMetadata(before.metadata, p.metadata);
    if (p.flow_directions !== undefined) next.flow_directions = p.flow_directions ?? null;
    if (p.payment_method_options?.amazon_pay) next.payment_method_options = { ...next.payment_method_options, amazon_pay: {} };
    const owner = ownerOfIntent(next);
    let param = 'payment_method';
    if (p.payment_method_data !== undefined) {
      param = 'payment_method_data[type]';
      next.payment_method = (await insertPaymentMethod(t, ctx, p.payment_method_data, param)).id;
    } else if (p.payment_method !== undefined) {
      next.payment_method = (await requireUsablePaymentMethod(t, ctx, p.payment_method, { owner, intent: 'SetupIntent' })).id;
    } else if (paymentMethodIdOf(next) && (p.customer !== undefined || p.customer_account !== undefined)) {
      // A new customer must be able to use the method already on the intent.
      await requireUsablePaymentMethod(t, ctx, paymentMethodIdOf(next)!, { owner, intent: 'SetupIntent' });
    }
    if (changesPm) {
      const pm = (await requireUsablePaymentMethod(t, ctx, paymentMethodIdOf(next)!, { owner, intent: 'SetupIntent', param })).data;
      if (!next.payment_method_types.includes(pm.type)) throw errors.paymentMethodNotAllowed('SetupIntent', pm.type, next.payment_method_types, param);
    }
    // The pending redirect was started for this method and this customer: the customer's answer
    // must not save the method to someone else, so another owner voids it too (as for a
    // PaymentIntent) and the intent is confirmed again.
    const ownerChanged = ownerKey(ownerOfIntent(before)) !== ownerKey(owner);
    if (changesPm || (before.status === 'requires_action' && ownerChanged)) {
      if (before.status === 'requires_action') await abandonPendingAttempt(t, ctx, before);
      const again = transition(before.status as never, 'set_payment_method');
      if (again.ok) next.status = again.to;
      next.next_action = null;
    }
    if (sameJson(next, before)) return before;
    await updateObject(t, ctx.scope, row, { data: next, customer: ownerKey(owner), lookup: paymentMethodIdOf(next) });
    return next;
  });
}

/** POST /v1/setup_intents/:id/cancel (https://docs.stripe.com/api/setup_intents/cancel). */
export async function cancelSetupIntent(ctx: CallContext, id: string, p: CancelSetupIntent): Promise<Stripe.SetupIntent> {
  return ctx.deps.store.tx(async (t) => {
    const row = await requireSetupIntent(t, ctx, id);
    const step = transition(row.data.status as never, 'cancel');
    if (!step.ok) throw wrongState(ctx, row.data, step.message);
    await abandonPendingAttempt(t, ctx, row.data);
    const next: Stripe.SetupIntent = { ...row.data, status: step.to, cancellation_reason: p.cancellation_reason ?? null, next_action: null };
    await updateObject(t, ctx.scope, row, { data: next });
    await emitEvent(t, ctx, 'setup_intent.canceled', next);
    return next;
  });
}

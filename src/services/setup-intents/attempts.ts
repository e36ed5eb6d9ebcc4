import type Stripe from 'stripe';
import { newId } from '../../lib/ids.js';
import { insertObject, updateObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { supersedeRedirectSessions } from '../../hosted/redirect-sessions.js';
import { nowSeconds, type CallContext } from '../context.js';
import { getSetupAttempt, ownerOfIntent, type SetupAttemptInternal, type SetupAttemptRow } from './model.js';

/**
 * SetupAttempts (https://docs.stripe.com/api/setup_attempts): one per confirmation, with a
 * snapshot of the intent's customer and usage.
 */
export async function insertSetupAttempt(
  t: Sql,
  ctx: CallContext,
  si: Stripe.SetupIntent,
  pm: Stripe.PaymentMethod,
  internal: Pick<SetupAttemptInternal, 'returnUrl' | 'acceptance'>,
): Promise<SetupAttemptRow> {
  const id = newId('setup_attempt');
  const created = nowSeconds(ctx);
  const owner = ownerOfIntent(si);
  const attempt: Stripe.SetupAttempt = {
    id,
    object: 'setup_attempt',
    application: null,
    created,
    customer: owner.customer,
    customer_account: owner.customer_account,
    flow_directions: si.flow_directions ?? null,
    livemode: ctx.scope.livemode,
    on_behalf_of: null,
    payment_method: pm.id,
    // Per-type details: the amazon_pay hash has no fields.
    payment_method_details: { type: pm.type, [pm.type]: {} } as Stripe.SetupAttempt.PaymentMethodDetails,
    setup_error: null,
    setup_intent: si.id,
    status: 'processing',
    usage: si.usage,
  };
  return insertObject<Stripe.SetupAttempt, SetupAttemptInternal>(t, ctx.scope, {
    type: 'setup_attempt',
    id,
    created,
    data: attempt,
    internal: { ...internal, paymentMethodType: pm.type, checkoutSessionId: null, redirectTokenHash: null },
    parent: si.id,
  });
}

export async function updateSetupAttempt(t: Sql, ctx: CallContext, row: SetupAttemptRow, patch: Partial<Stripe.SetupAttempt>, internal?: Partial<SetupAttemptInternal>): Promise<SetupAttemptRow> {
  return updateObject(t, ctx.scope, row, { data: { ...row.data, ...patch }, internal: internal ? { ...row.internal, ...internal } : undefined });
}

/**
 * A re-confirmation or a cancel leaves the pending attempt behind: it becomes `abandoned` and
 * its redirect link stops working.
 */
export async function abandonPendingAttempt(t: Sql, ctx: CallContext, si: Stripe.SetupIntent): Promise<void> {
  await supersedeRedirectSessions(t, si.id);
  const id = typeof si.latest_attempt === 'string' ? si.latest_attempt : si.latest_attempt?.id;
  if (!id) return;
  const row = await getSetupAttempt(t, ctx, id);
  if (row && (row.data.status === 'requires_action' || row.data.status === 'processing')) await updateSetupAttempt(t, ctx, row, { status: 'abandoned' });
}

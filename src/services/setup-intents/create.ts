import type Stripe from 'stripe';
import { newClientSecret, newId } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { insertObject } from '../../storage/repos/objects.js';
import { emitEvent } from '../../events/emit.js';
import { resolveOwner, ownerKey } from '../customers/owner.js';
import { insertPaymentMethod } from '../payment-methods/create.js';
import { requireUsablePaymentMethod } from '../payment-methods/reuse.js';
import type { Operation } from '../../reconcile/operations.js';
import { nowSeconds, type CallContext } from '../context.js';
import { beginConfirm, checkReturnUrl, finishNow } from './confirm.js';
import type { SetupIntentInternal } from './model.js';
import { resolvePaymentMethodTypes } from './payment-method-types.js';
import type { CreateSetupIntent } from '../../api/v1/setup-intents/params.js';

/**
 * POST /v1/setup_intents (https://docs.stripe.com/api/setup_intents/create). With
 * `payment_method`/`payment_method_data` and no `confirm` the intent starts in
 * `requires_confirmation`; with `confirm=true` the confirmation's first transaction runs in the
 * same transaction as the creation, so a refused confirmation creates nothing.
 */
export async function createSetupIntent(ctx: CallContext, p: CreateSetupIntent): Promise<Stripe.SetupIntent> {
  if (!p.confirm) {
    if (p.return_url !== undefined) throw errors.requiresConfirm('SetupIntent', 'return_url');
    if (p.mandate_data !== undefined) throw errors.requiresConfirm('SetupIntent', 'mandate_data');
  }
  checkReturnUrl(p.return_url);
  if (p.payment_method !== undefined && p.payment_method_data !== undefined) throw errors.parametersExclusive('payment_method', 'payment_method_data');
  const types = resolvePaymentMethodTypes(ctx, p, true)!;
  let op: Operation | undefined;
  const created = await ctx.deps.store.tx(async (t) => {
    op = undefined;
    const owner = (await resolveOwner(t, ctx, { customer: p.customer, customer_account: p.customer_account })) ?? { customer: null, customer_account: null };
    let pm: Stripe.PaymentMethod | undefined;
    let param = 'payment_method';
    if (p.payment_method_data) {
      param = 'payment_method_data[type]';
      pm = (await insertPaymentMethod(t, ctx, p.payment_method_data, param)).data;
    } else if (p.payment_method) {
      pm = (await requireUsablePaymentMethod(t, ctx, p.payment_method, { owner, intent: 'SetupIntent' })).data;
    }
    if (pm && !types.payment_method_types.includes(pm.type)) throw errors.paymentMethodNotAllowed('SetupIntent', pm.type, types.payment_method_types, param);
    const id = newId('setup_intent');
    const now = nowSeconds(ctx);
    // Stripe's key order: id, object, then alphabetical.
    const si: Stripe.SetupIntent = {
      id,
      object: 'setup_intent',
      allowed_payment_method_types: types.allowed_payment_method_types,
      application: null,
      automatic_payment_methods: types.automatic_payment_methods,
      cancellation_reason: null,
      client_secret: newClientSecret(id),
      created: now,
      customer: owner.customer,
      customer_account: owner.customer_account,
      description: p.description ?? null,
      excluded_payment_method_types: types.excluded_payment_method_types,
      flow_directions: p.flow_directions ?? null,
      last_setup_error: null,
      latest_attempt: null,
      livemode: ctx.scope.livemode,
      mandate: null,
      metadata: applyMetadata({}, p.metadata),
      next_action: null,
      on_behalf_of: null,
      payment_method: pm?.id ?? null,
      payment_method_configuration_details: null,
      payment_method_options: p.payment_method_options?.amazon_pay ? { amazon_pay: {} } : {},
      payment_method_types: types.payment_method_types,
      single_use_mandate: null,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      usage: p.usage ?? 'off_session',
    };
    const row = await insertObject<Stripe.SetupIntent, SetupIntentInternal>(t, ctx.scope, {
      type: 'setup_intent',
      id,
      created: now,
      data: si,
      internal: {},
      customer: ownerKey(owner),
      lookup: si.payment_method as string | null,
    });
    await emitEvent(t, ctx, 'setup_intent.created', si);
    if (!p.confirm) return si;
    const begun = await beginConfirm(t, ctx, row, { return_url: p.return_url, mandate_data: p.mandate_data });
    op = begun.op;
    return begun.si;
  });
  return op ? finishNow(ctx, op, created.id) : created;
}

import type Stripe from 'stripe';
import { newClientSecret, newId } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import type { PaymentIntentInternal } from '../../domain/payment-intents/payment-intent.js';
import { insertObject } from '../../storage/repos/objects.js';
import { emitEvent } from '../../events/emit.js';
import { ownerKey, resolveOwner } from '../customers/owner.js';
import { nowSeconds, type CallContext } from '../context.js';
import type { CreatePaymentIntent } from '../../api/v1/payment-intents/params.js';
import { applyDescriptors, applyMoneyAndTypes, applyOptions, applyPaymentMethod, shippingOf, type Draft } from './changes.js';
import { beginConfirm, type Begun } from './attempts.js';
import { answerAttempt, runInline } from './finish.js';

/** Confirm-only parameters: refused on create unless `confirm=true` (flows.md §5). */
const CONFIRM_ONLY = ['return_url', 'mandate_data', 'off_session', 'mandate', 'error_on_requires_action'] as const;

/**
 * POST /v1/payment_intents (https://docs.stripe.com/api/payment_intents/create). With
 * `confirm=true` the intent is created and confirmed in one transaction, then the processor is
 * called and its answer applied (attempts.ts, operations.ts).
 */
export async function createPaymentIntent(ctx: CallContext, p: CreatePaymentIntent): Promise<Stripe.PaymentIntent> {
  if (!p.confirm) for (const k of CONFIRM_ONLY) if (p[k] !== undefined && p[k] !== null) throw errors.requiresConfirm('PaymentIntent', k);
  let begun: Begun | null = null;
  // Each transaction returns the object it wrote: a keyed request that crashes after the commit is
  // answered with it on retry (http/idempotency.ts).
  const created = await ctx.deps.store.tx(async (t): Promise<Stripe.PaymentIntent> => {
    begun = null;
    const id = newId('payment_intent');
    const now = nowSeconds(ctx);
    const owner = await resolveOwner(t, ctx, { customer: p.customer, customer_account: p.customer_account });
    const d: Draft = {
      data: {
        id,
        object: 'payment_intent',
        allowed_payment_method_types: null,
        amount: p.amount,
        amount_capturable: 0,
        // As Stripe's own PaymentIntents show them (the API reference's example and live 2026 bodies).
        amount_details: { tip: {} },
        amount_received: 0,
        application: null,
        application_fee_amount: null,
        automatic_payment_methods: null,
        canceled_at: null,
        cancellation_reason: null,
        // New PaymentIntents default to automatic_async (https://docs.stripe.com/payments/payment-intents/asynchronous-capture).
        capture_method: p.capture_method ?? 'automatic_async',
        client_secret: newClientSecret(id),
        confirmation_method: p.confirmation_method ?? 'automatic',
        created: now,
        currency: p.currency.toLowerCase(),
        customer: owner?.customer ?? null,
        customer_account: owner?.customer_account ?? null,
        description: p.description ?? null,
        excluded_payment_method_types: null,
        last_payment_error: null,
        latest_charge: null,
        livemode: ctx.scope.livemode,
        managed_payments: { enabled: false },
        metadata: applyMetadata({}, p.metadata),
        next_action: null,
        on_behalf_of: null,
        payment_method: null,
        payment_method_configuration_details: null,
        payment_method_options: {},
        payment_method_types: [],
        payment_record: null,
        processing: null,
        receipt_email: p.receipt_email ?? null,
        review: null,
        setup_future_usage: p.setup_future_usage ?? null,
        shipping: shippingOf(p.shipping ?? null),
        source: null,
        statement_descriptor: null,
        statement_descriptor_suffix: null,
        status: 'requires_payment_method',
        transfer_data: null,
        transfer_group: p.transfer_group ?? null,
      },
      internal: { selection: { mode: 'automatic', requested: [], excluded: null, allowRedirects: 'always' }, attempts: 0, attempt: null, outcome: null, operation: null },
    };
    applyMoneyAndTypes(ctx, d, { ...p, currency: p.currency });
    applyOptions(d, p.payment_method_options);
    applyDescriptors(d, p);
    const pmRow = await applyPaymentMethod(t, ctx, d, p);
    if (d.data.payment_method) d.data.status = 'requires_confirmation';
    const row = await insertObject<Stripe.PaymentIntent, PaymentIntentInternal>(t, ctx.scope, {
      type: 'payment_intent',
      id,
      created: now,
      data: d.data,
      internal: d.internal,
      customer: ownerKey(d.data),
    });
    await emitEvent(t, ctx, 'payment_intent.created', d.data);
    if (!p.confirm) return d.data;
    begun = await beginConfirm(t, ctx, row, {
      return_url: p.return_url,
      mandate: p.mandate,
      mandate_data: p.mandate_data,
      off_session: p.off_session,
      error_on_requires_action: p.error_on_requires_action,
    }, pmRow);
    return begun.pi;
  });
  const b = begun as Begun | null;
  if (!b) return created;
  if (b.op) await runInline(ctx, b.op);
  return answerAttempt(ctx, b.pi.id, b.reference);
}

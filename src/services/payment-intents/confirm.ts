import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import type { CallContext } from '../context.js';
import type { ConfirmPaymentIntent } from '../../api/v1/payment-intents/params.js';
import { beginConfirm, type Begun } from './attempts.js';
import { answerAttempt, runInline } from './finish.js';
import { requirePaymentIntent } from './rows.js';
import { checkClientSecret } from '../setup-intents/confirm.js';

/**
 * POST /v1/payment_intents/:id/confirm (https://docs.stripe.com/api/payment_intents/confirm), also
 * what Stripe.js's `confirmAmazonPayPayment` calls with the publishable key and the client secret.
 */
export async function confirmPaymentIntent(ctx: CallContext, id: string, p: ConfirmPaymentIntent): Promise<Stripe.PaymentIntent> {
  let begun: Begun | null = null;
  await ctx.deps.store.tx(async (t) => {
    begun = null;
    const row = await requirePaymentIntent(t, ctx, id);
    checkClientSecret(ctx, row.data, p.client_secret, 'PaymentIntent');
    if (ctx.keyKind === 'publishable' && row.data.confirmation_method === 'manual') throw errors.manualConfirmationNeedsSecretKey();
    begun = await beginConfirm(t, ctx, row, p);
    return begun.pi;
  });
  const b = begun as unknown as Begun;
  if (b.op) await runInline(ctx, b.op);
  return answerAttempt(ctx, id, b.reference);
}

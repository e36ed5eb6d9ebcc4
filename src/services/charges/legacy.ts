import { errors } from '../../errors/catalogue.js';
import { listObjects } from '../../storage/repos/objects.js';
import { requireLiveCustomer, ownerKey } from '../customers/owner.js';
import { requireCharge } from './charges.js';
import type { CallContext } from '../context.js';
import type { CreateCharge } from '../../api/v1/charges/params.js';

/**
 * The legacy Charges API's two writes. onfile takes payments with PaymentIntents only, and answers
 * these as Stripe answers an account that does (recorded at 2026-08-26.dahlia): a charge is never
 * created here, and a charge is captured through its PaymentIntent.
 */

/** POST /v1/charges: refused, with the reason that fits what was sent. */
export async function createLegacyCharge(ctx: CallContext, p: CreateCharge): Promise<never> {
  if (p.source !== undefined || p.card !== undefined) throw errors.chargeCardTokensEndOfLife();
  if (p.customer) {
    const read = ctx.deps.store.read;
    await requireLiveCustomer(read, ctx, p.customer);
    const attached = await listObjects(read, ctx.scope, { type: 'payment_method', customer: ownerKey({ customer: p.customer, customer_account: null }), limit: 1 });
    throw attached.items.length ? errors.chargeCustomerHasPaymentMethod() : errors.chargeCustomerHasNoPaymentDetails();
  }
  // A payment method is not a source: without a customer it gets the same answer (recorded).
  throw errors.chargeNeedsSourceOrCustomer();
}

/**
 * POST /v1/charges/:id/capture: every charge onfile holds was made by a PaymentIntent, whose capture
 * is the way (POST /v1/payment_intents/:id/capture). A failed charge gets the same answer
 * (unverified: the recordings capture a held and a captured charge).
 */
export async function captureLegacyCharge(ctx: CallContext, id: string): Promise<never> {
  const charge = (await requireCharge(ctx.deps.store.read, ctx, id)).data;
  if (charge.captured) throw errors.chargeAlreadyCaptured(id);
  throw errors.chargeCapturedThroughPaymentIntent(String(charge.payment_intent));
}

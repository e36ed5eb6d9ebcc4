import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { getObject, type ObjectRow } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import type { CustomerAcceptance } from '../../domain/mandates/mandate.js';
import type { CallContext } from '../context.js';

/**
 * Rows of SetupIntents and SetupAttempts. SetupIntent columns: customer = owner (cus_/acct_),
 * lookup = payment_method. SetupAttempt columns: parent = setup_intent. What onfile needs between
 * confirm and completion lives on the attempt (never rendered).
 */
export type SetupIntentInternal = Record<string, never>;

export interface SetupAttemptInternal {
  paymentMethodType: string;
  returnUrl: string | null;
  /** From `mandate_data` at confirm; null: the customer's answer on the hosted page is the acceptance. */
  acceptance: CustomerAcceptance | null;
  checkoutSessionId: string | null;
  redirectTokenHash: string | null;
}

export type SetupIntentRow = ObjectRow<Stripe.SetupIntent, SetupIntentInternal>;
export type SetupAttemptRow = ObjectRow<Stripe.SetupAttempt, SetupAttemptInternal>;

export async function requireSetupIntent(t: Sql, ctx: CallContext, id: string): Promise<SetupIntentRow> {
  const row = await getObject<Stripe.SetupIntent, SetupIntentInternal>(t, ctx.scope, 'setup_intent', id);
  // `intent`: the path parameter of `/v1/setup_intents/{intent}`, as for PaymentIntents.
  if (!row) throw id.includes('_secret_') ? errors.clientSecretAsIntentId('SetupIntent') : errors.resourceMissing('setupintent', id, 'intent');
  return row;
}

export async function getSetupAttempt(t: Sql, ctx: CallContext, id: string): Promise<SetupAttemptRow | undefined> {
  return getObject<Stripe.SetupAttempt, SetupAttemptInternal>(t, ctx.scope, 'setup_attempt', id);
}

export const ownerOfIntent = (si: Stripe.SetupIntent) => ({
  customer: typeof si.customer === 'string' ? si.customer : (si.customer?.id ?? null),
  customer_account: si.customer_account ?? null,
});

export const paymentMethodIdOf = (si: Stripe.SetupIntent): string | null =>
  typeof si.payment_method === 'string' ? si.payment_method : (si.payment_method?.id ?? null);

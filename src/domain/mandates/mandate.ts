import type Stripe from 'stripe';

/**
 * A Mandate records the customer's agreement to be charged later
 * (https://docs.stripe.com/api/mandates/object). For Amazon Pay it stands for the processor's
 * charge permission; onfile keeps that reference in the row's internal part, never on the wire.
 */
export interface MandateInternal {
  paymentMethodType: string;
  /** The connector's reusable agreement (Amazon Pay charge permission id). */
  agreementId: string | null;
}

/** What the customer accepted, as given in `mandate_data[customer_acceptance]` or inferred. */
export interface CustomerAcceptance {
  type: 'online' | 'offline';
  accepted_at: number;
  online?: { ip_address: string | null; user_agent: string | null };
}

export function newMandate(
  id: string,
  livemode: boolean,
  paymentMethod: { id: string; type: string },
  acceptance: CustomerAcceptance,
  usage: 'multi_use' | 'single_use',
  singleUse?: { amount: number; currency: string },
): Stripe.Mandate {
  const customer_acceptance: Stripe.Mandate.CustomerAcceptance = { accepted_at: acceptance.accepted_at, type: acceptance.type };
  if (acceptance.type === 'online') customer_acceptance.online = { ip_address: acceptance.online?.ip_address ?? null, user_agent: acceptance.online?.user_agent ?? null };
  else customer_acceptance.offline = {};
  const mandate: Stripe.Mandate = {
    id,
    object: 'mandate',
    customer_acceptance,
    livemode,
    payment_method: paymentMethod.id,
    // Per-type details hash: amazon_pay's has no fields.
    payment_method_details: { type: paymentMethod.type, [paymentMethod.type]: {} } as Stripe.Mandate.PaymentMethodDetails,
    status: 'active',
    type: usage,
  };
  if (usage === 'multi_use') mandate.multi_use = {};
  else if (singleUse) mandate.single_use = singleUse;
  return mandate;
}

import type Stripe from 'stripe';
import type { CustomerKind, Rider } from './store.js';

/**
 * The seed's two ways to represent a rider (https://docs.stripe.com/payments/amazon-pay/set-up-payment,
 * "Create or retrieve a customer"): a Customers v1 object, or an Accounts v2 object with the customer
 * configuration (https://docs.stripe.com/accounts-v2/use-accounts-as-customers). Everything below
 * that names the rider on an API call goes through `ownerParams`.
 */
export async function createStripeCustomer(stripe: Stripe, kind: CustomerKind, name: string, email: string): Promise<string> {
  if (kind === 'customer') {
    const customer = await stripe.customers.create({ name, email });
    return customer.id;
  }
  const account = await stripe.v2.core.accounts.create({
    contact_email: email,
    display_name: name,
    configuration: { customer: {} },
    include: ['configuration.customer'],
  });
  return account.id;
}

/** `customer=cus_…` or `customer_account=acct_…`, as the seed's two tabs do. */
export function ownerParams(rider: Rider): { customer: string } | { customer_account: string } {
  return rider.kind === 'customer' ? { customer: rider.stripe_id } : { customer_account: rider.stripe_id };
}

/** True when an intent or payment method returned by the API belongs to this rider. */
export function ownedBy(rider: Rider, obj: { customer?: string | { id: string } | null; customer_account?: string | null }): boolean {
  const customer = typeof obj.customer === 'string' ? obj.customer : obj.customer?.id ?? null;
  return rider.kind === 'customer' ? customer === rider.stripe_id : obj.customer_account === rider.stripe_id;
}

/** The rider's saved Amazon Pay methods, newest first. */
export async function savedAmazonPay(stripe: Stripe, rider: Rider): Promise<Stripe.PaymentMethod[]> {
  const list =
    rider.kind === 'customer'
      ? await stripe.customers.listPaymentMethods(rider.stripe_id, { type: 'amazon_pay', limit: 10 })
      : await stripe.paymentMethods.list({ customer_account: rider.stripe_id, type: 'amazon_pay', limit: 10 });
  return list.data;
}

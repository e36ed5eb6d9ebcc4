import type Stripe from 'stripe';
import type { MerchantAccount } from '../../storage/repos/accounts.js';
import { accountDescriptor } from '../payment-intents/statement-descriptor.js';

/**
 * The merchant account as `GET /v1/account` shows it to its own secret key
 * (https://docs.stripe.com/api/accounts/object). A test account here is fully onboarded: charges and
 * payouts enabled, nothing due. Its only capability is `amazon_pay_payments` (onfile takes no other
 * payment method). The statement descriptor is the one its charges carry when an intent gives none.
 */
export function merchantAccountView(a: MerchantAccount): Stripe.Account {
  return {
    id: a.id,
    object: 'account',
    business_profile: {
      mcc: null,
      minority_owned_business_designation: null,
      name: a.display_name,
      specified_commercial_transactions_act_url: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    },
    business_type: null,
    capabilities: { amazon_pay_payments: 'active' },
    charges_enabled: true,
    country: a.country,
    created: a.created,
    default_currency: a.default_currency,
    details_submitted: true,
    email: null,
    metadata: {},
    payouts_enabled: true,
    settings: {
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_payments: { statement_descriptor_prefix: null, statement_descriptor_prefix_kana: null, statement_descriptor_prefix_kanji: null },
      dashboard: { display_name: a.display_name, timezone: 'Etc/UTC' },
      payments: {
        statement_descriptor: accountDescriptor(a.display_name),
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
    },
    type: 'standard',
  };
}

// The curl commands of the seed ("Set up future Amazon Pay payments", Direct API), copied verbatim
// and in the seed's order. Only the placeholders differ at run time: `<>` (the secret key),
// `{{CUSTOMER_ID}}`-style ids from earlier responses, and the API origin.
export const STRIPE_ORIGIN = 'https://api.stripe.com';

export const SEED = {
  /** "Create or retrieve a customer" — Accounts v2 tab. */
  createAccountV2: `curl -X POST https://api.stripe.com/v2/core/accounts \\
  -H "Authorization: Bearer <>" \\
  -H "Stripe-Version: 2026-05-27.preview" \\
  --json '{ "contact_email": "jenny.rosen@example.com", "display_name": "Jenny Rosen", "configuration": { "customer": {} }, "include": [ "configuration.customer" ] }'`,

  /** "Create or retrieve a customer" — Customers v1 tab. */
  createCustomer: `curl https://api.stripe.com/v1/customers \\
  -u "<>:" \\
  -d "name=Jenny Rosen" \\
  --data-urlencode "email=jenny.rosen@example.com"`,

  /** "Create a SetupIntent and save a payment method" — Accounts v2 tab. */
  createSetupIntentAccount: `curl https://api.stripe.com/v1/setup_intents \\
  -u "<>:" \\
  -d "payment_method_types[]=amazon_pay" \\
  -d "payment_method_data[type]=amazon_pay" \\
  -d usage=off_session \\
  -d "customer_account={{CUSTOMERACCOUNT_ID}}"`,

  /** "Create a SetupIntent and save a payment method" — Customers v1 tab. */
  createSetupIntentCustomer: `curl https://api.stripe.com/v1/setup_intents \\
  -u "<>:" \\
  -d "payment_method_types[]=amazon_pay" \\
  -d "payment_method_data[type]=amazon_pay" \\
  -d usage=off_session \\
  -d customer={{CUSTOMER_ID}}`,

  /** "Optional: Handle the Amazon Pay redirect manually", step 1. */
  manualRedirectPaymentIntent: `curl https://api.stripe.com/v1/payment_intents \\
  -u "<>:" \\
  -d amount=1000 \\
  -d currency=usd \\
  -d "payment_method_types[]=amazon_pay" \\
  -d "payment_method_data[type]=amazon_pay" \\
  --data-urlencode "return_url=https://example.com/checkout/complete" \\
  -d confirm=true`,

  /** "Create a PaymentIntent and save a payment method" — Accounts v2 tab. */
  savePaymentIntentAccount: `curl https://api.stripe.com/v1/payment_intents \\
  -u "<>:" \\
  -d "payment_method_types[]=amazon_pay" \\
  -d "payment_method_data[type]=amazon_pay" \\
  -d "mandate_data[customer_acceptance][type]=online" \\
  -d "mandate_data[customer_acceptance][online][ip_address]=127.0.0.0" \\
  -d "mandate_data[customer_acceptance][online][user_agent]=device" \\
  --data-urlencode "return_url=https://www.stripe.com" \\
  -d "customer_account={{CUSTOMERACCOUNT_ID}}" \\
  -d setup_future_usage=off_session \\
  -d amount=1000 \\
  -d currency=usd \\
  -d statement_descriptor=test_statement \\
  -d capture_method=automatic \\
  -d confirm=true`,

  /** "Create a PaymentIntent and save a payment method" — Customers v1 tab. */
  savePaymentIntentCustomer: `curl https://api.stripe.com/v1/payment_intents \\
  -u "<>:" \\
  -d "payment_method_types[]=amazon_pay" \\
  -d "payment_method_data[type]=amazon_pay" \\
  -d "mandate_data[customer_acceptance][type]=online" \\
  -d "mandate_data[customer_acceptance][online][ip_address]=127.0.0.0" \\
  -d "mandate_data[customer_acceptance][online][user_agent]=device" \\
  --data-urlencode "return_url=https://www.stripe.com" \\
  -d "customer={{CUSTOMER_ID}}" \\
  -d setup_future_usage=off_session \\
  -d amount=1000 \\
  -d currency=usd \\
  -d statement_descriptor=test_statement \\
  -d capture_method=automatic \\
  -d confirm=true`,

  /** "Create a PaymentIntent using a saved payment method" — Accounts v2 tab. */
  offSessionAccount: `curl https://api.stripe.com/v1/payment_intents \\
  -u "<>:" \\
  -d "payment_method_types[]=amazon_pay" \\
  -d "payment_method={{PAYMENTMETHOD_ID}}" \\
  -d amount=1000 \\
  -d currency=usd \\
  -d "customer_account={{CUSTOMERACCOUNT_ID}}" \\
  -d statement_descriptor=test_statement \\
  -d capture_method=automatic \\
  -d confirm=true \\
  -d off_session=true`,

  /** "Create a PaymentIntent using a saved payment method" — Customers v1 tab. */
  offSessionCustomer: `curl https://api.stripe.com/v1/payment_intents \\
  -u "<>:" \\
  -d "payment_method_types[]=amazon_pay" \\
  -d payment_method={{PAYMENT_METHOD_ID}} \\
  -d amount=1000 \\
  -d currency=usd \\
  -d customer={{CUSTOMER_ID}} \\
  -d statement_descriptor=test_statement \\
  -d capture_method=automatic \\
  -d confirm=true \\
  -d off_session=true`,
} as const;

/**
 * "Optional: Detach reusable payment method" gives no command; this is the API reference's
 * (https://docs.stripe.com/api/payment_methods/detach) in the seed's style.
 */
export const DETACH = `curl -X POST https://api.stripe.com/v1/payment_methods/{{PAYMENT_METHOD_ID}}/detach \\
  -u "<>:"`;

/**
 * The seed leaves the SetupIntents' confirmation to Stripe.js (`confirmAmazonPaySetup`); this is the
 * request the browser library sends for it (client.md §3), written as curl: publishable key and
 * client secret, mandate inferred from the client.
 */
export const CONFIRM_SETUP_AS_STRIPE_JS = `curl https://api.stripe.com/v1/setup_intents/{{SETUP_INTENT_ID}}/confirm \\
  -d key={{PUBLISHABLE_KEY}} \\
  -d client_secret={{SETUP_INTENT_CLIENT_SECRET}} \\
  -d "payment_method_data[type]=amazon_pay" \\
  -d "mandate_data[customer_acceptance][type]=online" \\
  -d "mandate_data[customer_acceptance][online][infer_from_client]=true" \\
  --data-urlencode "return_url=https://example.com/setup/complete"`;

/** Finishing a redirect without a browser: POST the hosted page's form (its own note says how). */
export const ANSWER_HOSTED_PAGE = `curl -d action={{ACTION}} "{{REDIRECT_URL}}"`;

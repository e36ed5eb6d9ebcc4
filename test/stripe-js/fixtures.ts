// Intent bodies as the API returns them to a publishable key (wire.md §1.1).
export const SETI = 'seti_1Qa2Bc3De4Fg5Hi6Jk7Lm8No';
export const SETI_SECRET = `${SETI}_secret_Pq9Rs0Tu1Vw2Xy3Za4Bc5De6Fg7Hi`;
export const PI = 'pi_3Qa2Bc3De4Fg5Hi6Jk7Lm8No';
export const PI_SECRET = `${PI}_secret_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1`;
export const PK = 'pk_test_51Onfile0000000000000000000';

export function setupIntentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: SETI,
    object: 'setup_intent',
    cancellation_reason: null,
    client_secret: SETI_SECRET,
    created: 1_764_000_000,
    description: null,
    last_setup_error: null,
    livemode: false,
    next_action: null,
    payment_method: { id: 'pm_1Amz', object: 'payment_method', type: 'amazon_pay', amazon_pay: {} },
    payment_method_types: ['amazon_pay'],
    status: 'succeeded',
    usage: 'off_session',
    ...overrides,
  };
}

export function paymentIntentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: PI,
    object: 'payment_intent',
    amount: 1000,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: PI_SECRET,
    confirmation_method: 'automatic',
    created: 1_764_000_000,
    currency: 'usd',
    description: null,
    last_payment_error: null,
    livemode: false,
    next_action: null,
    payment_method: 'pm_1Amz',
    payment_method_types: ['amazon_pay'],
    receipt_email: null,
    setup_future_usage: null,
    shipping: null,
    status: 'succeeded',
    ...overrides,
  };
}

export function redirectAction(url: string, returnUrl: string): Record<string, unknown> {
  return { type: 'redirect_to_url', redirect_to_url: { url, return_url: returnUrl } };
}

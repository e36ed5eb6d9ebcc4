// Entry of the classic-script build served at GET /v3/: defines `window.Stripe` like Stripe.js,
// so pages and @stripe/stripe-js's loadStripe() (which reuses an existing global) need no change.
import { Stripe } from './index.js';

declare global {
  interface Window {
    Stripe?: typeof Stripe;
  }
}

window.Stripe = Stripe;

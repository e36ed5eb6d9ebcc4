import { THREE_DECIMAL_CURRENCIES } from './currencies.js';

/**
 * Stripe's charge limits (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts):
 * a minimum per currency, in that currency's minor unit, and "up to eight digits" for every
 * currency (99999999: $999,999.99, or ¥99,999,999 for a zero-decimal currency).
 */
export const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50, gbp: 30, hkd: 400,
  huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200, ron: 200, sek: 300, sgd: 50, thb: 1000,
};

export const MAXIMUM_AMOUNT = 99_999_999;

export type AmountProblem =
  | { kind: 'too_small'; minimum: number }
  | { kind: 'too_large'; maximum: number }
  | { kind: 'three_decimal_rounding' };

/**
 * Why an amount cannot be charged in `currency`, or null. Stripe also enforces the minimum after
 * converting to the settlement currency; onfile has no exchange rates, so a currency missing from
 * the table only has to be positive.
 */
export function amountProblem(amount: number, currency: string): AmountProblem | null {
  const minimum = MINIMUM_CHARGE[currency] ?? 1;
  if (amount < minimum) return { kind: 'too_small', minimum };
  if (amount > MAXIMUM_AMOUNT) return { kind: 'too_large', maximum: MAXIMUM_AMOUNT };
  if (THREE_DECIMAL_CURRENCIES.has(currency) && amount % 10 !== 0) return { kind: 'three_decimal_rounding' };
  return null;
}

import { errors } from '../../errors/catalogue.js';
import { formatMajor, isSupportedCurrency } from './currencies.js';
import { amountProblem } from './limits.js';

/** A currency parameter as Stripe reads it: lower-case ISO code of a supported currency. */
export function checkCurrency(currency: string, param = 'currency'): string {
  const c = currency.toLowerCase();
  if (!isSupportedCurrency(c)) throw errors.invalidCurrency(currency, param);
  return c;
}

/** `amount_too_small` / `amount_too_large` with Stripe's wording (`Amount must be at least $0.50 usd`). */
export function checkAmount(amount: number, currency: string, param = 'amount'): void {
  if (amount <= 0) throw errors.amountNotPositive(param);
  const problem = amountProblem(amount, currency);
  if (!problem) return;
  switch (problem.kind) {
    case 'too_small':
      throw errors.amountTooSmall(formatMajor(problem.minimum, currency), currency, param);
    case 'too_large':
      throw errors.amountTooLarge(formatMajor(problem.maximum, currency), param);
    case 'three_decimal_rounding':
      throw errors.invalidRequest(`Amounts in ${currency.toUpperCase()} must be divisible by 10 (the last of the three decimals must be 0).`, param, 'invalid_amount');
  }
}

/**
 * Where Amazon Pay works and in which currencies (https://docs.stripe.com/payments/amazon-pay):
 * merchants in these countries; US accounts present USD only, European, UK and Swiss accounts
 * any of the twelve currencies.
 */
export const AMAZON_PAY_MERCHANT_COUNTRIES: ReadonlySet<string> = new Set(['AT', 'BE', 'CH', 'CY', 'DE', 'DK', 'ES', 'FR', 'GB', 'HU', 'IE', 'IT', 'LU', 'NL', 'PT', 'SE', 'US']);

export const AMAZON_PAY_CURRENCIES: readonly string[] = ['usd', 'aud', 'gbp', 'dkk', 'eur', 'hkd', 'jpy', 'nzd', 'nok', 'zar', 'sek', 'chf'];

/** Currencies an account of `country` may charge with Amazon Pay (empty: not available there). */
export function amazonPayCurrencies(country: string): readonly string[] {
  if (!AMAZON_PAY_MERCHANT_COUNTRIES.has(country)) return [];
  return country === 'US' ? ['usd'] : AMAZON_PAY_CURRENCIES;
}

export function amazonPaySupports(country: string, currency: string): boolean {
  return amazonPayCurrencies(country).includes(currency);
}

/**
 * Currency facts Stripe documents (https://docs.stripe.com/currencies): amounts are integers in
 * the currency's minor unit, a few currencies have none (zero-decimal), and some have three
 * decimals whose last digit must be 0.
 */

/** Presentment currencies Stripe accepts (lower-case ISO 4217). */
export const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set(
  (
    'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp cny cop crc cve czk ' +
    'djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd ' +
    'kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ' +
    'ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf ' +
    'yer zar zmw'
  ).split(' '),
);

/** "For zero-decimal currencies … provide an amount value of 500" to charge 500 JPY. */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** Three-decimal currencies: Stripe requires the least-significant digit to be 0. */
export const THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function isSupportedCurrency(currency: string): boolean {
  return SUPPORTED_CURRENCIES.has(currency);
}

export function decimalsOf(currency: string): number {
  if (ZERO_DECIMAL_CURRENCIES.has(currency)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(currency)) return 3;
  return 2;
}

const SYMBOLS: Record<string, string> = {
  usd: '$', aud: '$', cad: '$', nzd: '$', hkd: '$', sgd: '$', mxn: '$', brl: 'R$',
  eur: '€', gbp: '£', jpy: '¥', inr: '₹', thb: '฿',
};

/** `1050, usd` → `$10.50`; `50, jpy` → `¥50`; `250, dkk` → `2.50`; thousands separated by commas. */
export function formatMajor(amount: number, currency: string): string {
  const d = decimalsOf(currency);
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 10 ** d).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = d ? '.' + String(abs % 10 ** d).padStart(d, '0') : '';
  return `${negative ? '-' : ''}${SYMBOLS[currency] ?? ''}${whole}${fraction}`;
}

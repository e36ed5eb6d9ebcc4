import { customAlphabet } from 'nanoid';

// Stripe ids are opaque to SDKs, but their prefixes and alphabet are part of what users see
// (https://docs.stripe.com/api): one table keeps every prefix in one place.
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const gen24 = customAlphabet(base62, 24);
const gen14 = customAlphabet(base62, 14);
const gen16 = customAlphabet(base62, 16);
const gen32 = customAlphabet(base62, 32);

export const ID_PREFIX = {
  account: 'acct',
  customer: 'cus',
  payment_method: 'pm',
  setup_intent: 'seti',
  setup_attempt: 'setatt',
  payment_intent: 'pi',
  mandate: 'mandate',
  charge: 'ch',
  refund: 're',
  balance_transaction: 'txn',
  event: 'evt',
  webhook_endpoint: 'we',
  request: 'req',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind): string {
  const prefix = ID_PREFIX[kind];
  switch (kind) {
    case 'customer':
    case 'request':
      return `${prefix}_${gen14()}`;
    case 'account':
      return `${prefix}_${gen16()}`;
    default:
      return `${prefix}_${gen24()}`;
  }
}

/** `<intent id>_secret_<random>`: Stripe.js derives the intent id from the part before `_secret_`. */
export function newClientSecret(intentId: string): string {
  return `${intentId}_secret_${intentId.startsWith('seti_') ? customAlphabet(base62, 31)() : gen24() + 'x'}`;
}

export function newWebhookSecret(): string {
  return `whsec_${gen32()}`;
}

export function newApiKey(kind: 'sk' | 'pk', livemode = false): string {
  return `${kind}_${livemode ? 'live' : 'test'}_${customAlphabet(base62, 99)()}`;
}

export function newToken(length = 32): string {
  return customAlphabet(base62, length)();
}

export function intentIdFromClientSecret(secret: string): string | null {
  const i = secret.indexOf('_secret_');
  return i > 0 ? secret.slice(0, i) : null;
}

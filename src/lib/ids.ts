import { randomBytes } from 'node:crypto';
import { customAlphabet } from 'nanoid';

// Stripe ids are opaque to SDKs, but their prefixes and alphabet are part of what users see
// (https://docs.stripe.com/api): one table keeps every prefix in one place.
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const gen24 = customAlphabet(base62, 24);
const gen14 = customAlphabet(base62, 14);
const gen32 = customAlphabet(base62, 32);
const gen31 = customAlphabet(base62, 31);
const gen99 = customAlphabet(base62, 99);

/**
 * Object ids lead with the creation time (milliseconds, 7 base62 characters, good until 2081) and
 * end with random characters, like ULIDs: ids made together sort together, so each new id lands on
 * the last page of the id indexes instead of on a random one. A group of inserts then rewrites a
 * handful of index pages rather than one page per id. Ids stay opaque and unguessable in their
 * random part (7 characters and more); only ids, never secrets, are made this way.
 */
const TIME_CHARS = 7;
let lastMs = -1;
let lastTimePart = '';
function timePart(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    let n = ms;
    let s = '';
    for (let i = 0; i < TIME_CHARS; i++) {
      s = base62[n % 62] + s;
      n = Math.floor(n / 62);
    }
    lastMs = ms;
    lastTimePart = s;
  }
  return lastTimePart;
}
const rand7 = customAlphabet(base62, 14 - TIME_CHARS);
const rand9 = customAlphabet(base62, 16 - TIME_CHARS);
const rand17 = customAlphabet(base62, 24 - TIME_CHARS);

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
  event_destination: 'ed',
  request: 'req',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind): string {
  const prefix = ID_PREFIX[kind];
  switch (kind) {
    case 'request':
      return `${prefix}_${gen14()}`;
    case 'customer':
      return `${prefix}_${timePart()}${rand7()}`;
    case 'account':
      return `${prefix}_${timePart()}${rand9()}`;
    default:
      return `${prefix}_${timePart()}${rand17()}`;
  }
}

/** `<intent id>_secret_<random>`: Stripe.js derives the intent id from the part before `_secret_`. */
export function newClientSecret(intentId: string): string {
  return `${intentId}_secret_${intentId.startsWith('seti_') ? gen31() : gen24() + 'x'}`;
}

export function newWebhookSecret(): string {
  return `whsec_${gen32()}`;
}

export function newApiKey(kind: 'sk' | 'pk', livemode = false): string {
  return `${kind}_${livemode ? 'live' : 'test'}_${gen99()}`;
}

export function newToken(length = 32): string {
  return customAlphabet(base62, length)();
}

export function intentIdFromClientSecret(secret: string): string | null {
  const i = secret.indexOf('_secret_');
  return i > 0 ? secret.slice(0, i) : null;
}

/**
 * onfile's own id for one (event, endpoint) webhook delivery: not a Stripe object, so not in ID_PREFIX.
 * The outbox's statements make theirs in SQL (storage/repos/deliveries.ts) in the same shape: the
 * prefix and 32 lowercase hex digits.
 */
export const DELIVERY_ID_PREFIX = 'whdel_';

export function newDeliveryId(): string {
  return `${DELIVERY_ID_PREFIX}${randomBytes(16).toString('hex')}`;
}

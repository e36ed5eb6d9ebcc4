import { hmacSha256Hex } from '../lib/crypto.js';

/**
 * `Stripe-Signature: t=<unix seconds>,v1=<hex>` as https://docs.stripe.com/webhooks#verify-manually describes:
 * HMAC-SHA256 of `<t>.<raw body>` keyed with the whole `whsec_…` string (not decoded). One `v1` per secret
 * still valid (several while an old secret is being rolled). Signed with the send time of each attempt,
 * because verifiers reject timestamps older than their tolerance (300 s by default).
 */
export function signatureHeader(body: string, secrets: readonly string[], timestampSeconds: number): string {
  const signed = `${timestampSeconds}.${body}`;
  return [`t=${timestampSeconds}`, ...secrets.map((s) => `v1=${hmacSha256Hex(s, signed)}`)].join(',');
}

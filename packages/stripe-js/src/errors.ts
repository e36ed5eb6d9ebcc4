import type { StripeError } from './types.js';

/**
 * Thrown synchronously for integration mistakes (bad key, malformed client secret), like
 * Stripe.js's IntegrationError; API and network failures never throw (client.md §2).
 */
export class IntegrationError extends Error {
  override name = 'IntegrationError';
}

export function connectionError(origin: string, cause: unknown): StripeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return {
    type: 'api_connection_error',
    message: `An error occurred with the connection to the API at ${origin}: ${detail}`,
  };
}

export function apiError(message: string): StripeError {
  return { type: 'api_error', message };
}

/**
 * Every failure a client can see is an ApiError built by one of the catalogue functions below:
 * the HTTP status decides which error class the official SDKs raise
 * (stripe-node Error.ts: 400/404 invalid request, 401 authentication, 402 card, 403 permission,
 * 409/5xx api error), so the status lives with the code.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'card_error'
  | 'api_error'
  | 'idempotency_error';

export interface ApiErrorBody {
  type: ErrorType;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
    /** Extra keys for the envelope: payment_intent, setup_intent, payment_method, charge, decline_code. */
    readonly extra: Record<string, unknown> = {},
    /** Whether SDKs should retry (Stripe-Should-Retry header). */
    readonly shouldRetry = false,
  ) {
    super(message);
  }

  withExtra(extra: Record<string, unknown>): ApiError {
    return new ApiError(this.status, this.type, this.message, this.code, this.param, { ...this.extra, ...extra }, this.shouldRetry);
  }

  /** The object Stripe puts under `error` (also used for last_payment_error / last_setup_error). */
  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { type: this.type, message: this.message };
    if (this.code) {
      body.code = this.code;
      body.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.param) body.param = this.param;
    for (const [k, v] of Object.entries(this.extra)) body[k] = v;
    // Stripe prints error keys alphabetically; SDKs do not care, humans reading logs do.
    return Object.fromEntries(Object.entries(body).sort(([a], [b]) => a.localeCompare(b))) as ApiErrorBody;
  }
}

import { apiError, connectionError } from './errors.js';
import { encodeForm, type FormValue } from './form.js';
import type { StripeError } from './types.js';

export type Params = { readonly [key: string]: FormValue };

/** Either the decoded resource, or the error the caller's promise resolves with. */
export type ApiOutcome = { ok: true; body: Record<string, unknown> } | { ok: false; error: StripeError };

export interface PreparedRequest {
  apiBase: string;
  url: string;
  init: RequestInit;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Build one call synchronously, so unencodable params throw from the public method instead of
 * rejecting its promise. Kept a CORS "simple request" (client.md §3): only GET/POST, no
 * Authorization or custom headers, and a form content type, so browsers send no preflight.
 */
export function prepareRequest(apiBase: string, method: 'GET' | 'POST', path: string, params: Params): PreparedRequest {
  const encoded = encodeForm(params);
  if (method === 'GET') {
    return { apiBase, url: `${apiBase}${path}?${encoded}`, init: { method, credentials: 'omit' } };
  }
  return {
    apiBase,
    url: `${apiBase}${path}`,
    init: {
      method,
      // Cookies are never needed: the publishable key and client secret authenticate the call.
      credentials: 'omit',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encoded,
    },
  };
}

/** Send a prepared call. Never throws or rejects: every failure becomes `{ok: false, error}`. */
export async function send(request: PreparedRequest): Promise<ApiOutcome> {
  let response: Response;
  try {
    response = await fetch(request.url, request.init);
  } catch (cause) {
    return { ok: false, error: connectionError(request.apiBase, cause) };
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // A proxy error page or a truncated body: nothing from the API to pass through.
    return { ok: false, error: apiError(`Unexpected non-JSON response from the API (HTTP ${response.status}).`) };
  }
  // Stripe's error envelope is passed through as-is; the HTTP status is not exposed (client.md §2.1).
  if (isRecord(body) && isRecord(body.error)) {
    const error = { type: 'api_error', ...body.error } as StripeError;
    return { ok: false, error };
  }
  if (!response.ok || !isRecord(body)) {
    return { ok: false, error: apiError(`Unexpected response from the API (HTTP ${response.status}).`) };
  }
  return { ok: true, body };
}

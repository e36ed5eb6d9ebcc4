import { IntegrationError } from './errors.js';

/**
 * Origin of the script that defined the library, captured while it is being evaluated:
 * `document.currentScript` is only set during that first synchronous run of a classic script
 * (it is null for ES modules, which then fall back to the page origin).
 */
const LOADED_FROM: string | undefined = (() => {
  if (typeof document === 'undefined') return undefined;
  const script = document.currentScript;
  if (script === null || !('src' in script) || typeof script.src !== 'string' || script.src === '') return undefined;
  try {
    return new URL(script.src).origin;
  } catch {
    return undefined;
  }
})();

/**
 * Base URL for API calls, without a trailing slash. `apiHost` may carry a base path for a
 * server mounted behind a prefix; the default is where this script came from (the server serves
 * it at /v3/), else the page's own origin.
 */
export function resolveApiBase(apiHost: unknown): string {
  if (apiHost !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof apiHost === 'string' ? new URL(apiHost) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new IntegrationError(`Invalid value for Stripe() option apiHost: expected an http(s) URL, got ${String(apiHost)}.`);
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  }
  const fallback = typeof window === 'undefined' ? undefined : window.location.origin;
  const base = LOADED_FROM ?? fallback;
  // An opaque origin ("null", e.g. a file:// page) cannot be called back.
  if (base === undefined || base === 'null') {
    throw new IntegrationError('Cannot tell where the API is: pass the apiHost option to Stripe().');
  }
  return base;
}

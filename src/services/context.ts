import type { Clock } from '../lib/clock.js';
import type { Store } from '../storage/sql.js';
import type { Scope } from '../storage/repos/objects.js';
import type { MerchantAccount } from '../storage/repos/accounts.js';

/** What the services need from the outside world; built once at start-up. */
export interface Deps {
  store: Store;
  clock: Clock;
  /** Public origin of this server (hosted pages live under it), e.g. http://127.0.0.1:12111 */
  publicUrl(): string;
}

/** The request that caused a change, as events record it (`request.id`, `request.idempotency_key`). */
export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
  ip: string;
  userAgent: string | null;
}

/** Who is calling and on whose behalf: every service function takes one. */
export interface CallContext {
  deps: Deps;
  scope: Scope;
  account: MerchantAccount;
  /** Version the request is rendered and validated at. */
  apiVersion: string;
  keyKind: 'secret' | 'publishable';
  /** null for changes that no API request caused (the customer finishing a redirect, timers). */
  request: RequestInfo | null;
}

export function nowSeconds(ctx: CallContext): number {
  return Math.floor(ctx.deps.clock.nowMs() / 1000);
}

/** A context for work no API request caused, such as a hosted page submit or a background job. */
export function systemContext(deps: Deps, account: MerchantAccount, livemode: boolean): CallContext {
  return {
    deps,
    scope: { accountId: account.id, livemode },
    account,
    apiVersion: account.default_api_version,
    keyKind: 'secret',
    request: null,
  };
}

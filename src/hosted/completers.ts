import type { CallContext } from '../services/context.js';
import type { BuyerDecision } from '../connectors/connector.js';
import type { RedirectSession } from './redirect-sessions.js';

/**
 * Intent types plug into the hosted authorization page here: SetupIntents register
 * 'setup_intent', PaymentIntents register 'payment_intent', without editing the page.
 */
export interface RedirectDescription {
  /** The intent still waits on this session: show the choices. Otherwise `closed` explains why. */
  open: boolean;
  /** Shown when closed ("This authorization was already completed."). */
  closedReason?: string;
  /** What is authorized: future payments (setup) or an amount now (payment). */
  purpose: { kind: 'setup' } | { kind: 'payment'; amount: number; currency: string; savesForLater: boolean };
  paymentMethodType: string;
  /** Where to send the customer back, with the intent's parameters, for the current status. */
  returnTo: string | null;
}

export interface CustomerRequest {
  ip: string;
  userAgent: string | null;
  acceptedAtMs: number;
}

export interface RedirectCompletion {
  /** `succeeded`, `failed`, or `processing` when the processor's answer is still being applied. */
  redirectStatus: 'succeeded' | 'failed' | 'processing';
  returnTo: string | null;
  /** Set when nothing was done because the intent no longer waits on this session. */
  closedReason?: string;
}

export interface RedirectCompleter {
  describe(ctx: CallContext, session: RedirectSession): Promise<RedirectDescription>;
  complete(ctx: CallContext, session: RedirectSession, decision: BuyerDecision, customer: CustomerRequest): Promise<RedirectCompletion>;
}

const completers = new Map<string, RedirectCompleter>();

export function registerRedirectCompleter(intentType: string, completer: RedirectCompleter): void {
  completers.set(intentType, completer);
}

export function redirectCompleter(intentType: string): RedirectCompleter | undefined {
  return completers.get(intentType);
}

/**
 * Stripe appends the intent's parameters to the merchant's return_url, keeping its own query and
 * putting them before any fragment (https://docs.stripe.com/payments/amazon-pay/set-up-payment).
 */
export function returnUrlWith(returnUrl: string, params: Record<string, string>): string {
  const hash = returnUrl.indexOf('#');
  const base = hash >= 0 ? returnUrl.slice(0, hash) : returnUrl;
  const fragment = hash >= 0 ? returnUrl.slice(hash) : '';
  const query = new URLSearchParams(params).toString();
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${query}${fragment}`;
}

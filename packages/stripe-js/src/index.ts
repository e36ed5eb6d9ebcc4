// Stripe.js-compatible browser library for onfile: the Amazon Pay surface of client.md §2–§4.
// ES module entry; global.ts wraps it for the <script src=".../v3/"> build.
import { resolveApiBase } from './api-base.js';
import { kindOfClientSecret, parseClientSecret, type IntentKind } from './client-secret.js';
import { paymentConfirmParams, setupConfirmParams } from './confirm-params.js';
import { IntegrationError, apiError } from './errors.js';
import { prepareRequest, send, type Params, type PreparedRequest } from './http.js';
import type {
  ConfirmAmazonPayPaymentData,
  ConfirmAmazonPaySetupData,
  ConfirmOptions,
  HandleNextActionResult,
  PaymentIntent,
  PaymentIntentResult,
  SetupIntent,
  SetupIntentResult,
  StripeConstructor,
  StripeConstructorOptions,
  StripeError,
  StripeInstance,
} from './types.js';

export type * from './types.js';
export { IntegrationError } from './errors.js';

const VERSION = 'dahlia';

type Intent = Record<string, unknown> & { id: string; object: IntentKind; status?: unknown };
type IntentOutcome = { intent: Intent } | { error: StripeError };

const PATHS: Record<IntentKind, string> = { setup_intent: '/v1/setup_intents', payment_intent: '/v1/payment_intents' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    throw new IntegrationError(`Please call Stripe() with your publishable key. You used: ${JSON.stringify(key) ?? String(key)}.`);
  }
  // Secret and restricted keys must never reach a browser (wire.md §1).
  if (/^(sk|rk)_/.test(key)) {
    throw new IntegrationError('You should not use your secret key with Stripe.js. Please pass a publishable key instead.');
  }
  return key;
}

function checkOptions(options: unknown): StripeConstructorOptions {
  if (options === undefined || options === null) return {};
  if (!isRecord(options)) throw new IntegrationError('Invalid value for Stripe() options: expected an object.');
  for (const name of ['stripeAccount', 'apiVersion'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') {
      throw new IntegrationError(`Invalid value for Stripe() option ${name}: expected a string.`);
    }
  }
  return options as StripeConstructorOptions;
}

function checkConfirmOptions(method: string, options: unknown): boolean {
  if (options === undefined || options === null) return true;
  if (!isRecord(options)) throw new IntegrationError(`Invalid value for ${method} options: expected an object.`);
  if (options.handleActions !== undefined && typeof options.handleActions !== 'boolean') {
    throw new IntegrationError(`Invalid value for ${method} options.handleActions: expected a boolean.`);
  }
  return options.handleActions !== false;
}

/** A 2xx body that is not the intent asked for is the server's bug, reported as api_error. */
function asIntent(kind: IntentKind, body: Record<string, unknown>): IntentOutcome {
  if (body.object !== kind || typeof body.id !== 'string') {
    return { error: apiError(`Unexpected response from the API: expected a ${kind} object.`) };
  }
  return { intent: body as Intent };
}

const NEVER = (): Promise<never> => new Promise<never>(() => undefined);

/**
 * Amazon Pay only uses `redirect_to_url` (client.md §4): navigate the top window and never
 * settle, since the page unloads. Only http(s) targets are followed so a bad server answer
 * cannot run `javascript:` in the merchant's page.
 */
function performNextAction(intent: Intent): Promise<IntentOutcome> {
  const action = intent.next_action;
  const redirect = isRecord(action) && action.type === 'redirect_to_url' ? action.redirect_to_url : undefined;
  const url = isRecord(redirect) && typeof redirect.url === 'string' ? redirect.url : undefined;
  if (url !== undefined && /^https?:\/\//i.test(url)) {
    window.location.assign(url);
    return NEVER();
  }
  const type = isRecord(action) && typeof action.type === 'string' ? action.type : 'none';
  return Promise.resolve({
    error: {
      type: 'invalid_request_error',
      message: `The ${intent.object} requires an action of type "${type}", which this library cannot handle.`,
      [intent.object]: intent,
    } as StripeError,
  });
}

async function requestIntent(kind: IntentKind, request: PreparedRequest, handleActions: boolean): Promise<IntentOutcome> {
  const outcome = await send(request);
  if (!outcome.ok) return { error: outcome.error };
  const result = asIntent(kind, outcome.body);
  if ('intent' in result && handleActions && result.intent.status === 'requires_action') {
    return performNextAction(result.intent);
  }
  return result;
}

function setupResult(outcome: IntentOutcome): SetupIntentResult {
  return 'error' in outcome ? { error: outcome.error } : { setupIntent: outcome.intent as unknown as SetupIntent };
}

function paymentResult(outcome: IntentOutcome): PaymentIntentResult {
  return 'error' in outcome ? { error: outcome.error } : { paymentIntent: outcome.intent as unknown as PaymentIntent };
}

function createInstance(publishableKey: unknown, rawOptions: unknown): StripeInstance {
  const key = checkKey(publishableKey);
  const options = checkOptions(rawOptions);
  const apiBase = resolveApiBase(options.apiHost);

  // Sent on every call in place of headers, which would force a CORS preflight (wire.md §1).
  const common: Params = {
    key,
    _stripe_version: options.apiVersion,
    _stripe_account: options.stripeAccount,
  };
  const get = (kind: IntentKind, id: string, clientSecret: string): PreparedRequest =>
    prepareRequest(apiBase, 'GET', `${PATHS[kind]}/${id}`, {
      client_secret: clientSecret,
      is_stripe_sdk: false,
      ...common,
    });
  const confirm = (kind: IntentKind, id: string, params: Params): PreparedRequest =>
    prepareRequest(apiBase, 'POST', `${PATHS[kind]}/${id}/confirm`, { ...params, ...common });

  // Public methods are not `async`: validation errors must throw synchronously (client.md §2).
  return {
    confirmAmazonPaySetup(clientSecret: string, data?: ConfirmAmazonPaySetupData, opts?: ConfirmOptions) {
      const method = 'confirmAmazonPaySetup';
      const secret = parseClientSecret(method, 'setup_intent', clientSecret);
      const handleActions = checkConfirmOptions(method, opts);
      const request = confirm('setup_intent', secret.id, setupConfirmParams(method, data, secret.clientSecret));
      return requestIntent('setup_intent', request, handleActions).then(setupResult);
    },
    confirmAmazonPayPayment(clientSecret: string, data?: ConfirmAmazonPayPaymentData, opts?: ConfirmOptions) {
      const method = 'confirmAmazonPayPayment';
      const secret = parseClientSecret(method, 'payment_intent', clientSecret);
      const handleActions = checkConfirmOptions(method, opts);
      const request = confirm('payment_intent', secret.id, paymentConfirmParams(method, data, secret.clientSecret));
      return requestIntent('payment_intent', request, handleActions).then(paymentResult);
    },
    retrieveSetupIntent(clientSecret: string) {
      const secret = parseClientSecret('retrieveSetupIntent', 'setup_intent', clientSecret);
      return requestIntent('setup_intent', get('setup_intent', secret.id, secret.clientSecret), false).then(setupResult);
    },
    retrievePaymentIntent(clientSecret: string) {
      const secret = parseClientSecret('retrievePaymentIntent', 'payment_intent', clientSecret);
      return requestIntent('payment_intent', get('payment_intent', secret.id, secret.clientSecret), false).then(
        paymentResult,
      );
    },
    handleNextAction(args: { clientSecret: string }): Promise<HandleNextActionResult> {
      const given: unknown = isRecord(args) ? args.clientSecret : undefined;
      const kind = kindOfClientSecret(given) ?? 'payment_intent';
      const secret = parseClientSecret('handleNextAction', kind, given);
      const toResult: (outcome: IntentOutcome) => HandleNextActionResult =
        kind === 'setup_intent' ? setupResult : paymentResult;
      const request = get(kind, secret.id, secret.clientSecret);
      return send(request)
        .then((outcome): IntentOutcome | Promise<IntentOutcome> => {
          if (!outcome.ok) return { error: outcome.error };
          const result = asIntent(kind, outcome.body);
          if ('error' in result) return result;
          if (result.intent.status !== 'requires_action') {
            const status = String(result.intent.status);
            const error = {
              type: 'invalid_request_error',
              message: `handleNextAction: the ${kind} has status "${status}"; only intents in requires_action have a next action to handle.`,
              [kind]: result.intent,
            } as StripeError;
            return { error };
          }
          return performNextAction(result.intent);
        })
        .then(toResult);
    },
    _registerWrapper(): void {
      // The loader reports its own name/version here; there is no telemetry to attach it to.
    },
  };
}

// A plain function, so both `Stripe(key)` and `new Stripe(key)` work as with Stripe.js
// (a constructor call that returns an object yields that object).
function StripeFactory(publishableKey: string, options?: StripeConstructorOptions): StripeInstance {
  return createInstance(publishableKey, options);
}
Object.defineProperty(StripeFactory, 'version', { value: VERSION, enumerable: true });

export const Stripe = StripeFactory as unknown as StripeConstructor;
export default Stripe;

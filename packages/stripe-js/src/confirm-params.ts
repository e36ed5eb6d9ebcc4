import { IntegrationError } from './errors.js';
import type { FormValue } from './form.js';
import type { Params } from './http.js';
import type { ConfirmAmazonPayPaymentData, ConfirmAmazonPaySetupData, MandateData } from './types.js';

/**
 * Online acceptance for the browser path: the API fills IP and user agent from the request,
 * which only a publishable key may ask for (wire.md §1.1, client.md §2).
 */
export const INFERRED_MANDATE: MandateData = {
  customer_acceptance: { type: 'online', online: { infer_from_client: true } },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkData(method: string, data: unknown): Record<string, unknown> {
  if (data === undefined || data === null) return {};
  if (!isRecord(data)) throw new IntegrationError(`Invalid value for ${method} data: expected an object.`);
  if (data.return_url !== undefined && typeof data.return_url !== 'string') {
    throw new IntegrationError(`Invalid value for ${method} data.return_url: expected a string.`);
  }
  const pm = data.payment_method;
  if (pm !== undefined && typeof pm !== 'string' && !isRecord(pm)) {
    throw new IntegrationError(
      `Invalid value for ${method} data.payment_method: expected a PaymentMethod id or an object.`,
    );
  }
  if (data.payment_method_data !== undefined && !isRecord(data.payment_method_data)) {
    throw new IntegrationError(`Invalid value for ${method} data.payment_method_data: expected an object.`);
  }
  return data;
}

/**
 * `payment_method=pm_…` when an id is given; otherwise an inline Amazon Pay PaymentMethod,
 * built from the object form of `payment_method` and/or `payment_method_data` (type forced,
 * since the caller chose an Amazon Pay method).
 */
function paymentMethodParams(data: Record<string, unknown>): Params {
  const pm = data.payment_method;
  if (typeof pm === 'string') return { payment_method: pm };
  const inline = {
    ...(isRecord(data.payment_method_data) ? data.payment_method_data : {}),
    ...(isRecord(pm) ? pm : {}),
    type: 'amazon_pay',
  };
  return { payment_method_data: inline as FormValue };
}

// Stripe.js expands the PaymentMethod on confirm so the app can read it from the result.
function expandWithPaymentMethod(expand: unknown): string[] {
  const given = Array.isArray(expand) ? expand.filter((e): e is string => typeof e === 'string') : [];
  return given.includes('payment_method') ? given : ['payment_method', ...given];
}

function confirmParams(data: Record<string, unknown>, clientSecret: string, withMandate: boolean): Params {
  // Everything the caller gave is forwarded (other confirm params), minus what the library owns.
  const { payment_method: _pm, payment_method_data: _pmd, mandate_data, expand, client_secret: _cs, ...rest } = data;
  const params: Record<string, unknown> = {
    ...rest,
    client_secret: clientSecret,
    ...paymentMethodParams(data),
    expand: expandWithPaymentMethod(expand),
  };
  if (mandate_data !== undefined) params.mandate_data = mandate_data;
  else if (withMandate) params.mandate_data = INFERRED_MANDATE;
  return params as Params;
}

export function setupConfirmParams(
  method: string,
  rawData: ConfirmAmazonPaySetupData | undefined,
  clientSecret: string,
): Params {
  // A SetupIntent always saves the method for later, so it always needs a mandate.
  return confirmParams(checkData(method, rawData), clientSecret, true);
}

export function paymentConfirmParams(
  method: string,
  rawData: ConfirmAmazonPayPaymentData | undefined,
  clientSecret: string,
): Params {
  const data = checkData(method, rawData);
  // Only a PaymentIntent that saves the method for later needs a mandate (client.md §2).
  const sfu = data.setup_future_usage;
  const saves = sfu === 'off_session' || sfu === 'on_session';
  return confirmParams(data, clientSecret, saves);
}

import type Stripe from 'stripe';
import type { RouteDef } from '../../../http/route.js';
import { errors } from '../../../errors/catalogue.js';
import { decodeParams } from '../../params.js';
import { checkExpandPaths, expandObject, registerResource } from '../../render.js';
import type { CallContext } from '../../../services/context.js';
import { createPaymentMethod } from '../../../services/payment-methods/create.js';
import { attachPaymentMethodById } from '../../../services/payment-methods/attach.js';
import { detachPaymentMethod } from '../../../services/payment-methods/detach.js';
import {
  listPaymentMethods,
  retrieveCustomerPaymentMethod,
  retrievePaymentMethod,
  updatePaymentMethod,
} from '../../../services/payment-methods/payment-methods.js';
import {
  attachParams,
  BROWSER_TOP_FIELDS,
  createPaymentMethodParams,
  createPaymentMethodPublishableParams,
  customerPaymentMethodListParams,
  expandOnly,
  listPaymentMethodParams,
  updatePaymentMethodParams,
} from './params.js';

registerResource({
  object: 'payment_method',
  // billing_details, radar_options and each type's own hash (the SDK's Stripe.PaymentMethod).
  embedded: [
    'acss_debit', 'affirm', 'afterpay_clearpay', 'alipay', 'alma', 'amazon_pay', 'au_becs_debit',
    'bacs_debit', 'bancontact', 'billie', 'billing_details', 'bizum', 'blik', 'boleto', 'card',
    'card_present', 'cashapp', 'crypto', 'custom', 'customer_balance', 'eps', 'fpx', 'giropay', 'grabpay',
    'ideal', 'interac_present', 'kakao_pay', 'klarna', 'konbini', 'kr_card', 'link', 'mb_way', 'mobilepay',
    'multibanco', 'naver_pay', 'nz_bank_account', 'oxxo', 'p24', 'pay_by_bank', 'payco', 'paynow', 'paypal',
    'paypay', 'payto', 'pix', 'promptpay', 'radar_options', 'revolut_pay', 'samsung_pay', 'satispay',
    'scalapay', 'sepa_debit', 'sequra', 'sofort', 'sunbit', 'swish', 'twint', 'upi', 'us_bank_account',
    'wechat_pay', 'zip',
  ],
  expandable: { customer: 'customer' },
});

const render = (ctx: CallContext, pm: Stripe.PaymentMethod, expand?: string[]) => expandObject(ctx, 'payment_method', pm, expand);

// https://docs.stripe.com/api/payment_methods
export const paymentMethodRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/payment_methods',
    // Stripe.js creates unattached PaymentMethods with the publishable key (wire.md §1.1).
    publishable: true,
    handler: async ({ ctx, params }) => {
      if (ctx.keyKind === 'publishable') {
        const p = decodeParams(createPaymentMethodPublishableParams, params, { ignore: BROWSER_TOP_FIELDS });
        if (p.expand?.length) throw errors.cannotExpand(p.expand[0]);
        return createPaymentMethod(ctx, p);
      }
      const p = decodeParams(createPaymentMethodParams, params);
      checkExpandPaths('payment_method', p.expand);
      return render(ctx, await createPaymentMethod(ctx, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/payment_methods/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(expandOnly, params);
      checkExpandPaths('payment_method', p.expand);
      return render(ctx, await retrievePaymentMethod(ctx, pathParams.id), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_methods/:id',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(updatePaymentMethodParams, params);
      checkExpandPaths('payment_method', p.expand);
      return render(ctx, await updatePaymentMethod(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'GET',
    path: '/v1/payment_methods',
    handler: async ({ ctx, params }) => listPaymentMethods(ctx, decodeParams(listPaymentMethodParams, params), '/v1/payment_methods'),
  },
  {
    method: 'POST',
    path: '/v1/payment_methods/:id/attach',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(attachParams, params);
      checkExpandPaths('payment_method', p.expand);
      return render(ctx, await attachPaymentMethodById(ctx, pathParams.id, p), p.expand);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_methods/:id/detach',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(expandOnly, params);
      checkExpandPaths('payment_method', p.expand);
      return render(ctx, await detachPaymentMethod(ctx, pathParams.id), p.expand);
    },
  },
  // https://docs.stripe.com/api/payment_methods/customer_list
  {
    method: 'GET',
    path: '/v1/customers/:id/payment_methods',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(customerPaymentMethodListParams, params);
      return listPaymentMethods(ctx, { ...p, customer: pathParams.id }, `/v1/customers/${pathParams.id}/payment_methods`, { customerInPath: true });
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:id/payment_methods/:pm',
    handler: async ({ ctx, params, pathParams }) => {
      const p = decodeParams(expandOnly, params);
      checkExpandPaths('payment_method', p.expand);
      return render(ctx, await retrieveCustomerPaymentMethod(ctx, pathParams.id, pathParams.pm), p.expand);
    },
  },
];

import type { Clock } from '../../lib/clock.js';
import type { Scope } from '../../storage/repos/objects.js';
import type { Store } from '../../storage/sql.js';
import {
  ConnectorError,
  type ChargePermissionResult,
  type ChargeResult,
  type CheckoutSessionResult,
  type CompleteCheckoutSessionInput,
  type CreateChargeInput,
  type CreateCheckoutSessionInput,
  type PaymentConnector,
  type RefundResult,
} from '../connector.js';
import { AmazonPaySimulator, type DigitSource, type SimCharge, type SimChargePermission, type SimCheckoutSession, type SimRefund } from './simulator.js';
import { AMAZON_PAY_MERCHANT_COUNTRIES, amazonPaySupports } from '../../domain/money/amazon-pay-currencies.js';
import { toCharge, toChargePermission, toCheckoutSession, toRefund } from './transformers.js';

/**
 * The `amazon_pay` connector: onfile's processor calls translated to Amazon Pay's API (served by
 * the simulator in this build) and its answers translated back by transformers.ts.
 */
export class AmazonPayConnector implements PaymentConnector {
  readonly paymentMethodType = 'amazon_pay';
  readonly requiresRedirect = true;
  private readonly sim: AmazonPaySimulator;

  constructor(store: Store, clock: Clock, digits?: DigitSource) {
    this.sim = new AmazonPaySimulator(store, clock, digits);
  }

  // Where Stripe offers Amazon Pay and in which currencies: one rule, in domain/money.
  supportsAccountCountry(country: string): boolean {
    return AMAZON_PAY_MERCHANT_COUNTRIES.has(country.toUpperCase());
  }

  supportsCurrency(country: string, currency: string): boolean {
    return amazonPaySupports(country.toUpperCase(), currency.toLowerCase());
  }

  async createCheckoutSession(scope: Scope, input: CreateCheckoutSessionInput): Promise<CheckoutSessionResult> {
    if (input.purpose === 'payment' && (input.amount === undefined || !input.currency)) throw new ConnectorError('a payment checkout session needs an amount and a currency');
    const session = await this.sim.createCheckoutSession(scope, input.reference, {
      chargePermissionType: input.recurring ? 'Recurring' : 'OneTime',
      // "Confirm" only sets up the agreement; the others also charge when the session completes.
      paymentIntent: input.purpose === 'setup' ? 'Confirm' : input.capture === false ? 'Authorize' : 'AuthorizeWithCapture',
      chargeAmount: input.purpose === 'payment' ? { amount: input.amount!, currencyCode: input.currency!.toUpperCase() } : null,
    });
    return this.sessionResult(scope, session);
  }

  async completeCheckoutSession(scope: Scope, input: CompleteCheckoutSessionInput): Promise<CheckoutSessionResult> {
    const session = await this.sim.completeCheckoutSession(scope, input.checkoutSessionId, input.decision);
    if (!session) throw new ConnectorError(`no such checkout session ${input.checkoutSessionId}`);
    return this.sessionResult(scope, session);
  }

  async getCheckoutSession(scope: Scope, checkoutSessionId: string): Promise<CheckoutSessionResult | undefined> {
    const session = await this.sim.get<SimCheckoutSession>(scope, 'checkout_session', checkoutSessionId);
    return session && this.sessionResult(scope, session);
  }

  async findCheckoutSession(scope: Scope, reference: string): Promise<CheckoutSessionResult | undefined> {
    const session = await this.sim.find<SimCheckoutSession>(scope, 'checkout_session', reference);
    return session && this.sessionResult(scope, session);
  }

  async getChargePermission(scope: Scope, chargePermissionId: string): Promise<ChargePermissionResult | undefined> {
    const p = await this.sim.get<SimChargePermission>(scope, 'charge_permission', chargePermissionId);
    return p && toChargePermission(p);
  }

  async closeChargePermission(scope: Scope, input: { chargePermissionId: string; reason: string }): Promise<ChargePermissionResult> {
    const p = await this.sim.closeChargePermission(scope, input.chargePermissionId);
    if (!p) throw new ConnectorError(`no such charge permission ${input.chargePermissionId}`);
    return toChargePermission(p);
  }

  async createCharge(scope: Scope, input: CreateChargeInput): Promise<ChargeResult> {
    const c = await this.sim.createCharge(scope, input.reference, {
      chargePermissionId: input.chargePermissionId,
      amount: input.amount,
      currencyCode: input.currency.toUpperCase(),
      captureNow: input.capture,
    });
    if (!c) throw new ConnectorError(`no such charge permission ${input.chargePermissionId}`);
    return toCharge(c);
  }

  async captureCharge(scope: Scope, input: { chargeId: string; amount: number; reference: string }): Promise<ChargeResult> {
    const c = await this.sim.captureCharge(scope, input.chargeId, input.amount);
    if (!c) throw new ConnectorError(`no such charge ${input.chargeId}`);
    return toCharge(c);
  }

  async cancelCharge(scope: Scope, input: { chargeId: string; reason: string }): Promise<ChargeResult> {
    const c = await this.sim.cancelCharge(scope, input.chargeId);
    if (!c) throw new ConnectorError(`no such charge ${input.chargeId}`);
    return toCharge(c);
  }

  async getCharge(scope: Scope, chargeId: string): Promise<ChargeResult | undefined> {
    const c = await this.sim.get<SimCharge>(scope, 'charge', chargeId);
    return c && toCharge(c);
  }

  async findCharge(scope: Scope, reference: string): Promise<ChargeResult | undefined> {
    const c = await this.sim.find<SimCharge>(scope, 'charge', reference);
    return c && toCharge(c);
  }

  async createRefund(scope: Scope, input: { chargeId: string; amount: number; reference: string }): Promise<RefundResult> {
    const r = await this.sim.createRefund(scope, input.reference, { chargeId: input.chargeId, amount: input.amount });
    if (!r) throw new ConnectorError(`no such charge ${input.chargeId}`);
    return toRefund(r);
  }

  async getRefund(scope: Scope, refundId: string): Promise<RefundResult | undefined> {
    const r = await this.sim.get<SimRefund>(scope, 'refund', refundId);
    return r && toRefund(r);
  }

  async findRefund(scope: Scope, reference: string): Promise<RefundResult | undefined> {
    const r = await this.sim.find<SimRefund>(scope, 'refund', reference);
    return r && toRefund(r);
  }

  /** Test-mode control: Amazon settles a refund (asynchronously in reality). */
  async settleRefund(scope: Scope, refundId: string, outcome: 'succeeded' | 'failed' = 'succeeded'): Promise<RefundResult | undefined> {
    const r = await this.sim.settleRefund(scope, refundId, outcome === 'succeeded' ? 'Refunded' : 'Declined');
    return r && toRefund(r);
  }

  private async sessionResult(scope: Scope, session: SimCheckoutSession): Promise<CheckoutSessionResult> {
    const charge = session.chargeId ? await this.sim.get<SimCharge>(scope, 'charge', session.chargeId) : undefined;
    return toCheckoutSession(session, charge);
  }
}

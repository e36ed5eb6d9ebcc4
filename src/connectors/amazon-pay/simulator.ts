import { randomInt, randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Scope } from '../../storage/repos/objects.js';
import { parseJson, type Sql, type Store } from '../../storage/sql.js';
import type { BuyerDecision } from '../connector.js';

/**
 * A stand-in for Amazon Pay's API (https://developer.amazon.com/docs/amazon-pay-api-v2/introduction.html),
 * with the states and reason codes Amazon documents for its objects. Its records live in its own
 * table, so what "Amazon" did survives a restart of onfile and the reconciler can ask it. Each call
 * is one transaction of its own, like a request to a remote system: callers must not hold an onfile
 * transaction while calling it.
 *
 * Test-mode extension: the buyer's answer (`authorize`, `fail`, `authorize_decline_later`) comes
 * from onfile's hosted page; `authorize_decline_later` approves the agreement but marks it so that
 * every later merchant-initiated charge on it is declined.
 */
export type SimKind = 'checkout_session' | 'charge_permission' | 'charge' | 'refund';

export type CheckoutSessionState = 'Open' | 'Completed' | 'Canceled';
export type CheckoutSessionReason = 'BuyerCanceled' | 'Declined' | 'Expired' | 'AmazonCanceled';
export type ChargePermissionState = 'Chargeable' | 'NonChargeable' | 'Closed';
export type ChargeState = 'AuthorizationInitiated' | 'Authorized' | 'CaptureInitiated' | 'Captured' | 'Canceled' | 'Declined';
export type ChargeReason = 'SoftDeclined' | 'HardDeclined' | 'AmazonRejected' | 'ProcessingFailure' | 'TransactionTimedOut' | 'ExpiredUnused' | 'MerchantCanceled' | 'ChargePermissionClosed';
export type RefundState = 'RefundInitiated' | 'Refunded' | 'Declined';

export interface StatusDetails<S, R> {
  state: S;
  reasonCode: R | null;
}

/** `merchantReferenceId` is onfile's reference of the call that created the record. */
export interface SimCheckoutSession {
  checkoutSessionId: string;
  merchantReferenceId: string;
  chargePermissionType: 'OneTime' | 'Recurring';
  paymentIntent: 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';
  chargeAmount: { amount: number; currencyCode: string } | null;
  statusDetails: StatusDetails<CheckoutSessionState, CheckoutSessionReason>;
  buyerDecision: BuyerDecision | null;
  chargePermissionId: string | null;
  chargeId: string | null;
}

export interface SimChargePermission {
  chargePermissionId: string;
  chargePermissionType: 'OneTime' | 'Recurring';
  statusDetails: StatusDetails<ChargePermissionState, 'MerchantClosed' | 'BuyerCanceled' | 'ChargeInProgress' | null>;
  /** Test-mode flag set by `authorize_decline_later`. */
  declineLaterCharges: boolean;
}

export interface SimCharge {
  chargeId: string;
  merchantReferenceId: string;
  chargePermissionId: string;
  chargeAmount: { amount: number; currencyCode: string };
  captureAmount: { amount: number; currencyCode: string } | null;
  statusDetails: StatusDetails<ChargeState, ChargeReason>;
}

export interface SimRefund {
  refundId: string;
  merchantReferenceId: string;
  chargeId: string;
  refundAmount: { amount: number; currencyCode: string };
  statusDetails: StatusDetails<RefundState, 'AmazonRejected' | 'ProcessingFailure' | null>;
}

interface Row {
  id: string;
  reference: string;
  data: string;
}

const lm = (s: Scope) => (s.livemode ? 1 : 0);
/** n random decimal digits: the numeric parts of Amazon Pay's ids (`S01-1234567-1234567-C123456`). */
export type DigitSource = (n: number) => string;
const randomDigits: DigitSource = (n) => Array.from({ length: n }, () => randomInt(10)).join('');
/** Fresh ids drawn before giving up; a collision needs the same digits drawn under the same prefix. */
const ID_DRAWS = 16;

export class AmazonPaySimulator {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Where the digits of new ids come from (tests pass a source that repeats itself to force collisions). */
    private readonly digits: DigitSource = randomDigits,
  ) {}

  async createCheckoutSession(scope: Scope, reference: string, input: Pick<SimCheckoutSession, 'chargePermissionType' | 'paymentIntent' | 'chargeAmount'>): Promise<SimCheckoutSession> {
    return this.createOnce<SimCheckoutSession>(scope, 'checkout_session', reference, async (t) => {
      const session: SimCheckoutSession = {
        checkoutSessionId: randomUUID(),
        merchantReferenceId: reference,
        ...input,
        statusDetails: { state: 'Open', reasonCode: null },
        buyerDecision: null,
        chargePermissionId: null,
        chargeId: null,
      };
      await this.insert(t, scope, 'checkout_session', session.checkoutSessionId, reference, session.statusDetails.state, session);
      return session;
    });
  }

  /**
   * The buyer answers on the consent page, then the merchant side completes the session
   * (Amazon's "Complete Checkout Session"). A completed or canceled session is returned as is.
   */
  async completeCheckoutSession(scope: Scope, checkoutSessionId: string, decision: BuyerDecision): Promise<SimCheckoutSession | undefined> {
    return this.store.tx(async (t) => {
      const session = await this.byId<SimCheckoutSession>(t, scope, 'checkout_session', checkoutSessionId);
      if (!session || session.statusDetails.state !== 'Open') return session;
      session.buyerDecision = decision;
      if (decision === 'fail') {
        session.statusDetails = { state: 'Canceled', reasonCode: 'Declined' };
      } else {
        const permission = await this.insertNew<SimChargePermission>(t, scope, 'charge_permission', `${checkoutSessionId}:permission`, () => `S01-${this.digits(7)}-${this.digits(7)}`, (id) => ({
          chargePermissionId: id,
          chargePermissionType: session.chargePermissionType,
          statusDetails: { state: 'Chargeable', reasonCode: null },
          declineLaterCharges: decision === 'authorize_decline_later',
        }));
        const base = permission.chargePermissionId;
        session.chargePermissionId = base;
        if (session.paymentIntent !== 'Confirm' && session.chargeAmount) {
          const captured = session.paymentIntent === 'AuthorizeWithCapture';
          const amount = session.chargeAmount;
          const charge = await this.insertNew<SimCharge>(t, scope, 'charge', `${session.merchantReferenceId}:charge`, () => `${base}-C${this.digits(6)}`, (id) => ({
            chargeId: id,
            merchantReferenceId: `${session.merchantReferenceId}:charge`,
            chargePermissionId: base,
            chargeAmount: amount,
            captureAmount: captured ? amount : null,
            statusDetails: { state: captured ? 'Captured' : 'Authorized', reasonCode: null },
          }));
          session.chargeId = charge.chargeId;
        }
        session.statusDetails = { state: 'Completed', reasonCode: null };
      }
      await this.save(t, scope, checkoutSessionId, session.statusDetails.state, session);
      return session;
    });
  }

  async closeChargePermission(scope: Scope, chargePermissionId: string): Promise<SimChargePermission | undefined> {
    return this.store.tx(async (t) => {
      const p = await this.byId<SimChargePermission>(t, scope, 'charge_permission', chargePermissionId);
      if (!p || p.statusDetails.state === 'Closed') return p;
      p.statusDetails = { state: 'Closed', reasonCode: 'MerchantClosed' };
      await this.save(t, scope, chargePermissionId, 'Closed', p);
      return p;
    });
  }

  /** A merchant-initiated charge: declined when the agreement is closed or marked to decline. */
  async createCharge(scope: Scope, reference: string, input: { chargePermissionId: string; amount: number; currencyCode: string; captureNow: boolean }): Promise<SimCharge | undefined> {
    return this.createOnce<SimCharge | undefined>(scope, 'charge', reference, async (t) => {
      const p = await this.byId<SimChargePermission>(t, scope, 'charge_permission', input.chargePermissionId);
      if (!p) return undefined;
      const amount = { amount: input.amount, currencyCode: input.currencyCode };
      let statusDetails: SimCharge['statusDetails'];
      if (p.statusDetails.state !== 'Chargeable') statusDetails = { state: 'Declined', reasonCode: 'ChargePermissionClosed' };
      else if (p.declineLaterCharges) statusDetails = { state: 'Declined', reasonCode: 'HardDeclined' };
      else statusDetails = { state: input.captureNow ? 'Captured' : 'Authorized', reasonCode: null };
      return this.insertNew<SimCharge>(t, scope, 'charge', reference, () => `${p.chargePermissionId}-C${this.digits(6)}`, (id) => ({
        chargeId: id,
        merchantReferenceId: reference,
        chargePermissionId: p.chargePermissionId,
        chargeAmount: amount,
        captureAmount: statusDetails.state === 'Captured' ? amount : null,
        statusDetails,
      }));
    });
  }

  async captureCharge(scope: Scope, chargeId: string, amount: number): Promise<SimCharge | undefined> {
    return this.updateCharge(scope, chargeId, (c) => {
      if (c.statusDetails.state !== 'Authorized') return;
      c.captureAmount = { amount, currencyCode: c.chargeAmount.currencyCode };
      c.statusDetails = { state: 'Captured', reasonCode: null };
    });
  }

  async cancelCharge(scope: Scope, chargeId: string): Promise<SimCharge | undefined> {
    return this.updateCharge(scope, chargeId, (c) => {
      if (c.statusDetails.state !== 'Authorized') return;
      c.statusDetails = { state: 'Canceled', reasonCode: 'MerchantCanceled' };
    });
  }

  /** Refunds are asynchronous at Amazon: created `RefundInitiated`, settled by `settleRefund`. */
  async createRefund(scope: Scope, reference: string, input: { chargeId: string; amount: number }): Promise<SimRefund | undefined> {
    return this.createOnce<SimRefund | undefined>(scope, 'refund', reference, async (t) => {
      const charge = await this.byId<SimCharge>(t, scope, 'charge', input.chargeId);
      if (!charge) return undefined;
      return this.insertNew<SimRefund>(t, scope, 'refund', reference, () => `${charge.chargeId.replace(/-C\d+$/, '')}-R${this.digits(6)}`, (id) => ({
        refundId: id,
        merchantReferenceId: reference,
        chargeId: charge.chargeId,
        refundAmount: { amount: input.amount, currencyCode: charge.chargeAmount.currencyCode },
        statusDetails: { state: 'RefundInitiated', reasonCode: null },
      }));
    });
  }

  async settleRefund(scope: Scope, refundId: string, outcome: 'Refunded' | 'Declined' = 'Refunded'): Promise<SimRefund | undefined> {
    return this.store.tx(async (t) => {
      const r = await this.byId<SimRefund>(t, scope, 'refund', refundId);
      if (!r || r.statusDetails.state !== 'RefundInitiated') return r;
      r.statusDetails = { state: outcome, reasonCode: outcome === 'Declined' ? 'ProcessingFailure' : null };
      await this.save(t, scope, refundId, outcome, r);
      return r;
    });
  }

  get<T>(scope: Scope, kind: SimKind, id: string): Promise<T | undefined> {
    return this.byId<T>(this.store.read, scope, kind, id);
  }

  find<T>(scope: Scope, kind: SimKind, reference: string): Promise<T | undefined> {
    return this.byReference<T>(this.store.read, scope, kind, reference);
  }

  /**
   * Creates at most one record per reference: a retry returns the first record, and of two
   * concurrent first calls the loser of the unique index reads the winner's.
   */
  private async createOnce<T>(scope: Scope, kind: SimKind, reference: string, make: (t: Sql) => Promise<T>): Promise<T> {
    try {
      return await this.store.tx(async (t) => (await this.byReference<T>(t, scope, kind, reference)) ?? make(t));
    } catch (err) {
      const found = await this.find<T>(scope, kind, reference);
      if (found) return found;
      throw err;
    }
  }

  private async updateCharge(scope: Scope, chargeId: string, change: (c: SimCharge) => void): Promise<SimCharge | undefined> {
    return this.store.tx(async (t) => {
      const c = await this.byId<SimCharge>(t, scope, 'charge', chargeId);
      if (!c) return undefined;
      change(c);
      await this.save(t, scope, chargeId, c.statusDetails.state, c);
      return c;
    });
  }

  private async byId<T>(t: Sql, scope: Scope, kind: SimKind, id: string): Promise<T | undefined> {
    const r = await t.one<Row>('SELECT id, reference, data FROM amazon_pay_simulator WHERE id = ? AND account_id = ? AND livemode = ? AND kind = ?', [id, scope.accountId, lm(scope), kind]);
    return r && parseJson<T>(r.data);
  }

  private async byReference<T>(t: Sql, scope: Scope, kind: SimKind, reference: string): Promise<T | undefined> {
    const r = await t.one<Row>('SELECT id, reference, data FROM amazon_pay_simulator WHERE account_id = ? AND livemode = ? AND kind = ? AND reference = ?', [scope.accountId, lm(scope), kind, reference]);
    return r && parseJson<T>(r.data);
  }

  private async insert(t: Sql, scope: Scope, kind: SimKind, id: string, reference: string, state: string, data: object): Promise<void> {
    const now = this.clock.nowMs();
    await t.run(
      'INSERT INTO amazon_pay_simulator (id, account_id, livemode, kind, reference, state, data, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, scope.accountId, lm(scope), kind, reference, state, JSON.stringify(data), now, now],
    );
  }

  /**
   * Inserts a record under a freshly drawn id. Charge and refund ids have only six random digits
   * under their permission, so a busy agreement draws one already taken: draw again (ON CONFLICT
   * keeps PostgreSQL's transaction usable) instead of failing the processor call, which left the
   * payment `processing` until the reconciler retried it.
   */
  private async insertNew<T extends { statusDetails: { state: string } }>(t: Sql, scope: Scope, kind: SimKind, reference: string, newId: () => string, make: (id: string) => T): Promise<T> {
    const now = this.clock.nowMs();
    for (let draw = 1; draw <= ID_DRAWS; draw++) {
      const id = newId();
      const record = make(id);
      const { changes } = await t.run(
        'INSERT INTO amazon_pay_simulator (id, account_id, livemode, kind, reference, state, data, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        [id, scope.accountId, lm(scope), kind, reference, record.statusDetails.state, JSON.stringify(record), now, now],
      );
      if (changes === 1) return record;
    }
    throw new Error(`amazon pay simulator: no free ${kind} id after ${ID_DRAWS} draws`);
  }

  private async save(t: Sql, scope: Scope, id: string, state: string, data: object): Promise<void> {
    await t.run('UPDATE amazon_pay_simulator SET state = ?, data = ?, updated = ? WHERE id = ? AND account_id = ? AND livemode = ?', [
      state,
      JSON.stringify(data),
      this.clock.nowMs(),
      id,
      scope.accountId,
      lm(scope),
    ]);
  }
}

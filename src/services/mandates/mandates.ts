import type Stripe from 'stripe';
import { newId } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { newMandate, type CustomerAcceptance, type MandateInternal } from '../../domain/mandates/mandate.js';
import { getObject, insertObject, listObjects, updateObject, type ObjectRow } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { emitEvent } from '../../events/emit.js';
import { nowSeconds, type CallContext } from '../context.js';
import { connectorFor } from '../../connectors/registry.js';
import { enqueueOperation, finishOperation, registerOperationHandler, runOperation, type Operation } from '../../reconcile/operations.js';

/**
 * Mandates: created by a successful setup (no `mandate.created` event exists), read with
 * GET /v1/mandates/:id, made `inactive` when their PaymentMethod is detached
 * (https://docs.stripe.com/api/mandates). Row columns: parent = PaymentMethod id, lookup = status.
 */
export type MandateRow = ObjectRow<Stripe.Mandate, MandateInternal>;

export interface CreateMandateInput {
  paymentMethod: Stripe.PaymentMethod;
  acceptance: CustomerAcceptance;
  /** The connector's reusable agreement (charge permission) the mandate stands for. */
  agreementId: string | null;
  usage?: 'multi_use' | 'single_use';
  singleUse?: { amount: number; currency: string };
  /**
   * The method could not be saved to the intent's customer (detached, attached to another
   * customer, or the customer deleted or the account closed, while the customer was away): no
   * charge may run on this customer's agreement with it, so the mandate is `inactive` from the start
   * and the processor's agreement is revoked (by the reconciler, as a revocation whose inline run
   * was lost).
   */
  unsaved?: boolean;
}

export async function createMandate(t: Sql, ctx: CallContext, input: CreateMandateInput): Promise<Stripe.Mandate> {
  const id = newId('mandate');
  const made = newMandate(id, ctx.scope.livemode, input.paymentMethod, input.acceptance, input.usage ?? 'multi_use', input.singleUse);
  const mandate: Stripe.Mandate = input.unsaved ? { ...made, status: 'inactive' } : made;
  if (input.unsaved && input.agreementId) await enqueueOperation(t, ctx, REVOKE, id, { agreementId: input.agreementId, paymentMethodType: input.paymentMethod.type });
  await insertObject<Stripe.Mandate, MandateInternal>(t, ctx.scope, {
    type: 'mandate',
    id,
    created: nowSeconds(ctx),
    data: mandate,
    internal: { paymentMethodType: input.paymentMethod.type, agreementId: input.agreementId },
    parent: input.paymentMethod.id,
    lookup: mandate.status,
  });
  return mandate;
}

export async function retrieveMandate(ctx: CallContext, id: string): Promise<Stripe.Mandate> {
  const row = await getObject<Stripe.Mandate>(ctx.deps.store.read, ctx.scope, 'mandate', id);
  if (!row) throw errors.resourceMissing('mandate', id);
  return row.data;
}

/** The active multi-use mandate of a PaymentMethod (what an off-session charge runs on), if any. */
export async function findActiveMandate(t: Sql, ctx: CallContext, paymentMethodId: string): Promise<MandateRow | undefined> {
  const { items } = await listObjects<Stripe.Mandate, MandateInternal>(t, ctx.scope, { type: 'mandate', parent: paymentMethodId, lookup: 'active', limit: 100 });
  return items.find((m) => m.data.type === 'multi_use') ?? items[0];
}

/**
 * Detach: every active mandate of the PaymentMethod becomes `inactive` (`mandate.updated`), and
 * the processor's agreement is revoked after the transaction (an operation the reconciler retries).
 */
export async function deactivateMandates(t: Sql, ctx: CallContext, paymentMethodId: string): Promise<Operation[]> {
  const { items } = await listObjects<Stripe.Mandate, MandateInternal>(t, ctx.scope, { type: 'mandate', parent: paymentMethodId, lookup: 'active', limit: 100 });
  const ops: Operation[] = [];
  for (const row of items) {
    const next: Stripe.Mandate = { ...row.data, status: 'inactive' };
    await updateObject(t, ctx.scope, row, { data: next, lookup: 'inactive' });
    await emitEvent(t, ctx, 'mandate.updated', next, { status: row.data.status });
    if (row.internal.agreementId) {
      ops.push(await enqueueOperation(t, ctx, REVOKE, row.id, { agreementId: row.internal.agreementId, paymentMethodType: row.internal.paymentMethodType }));
    }
  }
  return ops;
}

/** Runs revocations queued by `deactivateMandates` once its transaction committed; failures are left to the reconciler. */
export async function revokeAgreements(ctx: CallContext, ops: Operation[]): Promise<void> {
  for (const op of ops) await runOperation(ctx, op).catch(() => undefined);
}

const REVOKE = 'mandate.revoke_agreement';

registerOperationHandler(REVOKE, async (ctx, op) => {
  const data = op.data as { agreementId: string; paymentMethodType: string };
  await connectorFor(ctx.deps, data.paymentMethodType).closeChargePermission(ctx.scope, { chargePermissionId: data.agreementId, reason: 'payment_method_detached' });
  await ctx.deps.store.tx((t) => finishOperation(t, op));
});

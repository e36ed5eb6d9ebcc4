import { accountObject, emitV2Event } from '../../events/emit-v2.js';
import { sectionEvents } from '../../domain/events/v2-event.js';
import { errors } from '../../errors/catalogue.js';
import { fieldChanges, sameJson } from '../../domain/shared/changes.js';
import { newId, newToken } from '../../lib/ids.js';
import { getObject, insertObject, updateObject, type StoredObject } from '../../storage/repos/objects.js';
import type { Sql } from '../../storage/sql.js';
import { V2_ACCOUNT_TYPE } from '../customers/owner.js';
import {
  appliedKey,
  noFutureRequirements,
  noRequirements,
  rfc3339,
  emptyIdentity,
  type StoredAccount,
} from '../../domain/accounts/v2-account.js';
import { applyAccountFields, emptyDefaults, type AccountInput, type Generated } from '../../domain/accounts/account-changes.js';
import type { CallContext } from '../context.js';
import { revokeAgreements } from '../mandates/mandates.js';
import { detachAllInTransaction } from '../payment-methods/detach.js';

/**
 * Accounts v2 with the customer configuration: the second way the seed represents a customer
 * (https://docs.stripe.com/accounts-v2/use-accounts-as-customers). Rows are `v2.core.account`
 * objects; the index columns hold the list filters: `parent` = applied configurations,
 * `lookup` = open/closed.
 */
type Row = StoredObject<StoredAccount>;

function generated(ctx: CallContext, accountId: string): Generated {
  return {
    accountId,
    nowIso: rfc3339(ctx.deps.clock.nowMs()),
    // Person ids of v2 accounts (`person_…`); the v2 Persons API itself is not emulated.
    personId: () => `person_${newToken(24)}`,
    invoicePrefix: () => newToken(8).toUpperCase().replace(/[^A-Z0-9]/g, '0'),
  };
}

function columns(a: StoredAccount) {
  return { parent: appliedKey(a.applied_configurations), lookup: a.closed ? 'closed' : 'open' };
}

async function requireAccount(t: Sql, ctx: CallContext, id: string): Promise<Row> {
  const row = await getObject<StoredAccount>(t, ctx.scope, V2_ACCOUNT_TYPE, id);
  if (!row) throw errors.resourceMissing('account', id);
  return row;
}

/** Test clocks are not emulated, so any id given is unknown. */
function checkTestClock(p: AccountInput & { configuration?: unknown }) {
  const clock = (p.configuration as { customer?: { test_clock?: string } } | undefined)?.customer?.test_clock;
  if (clock) throw errors.resourceMissing('test_clock', clock, 'configuration.customer.test_clock', 400);
}

/**
 * `billing.default_payment_method` must be a PaymentMethod attached to this Account (as
 * `invoice_settings.default_payment_method` must be one of a Customer's).
 */
async function checkDefaultPaymentMethod(t: Sql, ctx: CallContext, accountId: string, pmId: string | null | undefined) {
  if (!pmId) return;
  const param = 'configuration.customer.billing.default_payment_method';
  const pm = await getObject<{ customer_account?: string | null }>(t, ctx.scope, 'payment_method', pmId);
  if (!pm) throw errors.resourceMissing('PaymentMethod', pmId, param, 400);
  if (pm.data.customer_account !== accountId) throw errors.paymentMethodNotOwnedBy(pmId, param);
}

export async function createCustomerAccount(ctx: CallContext, p: AccountInput & { account_token?: string }): Promise<StoredAccount> {
  // Account tokens come from Stripe.js for Connect onboarding, which onfile does not emulate.
  if (p.account_token) throw errors.accountTokenUnsupported(p.account_token);
  checkTestClock(p);
  const id = newId('account');
  const nowMs = ctx.deps.clock.nowMs();
  const gen = generated(ctx, id);
  const blank: StoredAccount = {
    id,
    object: 'v2.core.account',
    applied_configurations: [],
    closed: false,
    configuration: { customer: null, merchant: null, recipient: null },
    contact_email: null,
    contact_phone: null,
    created: rfc3339(nowMs),
    // A customer-only account has no Dashboard access (unverified; Stripe's example with a merchant configuration shows `full`).
    dashboard: 'none',
    defaults: emptyDefaults(),
    display_name: null,
    future_requirements: noFutureRequirements(),
    identity: emptyIdentity(),
    livemode: ctx.scope.livemode,
    metadata: {},
    requirements: noRequirements(),
  };
  const account = applyAccountFields(blank, p, gen);
  // `configuration.customer: {}` applies the configuration even when empty.
  return ctx.deps.store.tx(async (t) => {
    await insertObject(t, ctx.scope, { type: V2_ACCOUNT_TYPE, id, created: Math.floor(nowMs / 1000), data: account, internal: {}, ...columns(account) });
    // Everything is new: `after` is the whole account, as if every section were included (unverified: Stripe's docs give no created example).
    await emitV2Event(t, ctx, 'v2.core.account.created', accountObject(id), { changes: { after: account } });
    return account;
  });
}

export async function retrieveCustomerAccount(ctx: CallContext, id: string): Promise<StoredAccount> {
  return (await requireAccount(ctx.deps.store.read, ctx, id)).data;
}

export async function updateCustomerAccount(ctx: CallContext, id: string, p: AccountInput & { account_token?: string }): Promise<StoredAccount> {
  if (p.account_token) throw errors.accountTokenUnsupported(p.account_token);
  return ctx.deps.store.tx(async (t) => {
    const row = await requireAccount(t, ctx, id);
    if (row.data.closed) throw errors.accountClosed(id);
    const customer = p.configuration?.customer as { billing?: { default_payment_method?: string | null } | null } | null | undefined;
    await checkDefaultPaymentMethod(t, ctx, id, customer?.billing?.default_payment_method);
    const next = applyAccountFields(row.data, p, generated(ctx, id));
    if (sameJson(next, row.data)) return row.data;
    await updateObject(t, ctx.scope, row, { data: next, ...columns(next) });
    await emitV2Event(t, ctx, 'v2.core.account.updated', accountObject(id), { changes: fieldChanges(row.data, next) });
    for (const e of sectionEvents(row.data, next)) await emitV2Event(t, ctx, e.type, accountObject(id), { changes: e.changes });
    return next;
  });
}

/**
 * https://docs.stripe.com/api/v2/core/accounts/close: "All configurations on the Account must be
 * passed in for this request to succeed." A closed account stays retrievable.
 */
export async function closeCustomerAccount(ctx: CallContext, id: string, applied: string[] | undefined): Promise<StoredAccount> {
  let revocations: Awaited<ReturnType<typeof detachAllInTransaction>> = [];
  const closed = await ctx.deps.store.tx(async (t) => {
    revocations = [];
    const row = await requireAccount(t, ctx, id);
    if (row.data.closed) return row.data;
    const have = appliedKey(row.data.applied_configurations);
    if (appliedKey([...new Set(applied ?? [])]) !== have) throw errors.closeConfigurationsMismatch(row.data.applied_configurations);
    // Closing "removes access to the Account and its associated resources": as for a deleted
    // Customer, the methods saved to it are detached for good and their mandates go inactive.
    revocations = await detachAllInTransaction(t, ctx, id);
    const next: StoredAccount = { ...row.data, closed: true };
    await updateObject(t, ctx.scope, row, { data: next, ...columns(next) });
    await emitV2Event(t, ctx, 'v2.core.account.closed', accountObject(id), { changes: fieldChanges(row.data, next) });
    return next;
  });
  await revokeAgreements(ctx, revocations);
  return closed;
}

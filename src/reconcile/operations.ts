import { newToken } from '../lib/ids.js';
import { getAccount } from '../storage/repos/accounts.js';
import { limitClause, parseJson, type Sql } from '../storage/sql.js';
import { systemContext, type CallContext, type Deps } from '../services/context.js';

/**
 * A state change that waits on a connector call (STYLE.md: no transaction across a connector
 * call). The transaction before the call records the operation; the transaction that applies the
 * result deletes it. The same handler finishes it inline right after the first transaction, or
 * later from the reconciler when the process died in between, so the crash path is the normal path.
 * Handlers must be idempotent: connectors are idempotent per reference, and `finishOperation`
 * tells the applying transaction whether someone else applied the result first.
 */
export interface Operation<D = Record<string, unknown>> {
  id: string;
  accountId: string;
  livemode: boolean;
  kind: string;
  objectId: string;
  data: D;
  attempts: number;
}

export type OperationHandler = (ctx: CallContext, op: Operation) => Promise<void>;

const handlers = new Map<string, OperationHandler>();

/** Each use case that calls a connector registers how to finish its operation. */
export function registerOperationHandler(kind: string, handler: OperationHandler): void {
  handlers.set(kind, handler);
}

interface Row {
  id: string;
  account_id: string;
  livemode: number;
  kind: string;
  object_id: string;
  data: string;
  attempts: number;
}

const toOperation = (r: Row): Operation => ({
  id: r.id,
  accountId: r.account_id,
  livemode: Number(r.livemode) === 1,
  kind: r.kind,
  objectId: r.object_id,
  data: parseJson(r.data),
  attempts: Number(r.attempts),
});

/** Records an operation in the caller's transaction (before the connector call). */
export async function enqueueOperation(t: Sql, ctx: CallContext, kind: string, objectId: string, data: object): Promise<Operation> {
  const id = `op_${newToken(24)}`;
  const now = ctx.deps.clock.nowMs();
  await t.run(
    'INSERT INTO connector_operations (id, account_id, livemode, kind, object_id, data, created_ms, attempts, next_run_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)',
    [id, ctx.scope.accountId, ctx.scope.livemode ? 1 : 0, kind, objectId, JSON.stringify(data), now, now],
  );
  return { id, accountId: ctx.scope.accountId, livemode: ctx.scope.livemode, kind, objectId, data: data as Record<string, unknown>, attempts: 0 };
}

/**
 * Called first in the transaction that applies an operation's result: true when this transaction
 * owns the result, false when another runner already applied it (then apply nothing).
 */
export async function finishOperation(t: Sql, op: Pick<Operation, 'id'>): Promise<boolean> {
  const { changes } = await t.run('DELETE FROM connector_operations WHERE id = ?', [op.id]);
  return changes === 1;
}

/** Operations of an object still waiting on a connector (e.g. to tell a page "in progress"). */
export async function pendingOperationsFor(t: Sql, objectId: string): Promise<Operation[]> {
  const rows = await t.all<Row>('SELECT id, account_id, livemode, kind, object_id, data, attempts FROM connector_operations WHERE object_id = ?', [objectId]);
  return rows.map(toOperation);
}

/**
 * Runs an operation's handler. A failure (connector unreachable, a bug) leaves the operation for
 * the reconciler with a growing delay and is rethrown to the caller.
 */
export async function runOperation(ctx: CallContext, op: Operation): Promise<void> {
  const handler = handlers.get(op.kind);
  if (!handler) throw new Error(`no handler for operation kind ${op.kind}`);
  try {
    await handler(ctx, op);
  } catch (err) {
    const delay = Math.min(60_000, 1_000 * 2 ** Math.min(op.attempts, 6));
    await ctx.deps.store
      .tx((t) => t.run('UPDATE connector_operations SET attempts = attempts + 1, next_run_ms = ? WHERE id = ?', [ctx.deps.clock.nowMs() + delay, op.id]))
      .catch(() => undefined);
    throw err;
  }
}

/**
 * One reconciler pass: finishes every due operation at least `graceMs` old (younger ones are
 * probably still being finished by the request that made them); a failed operation is due again
 * after its backoff. Returns how many it finished.
 */
export async function reconcilePass(deps: Deps, opts: { graceMs: number; limit?: number; everything?: boolean; log?: (msg: string, err?: unknown) => void }): Promise<number> {
  const now = deps.clock.nowMs();
  // At start-up (`everything`) nothing can still be in flight in this process: retry all now.
  const dueBy = opts.everything ? Number.MAX_SAFE_INTEGER : now;
  const rows = await deps.store.read.all<Row>(
    `SELECT id, account_id, livemode, kind, object_id, data, attempts FROM connector_operations WHERE next_run_ms <= ? AND created_ms <= ? ORDER BY created_ms ${limitClause(opts.limit ?? 100)}`,
    [dueBy, opts.everything ? dueBy : now - opts.graceMs],
  );
  let done = 0;
  for (const op of rows.map(toOperation)) {
    const account = await getAccount(deps.store.read, op.accountId);
    if (!account || !handlers.has(op.kind)) continue;
    try {
      await runOperation(systemContext(deps, account, op.livemode), op);
      done++;
    } catch (err) {
      opts.log?.(`reconciler: operation ${op.id} (${op.kind} ${op.objectId}) failed; will retry`, err);
    }
  }
  return done;
}

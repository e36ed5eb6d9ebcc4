import { getAccount } from '../storage/repos/accounts.js';
import { limitClause } from '../storage/sql.js';
import { systemContext, type CallContext, type Deps } from './context.js';

/**
 * A table of work due at a time (`due_ms`), one row per object, with the account and mode it
 * belongs to: refund settlements, lapsing authorizations. The step that does the work deletes the
 * row in its own transaction, so several processes may run passes at once.
 */
export interface DueQueue {
  table: 'refund_settlements' | 'authorization_expiries';
  idColumn: 'refund_id' | 'payment_intent_id';
}

interface DueRow {
  id: string;
  account_id: string;
  livemode: number;
  attempts: number;
}

/**
 * One pass over the rows due now, oldest first, each in its account's context. A step that throws
 * (processor unreachable, database busy) is tried again later, backing off up to a minute.
 * Returns how many steps answered true.
 */
export async function runDue(deps: Deps, q: DueQueue, limit: number, step: (ctx: CallContext, id: string) => Promise<boolean>): Promise<number> {
  const due = await deps.store.read.all<DueRow>(
    `SELECT ${q.idColumn} AS id, account_id, livemode, attempts FROM ${q.table} WHERE due_ms <= ? ORDER BY due_ms ${limitClause(limit)}`,
    [deps.clock.nowMs()],
  );
  let done = 0;
  for (const d of due) {
    const account = await getAccount(deps.store.read, d.account_id);
    if (!account) continue;
    try {
      if (await step(systemContext(deps, account, Number(d.livemode) === 1), d.id)) done++;
    } catch {
      const delay = Math.min(60_000, 1_000 * 2 ** Math.min(Number(d.attempts), 6));
      await deps.store
        .tx((t) => t.run(`UPDATE ${q.table} SET attempts = attempts + 1, due_ms = ? WHERE ${q.idColumn} = ?`, [deps.clock.nowMs() + delay, d.id]))
        .catch(() => undefined);
    }
  }
  return done;
}

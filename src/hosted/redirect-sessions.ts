import { sha256Hex } from '../lib/crypto.js';
import { newToken } from '../lib/ids.js';
import { ConflictError, type Sql } from '../storage/sql.js';
import type { CallContext } from '../services/context.js';

/**
 * One redirect authorization per attempt. Its URL, on the API's own origin, carries a random
 * 40-character token (the capability to answer for the customer); the table keeps only the
 * token's SHA-256. A session is `open` until the customer answers (`submitted`, then `completed`),
 * or the attempt is replaced or the intent canceled (`superseded`). Intent services create and
 * close sessions in their own transactions; the page (hosted/routes.ts) reads them.
 */
export type RedirectSessionState = 'open' | 'submitted' | 'completed' | 'superseded';

export interface RedirectSession {
  tokenHash: string;
  accountId: string;
  livemode: boolean;
  intentType: string;
  intentId: string;
  attemptId: string;
  state: RedirectSessionState;
  outcome: string | null;
}

interface Row {
  token_hash: string;
  account_id: string;
  livemode: number;
  intent_type: string;
  intent_id: string;
  attempt_id: string;
  state: string;
  outcome: string | null;
}

const COLUMNS = 'token_hash, account_id, livemode, intent_type, intent_id, attempt_id, state, outcome';
const toSession = (r: Row): RedirectSession => ({
  tokenHash: r.token_hash,
  accountId: r.account_id,
  livemode: Number(r.livemode) === 1,
  intentType: r.intent_type,
  intentId: r.intent_id,
  attemptId: r.attempt_id,
  state: r.state as RedirectSessionState,
  outcome: r.outcome,
});

export const REDIRECT_PATH = '/redirect/authorize';

/** Creates the session of an attempt and returns the URL the customer is sent to. */
export async function createRedirectSession(t: Sql, ctx: CallContext, intent: { type: string; id: string; attemptId: string }): Promise<{ url: string; tokenHash: string }> {
  const token = newToken(40);
  const tokenHash = sha256Hex(token);
  await t.run(
    `INSERT INTO redirect_sessions (${COLUMNS}, created) VALUES (?, ?, ?, ?, ?, ?, 'open', NULL, ?)`,
    [tokenHash, ctx.scope.accountId, ctx.scope.livemode ? 1 : 0, intent.type, intent.id, intent.attemptId, ctx.deps.clock.nowMs()],
  );
  return { url: `${ctx.deps.publicUrl()}${REDIRECT_PATH}/${token}`, tokenHash };
}

export async function findRedirectSession(t: Sql, token: string): Promise<RedirectSession | undefined> {
  if (!/^[A-Za-z0-9]{40}$/.test(token)) return undefined;
  const r = await t.one<Row>(`SELECT ${COLUMNS} FROM redirect_sessions WHERE token_hash = ?`, [sha256Hex(token)]);
  return r && toSession(r);
}

export async function getRedirectSession(t: Sql, tokenHash: string): Promise<RedirectSession | undefined> {
  const r = await t.one<Row>(`SELECT ${COLUMNS} FROM redirect_sessions WHERE token_hash = ?`, [tokenHash]);
  return r && toSession(r);
}

/**
 * The customer's answer claims the session (`open` → `submitted`) inside the completing
 * transaction; a concurrent second answer fails its check and reruns to find it taken.
 */
export async function claimRedirectSession(t: Sql, session: RedirectSession, outcome: string): Promise<void> {
  const { changes } = await t.run("UPDATE redirect_sessions SET state = 'submitted', outcome = ? WHERE token_hash = ? AND state = 'open'", [outcome, session.tokenHash]);
  if (changes !== 1) throw new ConflictError(`redirect session of ${session.intentId}`);
}

export async function completeRedirectSession(t: Sql, tokenHash: string, nowMs: number): Promise<void> {
  await t.run("UPDATE redirect_sessions SET state = 'completed', completed = ? WHERE token_hash = ? AND state IN ('open', 'submitted')", [nowMs, tokenHash]);
}

/** The attempt was replaced (re-confirm) or the intent canceled: its open session is void. */
export async function supersedeRedirectSessions(t: Sql, intentId: string): Promise<void> {
  await t.run("UPDATE redirect_sessions SET state = 'superseded' WHERE intent_id = ? AND state = 'open'", [intentId]);
}

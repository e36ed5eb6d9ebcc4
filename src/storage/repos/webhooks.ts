import type Stripe from 'stripe';
import { parseJson, type Sql } from '../sql.js';
import type { Scope, StoredObject } from './objects.js';

const lm = (s: Scope) => (s.livemode ? 1 : 0);

/** What onfile keeps about an endpoint besides what the API renders. */
export interface EndpointInternal {
  /** Signing secrets in force: the current one first, then rolled ones until `expires_at` (ms). */
  secrets: { secret: string; expires_at: number | null }[];
  /** When the current run of failed attempts began (ms); null after any success. */
  failing_since: number | null;
}

export type StoredEndpoint = StoredObject<Stripe.WebhookEndpoint, EndpointInternal>;

interface Row {
  seq: number;
  id: string;
  type: string;
  version: number;
  account_id: string;
  livemode: number;
  data: string;
  internal: string;
}

const toEndpoint = (r: Row): StoredEndpoint & { accountId: string; livemode: boolean } => ({
  seq: Number(r.seq),
  id: r.id,
  type: r.type,
  version: Number(r.version),
  data: parseJson<Stripe.WebhookEndpoint>(r.data),
  internal: parseJson<EndpointInternal>(r.internal),
  accountId: r.account_id,
  livemode: Number(r.livemode) === 1,
});

export async function countEndpoints(t: Sql, scope: Scope): Promise<number> {
  const r = await t.one<{ n: number }>("SELECT COUNT(*) AS n FROM objects WHERE account_id = ? AND livemode = ? AND type = 'webhook_endpoint'", [
    scope.accountId,
    lm(scope),
  ]);
  return Number(r?.n ?? 0);
}

/** For the dispatcher: the delivery row names the endpoint; a deleted endpoint is simply absent. */
export async function getEndpointAnyScope(t: Sql, id: string): Promise<(StoredEndpoint & { accountId: string; livemode: boolean }) | undefined> {
  const r = await t.one<Row>("SELECT seq, id, type, version, account_id, livemode, data, internal FROM objects WHERE id = ? AND type = 'webhook_endpoint'", [id]);
  return r && toEndpoint(r);
}

export async function deleteEndpointRow(t: Sql, scope: Scope, id: string): Promise<void> {
  await t.run("DELETE FROM objects WHERE id = ? AND account_id = ? AND livemode = ? AND type = 'webhook_endpoint'", [id, scope.accountId, lm(scope)]);
}

/** The `onfile listen` secret for (account, mode, name), created on first use and kept afterwards. */
export async function listenerSecret(t: Sql, scope: Scope, name: string, fresh: string, nowMs: number): Promise<string> {
  await t.run('INSERT INTO cli_listeners (account_id, livemode, name, secret, created) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
    scope.accountId,
    lm(scope),
    name,
    fresh,
    nowMs,
  ]);
  const r = await t.one<{ secret: string }>('SELECT secret FROM cli_listeners WHERE account_id = ? AND livemode = ? AND name = ?', [scope.accountId, lm(scope), name]);
  return r!.secret;
}

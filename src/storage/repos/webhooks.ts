import { parseJson, type Sql } from '../sql.js';
import type { Scope } from './objects.js';

const lm = (s: Scope) => (s.livemode ? 1 : 0);

/** What onfile keeps about an endpoint besides what the API renders. */
export interface EndpointInternal {
  /** Signing secrets in force: the current one first, then rolled ones until `expires_at` (ms). */
  secrets: { secret: string; expires_at: number | null }[];
  /** When the current run of failed attempts began (ms); null after any success. */
  failing_since: number | null;
}

/** The secret that signs from now on (rolled ones only sign beside it until they expire). */
export function currentSecret(internal: EndpointInternal): string | undefined {
  return internal.secrets.find((s) => s.expires_at === null)?.secret;
}

interface TargetRow {
  type: string;
  data: string;
  internal: string;
}

export async function countEndpoints(t: Sql, scope: Scope): Promise<number> {
  const r = await t.one<{ n: number }>("SELECT COUNT(*) AS n FROM objects WHERE account_id = ? AND livemode = ? AND type = 'webhook_endpoint'", [
    scope.accountId,
    lm(scope),
  ]);
  return Number(r?.n ?? 0);
}

/** Where a delivery goes: a v1 webhook endpoint, or an API v2 event destination of type `webhook_endpoint`. */
export interface DeliveryTarget {
  /** objects.type of the row: `webhook_endpoint` or `v2.core.event_destination` */
  type: string;
  url: string;
  enabled: boolean;
  internal: EndpointInternal;
}

/** For the dispatcher: the delivery row names its target; a deleted one is simply absent. */
export async function getDeliveryTargetAnyScope(t: Sql, id: string): Promise<DeliveryTarget | undefined> {
  const r = await t.one<TargetRow>(
    "SELECT type, data, internal FROM objects WHERE id = ? AND type IN ('webhook_endpoint', 'v2.core.event_destination')",
    [id],
  );
  if (!r) return undefined;
  const data = parseJson<{ url?: string; status: string; webhook_endpoint?: { url: string } }>(r.data);
  const url = r.type === 'webhook_endpoint' ? data.url : data.webhook_endpoint?.url;
  return { type: r.type, url: url ?? '', enabled: data.status === 'enabled', internal: parseJson<EndpointInternal>(r.internal) };
}

/** Deletes a v1 webhook endpoint, or (with its type) a v2 event destination. */
export async function deleteEndpointRow(t: Sql, scope: Scope, id: string, type: 'webhook_endpoint' | 'v2.core.event_destination' = 'webhook_endpoint'): Promise<void> {
  await t.run('DELETE FROM objects WHERE id = ? AND account_id = ? AND livemode = ? AND type = ?', [id, scope.accountId, lm(scope), type]);
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

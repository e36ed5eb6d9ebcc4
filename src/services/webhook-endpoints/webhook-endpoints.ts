import type Stripe from 'stripe';
import { newId, newWebhookSecret } from '../../lib/ids.js';
import { errors } from '../../errors/catalogue.js';
import { applyMetadata } from '../../domain/shared/metadata.js';
import { isKnownApiVersion, KNOWN_API_VERSIONS } from '../../domain/shared/api-versions.js';
import { isKnownEventType } from '../../webhooks/event-types.js';
import { getObject, insertObject, updateObject } from '../../storage/repos/objects.js';
import { countEndpoints, currentSecret, deleteEndpointRow, type EndpointInternal } from '../../storage/repos/webhooks.js';
import { cancelPendingForEndpoint } from '../../storage/repos/deliveries.js';
import type { Sql } from '../../storage/sql.js';
import { nowSeconds, type CallContext } from '../context.js';
import type { CreateWebhookEndpoint, UpdateWebhookEndpoint } from '../../api/v1/webhook-endpoints/params.js';

const NOUN = 'webhook endpoint';

/** Stripe caps endpoints per account (16 is the commonly cited figure); self-hosters may raise it. */
function maxEndpoints(): number {
  const n = Number(process.env.ONFILE_WEBHOOK_MAX_ENDPOINTS ?? 16);
  return Number.isInteger(n) && n > 0 ? n : 16;
}

/** Where Stripe may deliver: an absolute http or https URL (test mode takes plain http too). */
export function checkUrl(url: string, param = 'url'): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw errors.urlInvalid(param, url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw errors.urlInvalid(param, url);
}

/** `enabled_events`: names from the SDK's list, or `*` for every event (https://docs.stripe.com/api/events/types). */
function checkEnabledEvents(list: string[]): string[] {
  if (!list.length) throw errors.parameterMissing('enabled_events');
  list.forEach((type, i) => {
    if (type !== '*' && !isKnownEventType(type)) throw errors.invalidRequest(`Invalid enabled_events[${i}]: ${type} is not a valid event type. See https://docs.stripe.com/api/events/types for the list of event types.`, `enabled_events[${i}]`);
  });
  return [...new Set(list)];
}

/** The secret is returned once, at creation, between `metadata` and `status` as Stripe orders the fields. */
function withSecret(we: Stripe.WebhookEndpoint, secret: string): Stripe.WebhookEndpoint {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(we)) {
    if (k === 'status') out.secret = secret;
    out[k] = v;
  }
  return out as unknown as Stripe.WebhookEndpoint;
}

export async function createWebhookEndpoint(ctx: CallContext, p: CreateWebhookEndpoint): Promise<Stripe.WebhookEndpoint> {
  checkUrl(p.url);
  const enabled = checkEnabledEvents(p.enabled_events);
  if (p.api_version !== undefined && !isKnownApiVersion(p.api_version)) throw errors.invalidEnum('api_version', KNOWN_API_VERSIONS);
  const now = nowSeconds(ctx);
  const id = newId('webhook_endpoint');
  const secret = newWebhookSecret();
  const endpoint: Stripe.WebhookEndpoint = {
    id,
    object: 'webhook_endpoint',
    // Fixed at creation (https://docs.stripe.com/api/webhook_endpoints/object#webhook_endpoint_object-api_version);
    // null means events keep the account's default version.
    api_version: p.api_version ?? null,
    application: null,
    created: now,
    description: p.description ?? null,
    enabled_events: enabled,
    livemode: ctx.scope.livemode,
    metadata: applyMetadata({}, p.metadata),
    status: 'enabled',
    url: p.url,
  };
  const internal: EndpointInternal = { secrets: [{ secret, expires_at: null }], failing_since: null };
  return ctx.deps.store.tx(async (t) => {
    const max = maxEndpoints();
    if ((await countEndpoints(t, ctx.scope)) >= max) throw errors.webhookEndpointLimit(max, ctx.scope.livemode);
    await insertObject(t, ctx.scope, { type: 'webhook_endpoint', id, created: now, data: endpoint, internal });
    return withSecret(endpoint, secret);
  });
}

async function requireEndpoint(t: Sql, ctx: CallContext, id: string) {
  const row = await getObject<Stripe.WebhookEndpoint, EndpointInternal>(t, ctx.scope, 'webhook_endpoint', id);
  if (!row) throw errors.resourceMissing(NOUN, id);
  return row;
}

export async function retrieveWebhookEndpoint(ctx: CallContext, id: string): Promise<Stripe.WebhookEndpoint> {
  return (await requireEndpoint(ctx.deps.store.read, ctx, id)).data;
}

/**
 * The answer to a retry whose first attempt committed but never stored its answer. A create's shows
 * the signing secret, as the create does: that answer is the only place the caller learns it.
 * Undefined when the endpoint is gone.
 */
export async function recoveredWebhookEndpoint(ctx: CallContext, id: string, byCreate: boolean): Promise<Stripe.WebhookEndpoint | undefined> {
  const row = await getObject<Stripe.WebhookEndpoint, EndpointInternal>(ctx.deps.store.read, ctx.scope, 'webhook_endpoint', id);
  if (!row) return undefined;
  const secret = byCreate ? currentSecret(row.internal) : undefined;
  return secret === undefined ? row.data : withSecret(row.data, secret);
}

export async function updateWebhookEndpoint(ctx: CallContext, id: string, p: UpdateWebhookEndpoint): Promise<Stripe.WebhookEndpoint> {
  if (p.url !== undefined) checkUrl(p.url);
  const enabled = p.enabled_events !== undefined ? checkEnabledEvents(p.enabled_events) : undefined;
  return ctx.deps.store.tx(async (t) => {
    const row = await requireEndpoint(t, ctx, id);
    const next: Stripe.WebhookEndpoint = { ...row.data };
    if (p.url !== undefined) next.url = p.url;
    if (enabled) next.enabled_events = enabled;
    if (p.description !== undefined) next.description = p.description;
    if (p.metadata !== undefined) next.metadata = applyMetadata(row.data.metadata, p.metadata);
    let internal = row.internal;
    if (p.disabled !== undefined) {
      next.status = p.disabled ? 'disabled' : 'enabled';
      // Re-enabling starts a fresh health window, or the next failure would disable it again at once.
      if (!p.disabled) internal = { ...internal, failing_since: null };
    }
    await updateObject(t, ctx.scope, row, { data: next, internal });
    return next;
  });
}

export async function deleteWebhookEndpoint(ctx: CallContext, id: string): Promise<Stripe.DeletedWebhookEndpoint> {
  return ctx.deps.store.tx(async (t) => {
    await requireEndpoint(t, ctx, id);
    await deleteEndpointRow(t, ctx.scope, id);
    await cancelPendingForEndpoint(t, id, ctx.deps.clock.nowMs());
    return { id, object: 'webhook_endpoint', deleted: true };
  });
}

/**
 * Rolls the signing secret (a Dashboard action at Stripe, https://docs.stripe.com/webhooks#roll-endpoint-secrets;
 * onfile's admin route): the new secret signs from now on, and the old one keeps signing beside it — a second
 * `v1=` in Stripe-Signature — for `expiresInSeconds` (0: it stops at once), so receivers can switch without gaps.
 */
export async function rollWebhookEndpointSecret(ctx: CallContext, id: string, expiresInSeconds: number): Promise<Stripe.WebhookEndpoint> {
  const secret = newWebhookSecret();
  return ctx.deps.store.tx(async (t) => {
    const row = await requireEndpoint(t, ctx, id);
    const now = ctx.deps.clock.nowMs();
    const kept = row.internal.secrets
      .map((s) => (s.expires_at === null ? { ...s, expires_at: now + expiresInSeconds * 1000 } : s))
      .filter((s) => s.expires_at !== null && s.expires_at > now);
    await updateObject(t, ctx.scope, row, { data: row.data, internal: { ...row.internal, secrets: [{ secret, expires_at: null }, ...kept] } });
    return withSecret(row.data, secret);
  });
}

import type { FastifyRequest } from 'fastify';
import { Authenticator } from '../http/auth.js';
import { errors } from '../errors/catalogue.js';
import type { CallContext, Deps } from '../services/context.js';
import type { FormObject } from '../lib/form.js';

/**
 * onfile's admin routes live under /_onfile/ — a prefix Stripe never uses — and answer only secret keys,
 * each seeing its own account and mode, exactly like the public API.
 */
export const ADMIN_PREFIX = '/_onfile';

export function adminAuth(deps: Deps) {
  const auth = new Authenticator(deps.store);
  return async (req: FastifyRequest): Promise<CallContext> => {
    const query = (req.query ?? {}) as FormObject;
    const key = Authenticator.keyFrom(req.headers.authorization, query.key);
    const caller = await auth.authenticate(key);
    if (caller.key.kind !== 'secret') throw errors.publishableKeyNotAllowed();
    return {
      deps,
      scope: { accountId: caller.account.id, livemode: caller.key.livemode },
      account: caller.account,
      apiVersion: caller.account.default_api_version,
      keyKind: 'secret',
      request: { id: req.stripeRequestId, idempotencyKey: null, ip: req.ip, userAgent: (req.headers['user-agent'] as string | undefined) ?? null },
    };
  };
}

/** Query and (form or JSON) body parameters, without the transport `key`. */
export function adminParams(req: FastifyRequest): FormObject {
  const query = { ...((req.query ?? {}) as FormObject) };
  delete query.key;
  const body = req.body;
  if (req.method === 'GET' || !body || typeof body !== 'object' || Array.isArray(body)) return query;
  const out: FormObject = { ...query };
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k !== 'key') out[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : (v as FormObject[string]);
  }
  return out;
}

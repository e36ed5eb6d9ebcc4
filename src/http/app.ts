import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parseForm, type FormObject, type FormValue } from '../lib/form.js';
import { newId } from '../lib/ids.js';
import { ApiError } from '../errors/api-error.js';
import { errors } from '../errors/catalogue.js';
import { isKnownApiVersion } from '../domain/shared/api-versions.js';
import type { CallContext, Deps } from '../services/context.js';
import { Authenticator } from './auth.js';
import {
  beginIdempotent,
  finishIdempotent,
  IdempotencyKeyTaken,
  KeysInFlight,
  shouldStoreResponse,
  storeRecordingCommits,
  type CompletionInTx,
  type DeferredClaim,
  type Replay,
} from './idempotency.js';
import { expandObject, loadForExpand, resourceKind } from '../api/render.js';
import { getObject } from '../storage/repos/objects.js';
import { ConflictError } from '../storage/sql.js';
import { isWithStatus, type RouteDef } from './route.js';
import { RawJson } from './raw-json.js';
import { endOfIoPhase } from '../lib/io-phase.js';

export interface AppOptions {
  routes: RouteDef[];
  /** Extra non-API routes (hosted pages, /v3/ library, admin). */
  plugins?: ((app: FastifyInstance, deps: Deps) => void | Promise<void>)[];
  logger?: boolean | object;
}

const INVALID_QUERY = '__onfile_invalid_query';
const TRANSPORT_PARAMS = ['key', '_stripe_version', '_stripe_account'];
const CORS_EXPOSE = 'Request-Id, Stripe-Manage-Version, Stripe-Should-Retry, X-Stripe-External-Auth-Required, X-Stripe-Privileged-Session-Required, Idempotency-Key, Original-Request, Idempotent-Replayed, Stripe-Version';

declare module 'fastify' {
  interface FastifyRequest {
    stripeRequestId: string;
    /** The account and mode the request's key resolved to, once authenticated (the request log keeps it). */
    stripeScope?: { accountId: string; livemode: boolean };
  }
}

export async function buildApp(deps: Deps, opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    // A path the router refuses (a malformed %-escape, an over-long segment) is answered here, before
    // any hook: in Stripe's error shape, not Fastify's.
    frameworkErrors: (err, req, reply) => {
      setResponseBasics(req, reply);
      sendError(reply, toApiError(err, req), req.url.startsWith('/v2/'));
    },
    routerOptions: {
      // Stripe's nested query strings (`expand[0]=x`, `created[gte]=1`) need qs, with its limits.
      querystringParser: (s: string) => {
        try {
          return parseForm(s) as Record<string, unknown>;
        } catch (err) {
          // The router cannot fail a request; the handler turns this marker into a 400.
          return { [INVALID_QUERY]: err instanceof Error ? err.message : 'malformed' };
        }
      },
      // Stripe answers `/v1/customers/` with a 404 (an empty id in a retrieve makes that URL), not
      // with the list.
      ignoreTrailingSlash: false,
      // The router's default (100) answers a longer path segment with its own 414; onfile's handler
      // answers it the way Stripe does (an unknown id is a 404 resource_missing).
      maxParamLength: 5000,
    },
  });
  const auth = new Authenticator(deps.store);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(errors.invalidRequest('Invalid JSON received in the request body.'), undefined);
    }
    // A NUL reaches JSON only as the escape \u0000 (see parseForm for why it is refused).
    if (text.includes('\\u0000') && containsNul(parsed)) return done(errors.invalidRequest('Invalid request: parameters may not contain the NUL character (\\u0000).'), undefined);
    done(null, parsed);
  });
  // Everything else is treated as a form body: SDKs send `application/x-www-form-urlencoded`
  // even on GETs, curl -d does too, and a missing type should not be a 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseForm(String(body)));
    } catch (err) {
      done(errors.formTooComplex(err instanceof Error ? err.message : 'malformed'), undefined);
    }
  });

  // A callback hook, not an async one: it runs on every request and awaits nothing.
  const requestArrived = deps.store.requestArrived;
  app.addHook('onRequest', (req, reply, done) => {
    requestArrived?.();
    setResponseBasics(req, reply);
    // A NUL in the path or the query (see parseForm): refused before any route reads it.
    if (req.url.includes('%00')) return done(errors.invalidRequest('Invalid request: the URL may not contain the NUL character (%00).'));
    // The router lets `/v1/customers/` name the customer ''; Stripe knows no such URL.
    done(hasEmptyPathSegment(req.params) ? errors.unrecognizedUrl(req.method, req.url.split('?')[0]) : undefined);
  });

  app.options('/*', async (req, reply) => {
    const requested = req.headers['access-control-request-headers'];
    if (requested) reply.header('Access-Control-Allow-Headers', requested);
    reply.code(204).send();
  });

  app.setErrorHandler((err, req, reply) => {
    const apiError = toApiError(err, req);
    sendError(reply, apiError, req.url.startsWith('/v2/'));
  });

  app.setNotFoundHandler((req, reply) => {
    sendError(reply, errors.unrecognizedUrl(req.method, req.url.split('?')[0]), req.url.startsWith('/v2/'));
  });

  // Keys are claimed at commit on SQLite only. There every process's writes queue for one lock, so a
  // request whose key another process holds waits for that request and finds its answer, however the key
  // was claimed. On PostgreSQL another process's claimed key is visible at once, and Stripe's 409 for a
  // key in use needs that claim.
  const keysInFlight = deps.store.dialect === 'sqlite' ? new KeysInFlight() : undefined;
  for (const route of opts.routes) registerRoute(app, deps, auth, keysInFlight, route);
  for (const plugin of opts.plugins ?? []) await plugin(app, deps);
  return app;
}

/** Headers every answer carries, errors included: its request id, no caching, and CORS for Stripe.js. */
function setResponseBasics(req: FastifyRequest, reply: FastifyReply): void {
  req.stripeRequestId = newId('request');
  const origin = req.headers.origin;
  reply.headers({
    'Request-Id': req.stripeRequestId,
    'Cache-Control': 'no-cache, no-store',
    'Access-Control-Allow-Origin': origin ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': 'GET, POST, HEAD, OPTIONS, DELETE',
    'Access-Control-Expose-Headers': CORS_EXPOSE,
    'Access-Control-Max-Age': '300',
  });
  if (origin) reply.header('Vary', 'Origin');
}

function toApiError(err: unknown, req: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  // Optimistic retries ran out under heavy contention on one object: Stripe's answer is a 409
  // lock_timeout that SDKs retry (https://docs.stripe.com/rate-limits#object-lock-timeouts).
  if (err instanceof ConflictError) return errors.lockTimeout();
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.invalidRequest('Request body too large.');
    return errors.invalidRequest(`Invalid request: ${e.message ?? 'malformed'}`);
  }
  req.log.error({ err }, 'unhandled error');
  return errors.internal();
}

export function sendError(reply: FastifyReply, err: ApiError, v2: boolean): void {
  reply.header('Stripe-Should-Retry', String(err.shouldRetry));
  reply.code(err.status).type('application/json').send(JSON.stringify(renderError(err, v2)));
}

function renderError(err: ApiError, v2: boolean): unknown {
  if (!v2) return { error: err.toBody() };
  // v2 envelope (https://docs.stripe.com/api-v2-overview): {error: {type, code, message}}. stripe-node
  // picks the class from `type`, then `code: invalid_fields`, then the status; a 400 without a more
  // specific code is an invalid-fields error.
  const body: Record<string, unknown> = { type: err.type };
  const code = err.code ?? (err.status === 400 ? 'invalid_fields' : undefined);
  if (code) body.code = code;
  body.message = err.message;
  if (err.param) body.param = err.param;
  return { error: body };
}

function containsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\0');
  if (Array.isArray(v)) return v.some(containsNul);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => k.includes('\0') || containsNul(x));
  return false;
}

function isJsonBody(req: FastifyRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/json\b/i.test(type.trim());
}

function mergeParams(req: FastifyRequest): FormObject {
  const query = (req.query ?? {}) as FormObject;
  const body = req.body;
  // A DELETE's form body counts as Stripe reads it (curl -X DELETE -d …); the SDKs send its parameters in the query.
  if (req.method === 'GET' || !body || typeof body !== 'object' || Array.isArray(body)) return { ...query };
  return { ...query, ...(body as FormObject) };
}

function registerRoute(app: FastifyInstance, deps: Deps, auth: Authenticator, keysInFlight: KeysInFlight | undefined, route: RouteDef): void {
  const v2 = route.path.startsWith('/v2/');
  app.route({
    method: route.method,
    url: route.path,
    handler: async (req, reply) => {
      // v1 takes form bodies only: a JSON body gets Stripe's unsupported Content-Type error rather
      // than being read with JSON's types (numbers, null) that no v1 client sends.
      if (!v2 && req.body !== undefined && isJsonBody(req)) throw errors.unsupportedContentType(String(req.headers['content-type']));
      const all = mergeParams(req);
      if (typeof all[INVALID_QUERY] === 'string') throw errors.formTooComplex(all[INVALID_QUERY]);
      const keyParam = all.key;
      const versionParam = all._stripe_version;
      const accountParam = all._stripe_account;
      for (const p of TRANSPORT_PARAMS) delete all[p];
      const apiKey = Authenticator.keyFrom(req.headers.authorization, keyParam);
      const caller = await auth.authenticate(apiKey);
      if (caller.key.kind === 'publishable' && !route.publishable) throw errors.publishableKeyNotAllowed();
      // Connect's "on behalf of" (the Stripe-Account header, Stripe.js's `stripeAccount`): onfile's
      // accounts are no Connect platforms, so only the key's own account may be named.
      const accountHeader = req.headers['stripe-account'];
      const onBehalfOf = (Array.isArray(accountHeader) ? accountHeader[0] : accountHeader) || (typeof accountParam === 'string' ? accountParam : undefined);
      if (onBehalfOf && onBehalfOf !== caller.account.id) throw errors.notAConnectPlatform(onBehalfOf);

      const headerVersion = req.headers['stripe-version'];
      const requested = (Array.isArray(headerVersion) ? headerVersion[0] : headerVersion) || (typeof versionParam === 'string' ? versionParam : undefined);
      if (requested && !isKnownApiVersion(requested)) throw errors.invalidApiVersion(requested);
      const apiVersion = requested || caller.account.default_api_version;
      reply.header('Stripe-Version', apiVersion);

      const idemHeader = req.headers['idempotency-key'];
      const idemKey = (Array.isArray(idemHeader) ? idemHeader[0] : idemHeader) || null;
      const scope = { accountId: caller.account.id, livemode: caller.key.livemode };
      req.stripeScope = scope;
      const ctx: CallContext = {
        deps,
        scope,
        account: caller.account,
        apiVersion,
        keyKind: caller.key.kind,
        request: {
          id: req.stripeRequestId,
          idempotencyKey: idemKey,
          ip: req.ip,
          userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
        },
      };
      const idempotent = idemKey !== null && (route.method === 'POST' || (v2 && route.method === 'DELETE'));
      if (idemKey !== null) reply.header('Idempotency-Key', idemKey);
      let answer: Answer;
      // A route whose answer is its one transaction's result claims its key at that commit. Should the
      // key be there already (a retry, or another process's request), that transaction rolls back and
      // the request starts over the usual way: it claims the key first, and finds it.
      const answeredByItsTransaction = route.answersWithTransaction === true && all.expand === undefined;
      let claimAtCommit = keysInFlight !== undefined && answeredByItsTransaction;
      for (;;) {
        let completion: CompletionInTx | undefined;
        let deferred: DeferredClaim | undefined;
        if (idempotent) {
          if (answeredByItsTransaction) completion = {};
          const outcome = await beginIdempotent(
            deps.store,
            scope,
            idemKey,
            {
              method: route.method,
              path: req.url.split('?')[0],
              params: v2 ? req.body ?? null : all,
              requestId: req.stripeRequestId,
              nowMs: deps.clock.nowMs(),
            },
            claimAtCommit ? keysInFlight : undefined,
          );
          if (outcome.kind === 'replay') return sendReplay(reply, outcome);
          if (outcome.kind === 'recover') {
            const recovered = JSON.stringify(await recoveredObject(ctx, outcome.objectType, outcome.objectId, v2 ? (req.body ?? null) : all, route.path));
            await finishIdempotent(deps.store, scope, idemKey, req.stripeRequestId, 200, recovered, true);
            return sendReplay(reply, { kind: 'replay', status: 200, body: recovered, originalRequestId: outcome.originalRequestId });
          }
          deferred = outcome.deferred;
          ctx.deps = { ...deps, store: storeRecordingCommits(deps.store, scope, idemKey, req.stripeRequestId, completion, deferred) };
          reply.header('Original-Request', req.stripeRequestId);
        }
        try {
          try {
            answer = await runHandler(route, ctx, all, req, completion, v2);
          } catch (err) {
            if (err instanceof IdempotencyKeyTaken && deferred) {
              claimAtCommit = false;
              continue;
            }
            throw err;
          }
          if (idempotent && !answer.stored) {
            const store = shouldStoreResponse(answer.status, answer.apiError?.code, answer.apiError?.type, v2);
            if (!(await finishIdempotent(deps.store, scope, idemKey, req.stripeRequestId, answer.status, answer.body, store, deferred))) {
              claimAtCommit = false;
              continue;
            }
          }
        } finally {
          deferred?.release();
        }
        break;
      }
      reply.header('Stripe-Should-Retry', String(answer.apiError?.shouldRetry ?? false));
      // Reads leave with the other answers of this I/O phase (lib/io-phase.ts); writes already leave in
      // batches, after their group's commit.
      if (route.method === 'GET') await endOfIoPhase();
      return reply.code(answer.status).type('application/json').send(answer.body);
    },
  });
}

interface Answer {
  status: number;
  body: string;
  apiError?: ApiError;
  /** The body is the response the request's transaction stored for its idempotency key. */
  stored: boolean;
}

/** The route's answer, its errors rendered; only a key taken at commit (IdempotencyKeyTaken) is thrown. */
async function runHandler(route: RouteDef, ctx: CallContext, params: FormObject, req: FastifyRequest, completion: CompletionInTx | undefined, v2: boolean): Promise<Answer> {
  const call = { ctx, params, json: req.body, pathParams: req.params as Record<string, string>, request: req };
  try {
    const result = await route.handler(call);
    if (isWithStatus(result)) return { status: result.status ?? 200, body: JSON.stringify(result.body), stored: false };
    // Answered with what its transaction stored as the response: nothing left to store.
    if (completion?.body !== undefined && result === completion.result) return { status: 200, body: completion.body, stored: true };
    return { status: 200, body: result instanceof RawJson ? result.text : JSON.stringify(result), stored: false };
  } catch (err) {
    if (err instanceof IdempotencyKeyTaken) throw err;
    let apiError = toApiError(err, req);
    if (route.errorContext) apiError = await route.errorContext(call, apiError).catch(() => apiError);
    return { status: apiError.status, body: JSON.stringify(renderError(apiError, v2)), apiError, stored: false };
  }
}

function sendReplay(reply: FastifyReply, outcome: Replay): FastifyReply {
  reply.header('Idempotent-Replayed', 'true');
  reply.header('Original-Request', outcome.originalRequestId);
  reply.header('Stripe-Should-Retry', 'false');
  return reply.code(outcome.status).type('application/json').send(outcome.body);
}

/**
 * The current state of the object a crashed request committed, rendered as a retrieve would
 * (v1 `expand` honoured when valid). Used once per such key; the answer is then stored as usual.
 */
async function recoveredObject(ctx: CallContext, objectType: string, id: string, params: unknown, routePath: string): Promise<unknown> {
  const answer = resourceKind(objectType)?.answerRecovered;
  if (answer) return answer(ctx, id, params, routePath);
  const expand = (params as { expand?: unknown } | null)?.expand;
  const loaded = (await loadForExpand(ctx, objectType, id)) ?? (await getObject(ctx.deps.store.read, ctx.scope, objectType, id))?.data;
  if (!loaded) return { id, object: objectType };
  const paths = Array.isArray(expand) ? expand.filter((p): p is string => typeof p === 'string') : typeof expand === 'string' ? [expand] : [];
  try {
    return await expandObject(ctx, objectType, loaded, paths);
  } catch {
    return loaded;
  }
}

export type { FormValue };

function hasEmptyPathSegment(params: unknown): boolean {
  const named = params as Record<string, string>;
  for (const name in named) if (named[name] === '' && name !== '*') return true;
  return false;
}

import type { FastifyRequest } from 'fastify';
import type { FormObject } from '../lib/form.js';
import type { CallContext } from '../services/context.js';
import type { ApiError } from '../errors/api-error.js';

/**
 * A route is a method, a path and a handler that only translates: decode params, call one service
 * function, return what the serializer made. Auth, versions, idempotency and error rendering are
 * done once around every handler (http/app.ts).
 */
export interface ApiCall {
  ctx: CallContext;
  /** Query + body parameters, transport keys (`key`, `_stripe_version`, `_stripe_account`) removed. */
  params: FormObject;
  /** v2 JSON body */
  json: unknown;
  pathParams: Record<string, string>;
  request: FastifyRequest;
}

export interface ApiResult {
  status?: number;
  body: unknown;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Stripe.js may call it with a publishable key (the handler checks the client_secret). */
  publishable?: boolean;
  handler: (call: ApiCall) => Promise<unknown>;
  /**
   * The handler makes at most one `store.tx` and, when it answers 200 with the very object that
   * transaction returned, that is the whole response: a keyed request then stores its response in
   * that transaction instead of a commit of its own afterwards (http/idempotency.ts).
   */
  answersWithTransaction?: boolean;
  /** Adds to the handler's error what Stripe puts in it about the object the request involves. */
  errorContext?: (call: ApiCall, error: ApiError) => Promise<ApiError>;
}

/** Lets a handler choose a status other than 200. */
export function withStatus(status: number, body: unknown): ApiResult & { __withStatus: true } {
  return { status, body, __withStatus: true };
}

export function isWithStatus(v: unknown): v is ApiResult & { __withStatus: true } {
  return typeof v === 'object' && v !== null && (v as { __withStatus?: boolean }).__withStatus === true;
}

// Test harness for the browser library: loopback stub servers standing in for the onfile API
// (wire contract only), and a Debian-chromium browser driven by playwright-core.
import { once } from 'node:events';
import { after, afterEach, before, beforeEach } from 'node:test';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import qs from 'qs';
import { getBrowserBundle } from '../../packages/stripe-js/serve.js';
import { chromiumSkip } from '../support/tools.js';
import { launchChromium, type Chromium } from '../support/chromium.js';

/** How long any single wait in these tests may take before it counts as a failure. */
export const WAIT_MS = 5_000;

export interface RecordedRequest {
  method: string;
  path: string;
  /** Raw query string without the `?`. */
  rawQuery: string;
  query: Record<string, unknown>;
  rawBody: string;
  form: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export type StubAnswer = { status: number; json: unknown } | { status: number; text: string; contentType: string };
export type Responder = (req: RecordedRequest) => StubAnswer;

// The options the server will use (STACK.md §1), minus plainObjects so results compare with
// ordinary object literals in deepStrictEqual.
const QS = { depth: 20, strictDepth: true, arrayLimit: 1000, parameterLimit: 10000, throwOnLimitExceeded: true };

// Runs in the page: calls one library method and reports a synchronous throw separately from
// the promise outcome, which is also mirrored into window.__settled for the redirect tests.
const DRIVER = `
window.__settled = 'idle';
// A beacon outlives the page, so a promise settling just before navigation is still seen.
function report(how) { navigator.sendBeacon('/settled?how=' + how); }
window.__invoke = function (spec) {
  var promise;
  try {
    var stripe = window.Stripe(spec.key, spec.options);
    if (!spec.method) return { constructed: true, version: window.Stripe.version, registerWrapper: typeof stripe._registerWrapper };
    promise = stripe[spec.method].apply(stripe, spec.args);
  } catch (e) {
    return { thrown: { name: e && e.name, message: e && e.message } };
  }
  if (!promise || typeof promise.then !== 'function') return { notAPromise: true };
  window.__settled = 'pending';
  return promise.then(
    function (r) { window.__settled = 'resolved'; report('resolved'); return { result: r }; },
    function (e) { window.__settled = 'rejected'; report('rejected'); return { rejected: String(e) }; }
  );
};
window.__start = function (spec) { var r = window.__invoke(spec); return r && typeof r.then === 'function' ? 'started' : r; };
`;

export class Stub {
  readonly requests: RecordedRequest[] = [];
  respond: Responder = () => ({ status: 404, json: { error: { type: 'invalid_request_error', message: 'no stub answer' } } });
  private constructor(private readonly server: Server) {}

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<Stub> {
    const server = createServer();
    const stub = new Stub(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const rawQuery = url.search.replace(/^\?/, '');
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: url.pathname,
          rawQuery,
          query: qs.parse(rawQuery, QS),
          rawBody,
          form: qs.parse(rawBody, QS),
          headers: req.headers,
        };
        stub.requests.push(recorded);
        void stub.handle(recorded, res);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return stub;
  }

  private async handle(req: RecordedRequest, res: ServerResponse): Promise<void> {
    // Permissive CORS like the real API must send; a preflight would still be recorded.
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', '*');
      res.writeHead(204).end();
      return;
    }
    if (req.path === '/v3/') {
      send(res, 200, 'application/javascript', await getBrowserBundle());
    } else if (req.path === '/page') {
      // The script is loaded from another origin when asked, as a merchant page loads /v3/.
      const src = String(req.query.script ?? '/v3/');
      send(res, 200, 'text/html', `<!doctype html><title>checkout</title><script src="${src}"></script><script>${DRIVER}</script>`);
    } else if (req.path === '/inline-page') {
      // No script src at all: the library must fall back to the page origin.
      const bundle = await getBrowserBundle();
      send(res, 200, 'text/html', `<!doctype html><title>inline</title><script>${bundle}</script><script>${DRIVER}</script>`);
    } else if (req.path === '/settled') {
      res.writeHead(204).end();
    } else if (req.path.startsWith('/authorize/')) {
      send(res, 200, 'text/html', '<!doctype html><title>authorize</title><p id="authorize">authorize page</p>');
    } else {
      const answer = this.respond(req);
      if ('json' in answer) send(res, answer.status, 'application/json', JSON.stringify(answer.json));
      else send(res, answer.status, answer.contentType, answer.text);
    }
  }

  /** Requests to the API surface (everything but the page, script and authorize routes). */
  apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/v1/') || r.method === 'OPTIONS');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export type BrowserHandle = Chromium;

export function launchBrowser(): Promise<BrowserHandle> {
  return launchChromium({ profilePrefix: 'pw-stripe-js-', waitMs: WAIT_MS });
}

/** What every browser-library suite works with; `page` is fresh for each test. */
export interface LibraryPage {
  /** Serves the merchant page. */
  site: Stub;
  /** Stands in for the onfile API, on another origin. */
  api: Stub;
  browser: BrowserHandle;
  page: Page;
  /** The merchant page, which loads the library from `api`'s /v3/. */
  pageUrl: string;
}

/**
 * Registers the suite's hooks: two stubs and a browser for the file, and for each test a new page
 * on the merchant origin with the library loaded (after `beforeLoad`, e.g. setting `api.respond`).
 * Nothing starts when Chromium is missing (the suite is skipped).
 */
export function useLibraryPage(opts: { beforeLoad?: (env: LibraryPage) => void } = {}): LibraryPage {
  const env = {} as LibraryPage;
  before(async () => {
    if (chromiumSkip) return;
    [env.site, env.api] = await Promise.all([Stub.start(), Stub.start()]);
    env.browser = await launchBrowser();
  });
  after(async () => {
    if (chromiumSkip) return;
    await env.browser?.close();
    await Promise.all([env.site?.close(), env.api?.close()]);
  });
  beforeEach(async () => {
    if (chromiumSkip) return;
    env.site.requests.length = 0;
    env.api.requests.length = 0;
    opts.beforeLoad?.(env);
    env.page = await env.browser.context.newPage();
    env.pageUrl = `${env.site.origin}/page?script=${encodeURIComponent(`${env.api.origin}/v3/`)}`;
    await env.page.goto(env.pageUrl);
  });
  afterEach(async () => {
    if (chromiumSkip) return;
    await env.page.close();
  });
  return env;
}

/** Reject if `promise` takes longer than `ms` (page.evaluate itself has no timeout). */
export async function within<T>(promise: Promise<T>, ms = WAIT_MS, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CallSpec {
  key: unknown;
  options?: unknown;
  method?: string;
  args?: unknown[];
}

export type CallOutcome =
  | { result: Record<string, any> }
  | { thrown: { name: string; message: string } }
  | { rejected: string }
  | { notAPromise: true }
  | { constructed: true; version: string; registerWrapper: string };

// Evaluated as a string expression: a function of this file passed to the page would arrive as
// the loader compiled it, which is not guaranteed to be plain browser JavaScript.
export function invoke(page: Page, spec: CallSpec, ms = WAIT_MS): Promise<CallOutcome> {
  return within(page.evaluate(`window.__invoke(${JSON.stringify(spec)})`) as Promise<CallOutcome>, ms, `page call ${spec.method}`);
}

export function start(page: Page, spec: CallSpec): Promise<unknown> {
  return within(page.evaluate(`window.__start(${JSON.stringify(spec)})`), WAIT_MS, `page start ${spec.method}`);
}

/** Poll until `check` is true or fail after `ms`. */
export async function waitUntil(check: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { createServer, type IncomingHttpHeaders } from 'node:http';
import Stripe from 'stripe';

/**
 * What the official Node SDK puts on the wire, captured once from the SDK itself (pointed at a
 * throwaway listener on 127.0.0.1), so the load looks like real SDK traffic: its User-Agent and
 * X-Stripe-Client-User-Agent, `content-type: application/x-www-form-urlencoded` even on GETs, its
 * pinned Stripe-Version, and its body encoding. Per-request headers (the key, the Idempotency-Key the
 * SDK makes up for every POST) are set by the load generator.
 */
export interface SdkShape {
  getHeaders: Record<string, string>;
  postHeaders: Record<string, string>;
  /** The body `stripe.customers.create(CREATE_PARAMS)` sends. */
  createBody: string;
  /** The idempotency key the SDK generated, to show its format. */
  sampleIdempotencyKey: string;
}

export const CREATE_PARAMS: Stripe.CustomerCreateParams = {
  name: 'Jenny Rosen',
  email: 'jenny.rosen@example.com',
  description: 'onfile benchmark customer',
  metadata: { order_id: '6735' },
};

/** Set per request, or by the HTTP client itself. */
const PER_REQUEST = new Set(['host', 'connection', 'content-length', 'authorization', 'idempotency-key']);

export async function captureSdkShape(): Promise<SdkShape> {
  const seen: { method: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      res.setHeader('request-id', 'req_capture');
      res.end(JSON.stringify({ id: 'cus_capture', object: 'customer' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const stripe = new Stripe('sk_test_capture', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, timeout: 10_000 });
    await stripe.customers.create(CREATE_PARAMS);
    await stripe.customers.retrieve('cus_capture');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const post = seen.find((r) => r.method === 'POST');
  const get = seen.find((r) => r.method === 'GET');
  if (!post || !get) throw new Error('the SDK did not send the expected requests');
  return {
    getHeaders: keep(get.headers),
    postHeaders: keep(post.headers),
    createBody: post.body,
    sampleIdempotencyKey: String(post.headers['idempotency-key'] ?? ''),
  };
}

function keep(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || PER_REQUEST.has(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  n: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with the n-th request (1-based): answer a status, or hold the connection open. */
export type Behaviour = (r: Received) => number | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** connections currently held open by 'hang' */
  hanging: number;
  waitFor(pred: (all: Received[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  setBehaviour(b: Behaviour): void;
  /** answers every held connection with `status` */
  release(status?: number): void;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records every request verbatim. */
export async function startReceiver(behaviour: Behaviour = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const held: ServerResponse[] = [];
  let current = behaviour;
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { n: received.length + 1, path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const outcome = current(r);
      if (outcome === 'hang') held.push(res);
      else {
        res.writeHead(outcome, { 'content-type': 'text/plain' });
        res.end(outcome >= 200 && outcome < 300 ? 'ok' : `failing with ${outcome}`);
      }
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    port,
    received,
    get hanging() {
      return held.filter((r) => !r.writableEnded && !r.destroyed).length;
    },
    setBehaviour(b) {
      current = b;
    },
    async waitFor(pred, timeoutMs = 10_000, what = 'deliveries') {
      if (pred(received)) return;
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pred(received)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${received.length}: ${received.map((r) => JSON.parse(r.body).type).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    release(status = 200) {
      for (const res of held.splice(0)) {
        if (!res.writableEnded && !res.destroyed) {
          res.writeHead(status);
          res.end();
        }
      }
    },
    async close() {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `fn` until it returns a truthy value, for at most `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false | null>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

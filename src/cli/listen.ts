import type { Command } from 'commander';
import { signatureHeader } from '../webhooks/signature.js';
import { deliveryHeaders } from '../webhooks/payload.js';
import { undiciTransport } from '../webhooks/transport.js';
import { abortOnSignals, apiPost, CliError, cliAction, followEvents, resolveConnection, timestamp, type StreamedEvent } from './events-api.js';

interface ListenOptions {
  forwardTo?: string;
  events?: string;
  apiKey?: string;
  apiBase?: string;
  data?: string;
  name: string;
  printSecret?: boolean;
}

/**
 * `onfile listen`, after `stripe listen` (https://docs.stripe.com/stripe-cli/reference#listen): follows the
 * account's events as they happen and forwards each one to a local URL, signed with this listener's own
 * `whsec_` secret (stable across restarts), printing one line per event with the forward's HTTP status.
 */
export async function listenCommand(opts: ListenOptions): Promise<void> {
  const conn = resolveConnection(opts);
  const types = opts.events ? opts.events.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  let forward: URL | undefined;
  if (opts.forwardTo) {
    try {
      forward = new URL(/^https?:\/\//.test(opts.forwardTo) ? opts.forwardTo : `http://${opts.forwardTo}`);
    } catch {
      throw new CliError(`--forward-to: not a URL: ${opts.forwardTo}`);
    }
  }
  const listener = await apiPost<{ secret: string }>(conn, '/_onfile/cli/listeners', { name: opts.name });
  if (opts.printSecret) {
    process.stdout.write(`${listener.secret}\n`);
    return;
  }

  const transport = undiciTransport({ connectTimeoutMs: 10_000, timeoutMs: 30_000, concurrency: 4 });
  const controller = new AbortController();
  abortOnSignals(controller);
  const pending = new Set<Promise<void>>();

  const handle = (event: StreamedEvent) => {
    const at = timestamp(event.created * 1000);
    if (!forward) {
      process.stdout.write(`${at}   ${event.type} [${event.id}]\n`);
      return;
    }
    // Same body and headers as a webhook delivery, signed with the listener's secret at send time.
    const body = JSON.stringify(event, null, 2);
    const signature = signatureHeader(body, [listener.secret], Math.floor(Date.now() / 1000));
    const p = transport
      .send({ url: forward.href, body, headers: deliveryHeaders(signature) })
      .then((res) => {
        const outcome = res.status !== null ? `[${res.status}] POST ${forward!.href}` : `[ERROR] POST ${forward!.href} (${res.error})`;
        process.stdout.write(`${at}   ${event.type} [${event.id}]  ${outcome}\n`);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  let ready = false;
  await followEvents(conn, {
    types,
    signal: controller.signal,
    onEvent: handle,
    // Like `stripe listen`, "Ready!" means connected: every event from now on is forwarded.
    onConnected: () => {
      if (ready) return;
      ready = true;
      process.stdout.write(`Ready! Your webhook signing secret is ${listener.secret} (^C to quit)\n`);
      if (forward) process.stdout.write(`Forwarding events to ${forward.href}\n`);
    },
    onError: (msg) => process.stderr.write(`${msg}\n`),
  });
  await Promise.allSettled([...pending]);
  await transport.close();
}

export function registerListen(program: Command): void {
  program
    .command('listen')
    .description('forward this account\'s events to a local URL as they happen, signed like webhooks (like `stripe listen`)')
    .option('-f, --forward-to <url>', 'URL to POST each event to, e.g. http://127.0.0.1:4242/webhook')
    .option('-e, --events <types>', 'comma-separated event types to forward (default: all; `payment_intent.*` works)')
    .option('--api-key <key>', 'secret key (default: ONFILE_SECRET_KEY, then the key file `onfile start` wrote)')
    .option('--api-base <url>', 'onfile to connect to (ONFILE_API_BASE, default http://127.0.0.1:12111)')
    .option('--data <dir>', 'data directory holding default-keys.json (ONFILE_DATA, default ./.onfile)')
    .option('--name <name>', 'listener name; each name has its own stable signing secret', 'default')
    .option('--print-secret', 'print the signing secret and exit')
    .action(cliAction(listenCommand));
}

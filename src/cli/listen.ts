import type { Command } from 'commander';
import { signatureHeader } from '../webhooks/signature.js';
import { deliveryHeaders } from '../webhooks/payload.js';
import { undiciTransport } from '../webhooks/transport.js';
import { abortOnSignals, apiPost, CliError, cliAction, createdMs, followEvents, resolveConnection, timestamp, type StreamedEvent } from './events-api.js';
import { thinDeliveryBody, type V2Event } from '../domain/events/v2-event.js';

interface ListenOptions {
  forwardTo?: string;
  events?: string;
  forwardThinTo?: string;
  thinEvents?: string;
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
  const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
  const types = list(opts.events);
  // v2 (thin) events only when asked for, as `stripe listen --forward-thin-to` / `--thin-events`.
  const thinTypes = list(opts.thinEvents) ?? (opts.forwardThinTo ? ['*'] : undefined);
  const forward = forwardUrl('--forward-to', opts.forwardTo);
  const forwardThin = forwardUrl('--forward-thin-to', opts.forwardThinTo);
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
    const at = timestamp(createdMs(event));
    const thin = event.object === 'v2.core.event';
    const to = thin ? forwardThin : forward;
    if (!to) {
      process.stdout.write(`${at}   ${event.type} [${event.id}]\n`);
      return;
    }
    // Same body and headers as a webhook delivery (a v2 event's thin notification), signed with the
    // listener's secret at send time.
    const body = thin ? thinDeliveryBody(event as unknown as V2Event) : JSON.stringify(event, null, 2);
    const signature = signatureHeader(body, [listener.secret], Math.floor(Date.now() / 1000));
    const p = transport
      .send({ url: to.href, body, headers: deliveryHeaders(signature) })
      .then((res) => {
        const outcome = res.status !== null ? `[${res.status}] POST ${to.href}` : `[ERROR] POST ${to.href} (${res.error})`;
        process.stdout.write(`${at}   ${event.type} [${event.id}]  ${outcome}\n`);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  let ready = false;
  await followEvents(conn, {
    types,
    thinTypes,
    signal: controller.signal,
    onEvent: handle,
    // Like `stripe listen`, "Ready!" means connected: every event from now on is forwarded.
    onConnected: () => {
      if (ready) return;
      ready = true;
      process.stdout.write(`Ready! Your webhook signing secret is ${listener.secret} (^C to quit)\n`);
      if (forward) process.stdout.write(`Forwarding events to ${forward.href}\n`);
      if (forwardThin) process.stdout.write(`Forwarding thin events to ${forwardThin.href}\n`);
    },
    onError: (msg) => process.stderr.write(`${msg}\n`),
  });
  await Promise.allSettled([...pending]);
  await transport.close();
}

function forwardUrl(flag: string, value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(/^https?:\/\//.test(value) ? value : `http://${value}`);
  } catch {
    throw new CliError(`${flag}: not a URL: ${value}`);
  }
}

export function registerListen(program: Command): void {
  program
    .command('listen')
    .description('forward this account\'s events to a local URL as they happen, signed like webhooks (like `stripe listen`)')
    .option('-f, --forward-to <url>', 'URL to POST each event to, e.g. http://127.0.0.1:4242/webhook')
    .option('-e, --events <types>', 'comma-separated event types to forward (default: all; `payment_intent.*` works)')
    .option('--forward-thin-to <url>', 'URL to POST each v2 thin event notification to (Accounts v2 events)')
    .option('--thin-events <types>', 'comma-separated v2 event types to follow (default with --forward-thin-to: all)')
    .option('--api-key <key>', 'secret key (default: ONFILE_SECRET_KEY, then the key file `onfile start` wrote)')
    .option('--api-base <url>', 'onfile to connect to (ONFILE_API_BASE, default http://127.0.0.1:12111)')
    .option('--data <dir>', 'data directory holding default-keys.json (ONFILE_DATA, default ./.onfile)')
    .option('--name <name>', 'listener name; each name has its own stable signing secret', 'default')
    .option('--print-secret', 'print the signing secret and exit')
    .action(cliAction(listenCommand));
}

import type { Command } from 'commander';
import type Stripe from 'stripe';
import { abortOnSignals, apiGet, cliAction, createdMs, followEvents, resolveConnection, timestamp, type StreamedEvent } from './events-api.js';

interface EventsOptions {
  type?: string;
  limit: string;
  follow?: boolean;
  json?: boolean;
  apiKey?: string;
  apiBase?: string;
  data?: string;
}

function line(e: Pick<Stripe.Event, 'id' | 'type' | 'created'> & { request?: Stripe.Event['request'] }): string {
  const req = e.request?.id ? `  ${e.request.id}` : '';
  return `${timestamp(createdMs(e))}   ${e.type.padEnd(36)} ${e.id}${req}\n`;
}

/** `onfile events`: the newest events (oldest of them first), then with --follow every new one as it happens. */
export async function eventsCommand(opts: EventsOptions): Promise<void> {
  const conn = resolveConnection(opts);
  const limit = Math.min(100, Math.max(1, Number(opts.limit) || 10));
  const page = await apiGet<{ data: Stripe.Event[] }>(conn, '/v1/events', { limit, type: opts.type });
  const recent = [...page.data].reverse();
  const print = (e: StreamedEvent | Stripe.Event, raw?: string) => process.stdout.write(opts.json ? `${raw ?? JSON.stringify(e)}\n` : line(e as Stripe.Event));
  for (const e of recent) print(e);
  if (!opts.follow) return;
  const controller = new AbortController();
  abortOnSignals(controller);
  await followEvents(conn, {
    types: opts.type ? [opts.type] : undefined,
    after: page.data[0]?.id,
    signal: controller.signal,
    onEvent: (e, raw) => print(e, raw),
    onError: (msg) => process.stderr.write(`${msg}\n`),
  });
}

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('show recent events of the account; --follow keeps printing new ones')
    .option('-t, --type <type>', 'only this type (`*` wildcards work: payment_intent.*)')
    .option('-l, --limit <n>', 'how many recent events to show first (1-100)', '10')
    .option('-f, --follow', 'keep running and print events as they happen')
    .option('--json', 'print each event as JSON')
    .option('--api-key <key>', 'secret key (default: ONFILE_SECRET_KEY, then the key file `onfile start` wrote)')
    .option('--api-base <url>', 'onfile to connect to (ONFILE_API_BASE, default http://127.0.0.1:12111)')
    .option('--data <dir>', 'data directory holding default-keys.json (ONFILE_DATA, default ./.onfile)')
    .action(cliAction(eventsCommand));
}

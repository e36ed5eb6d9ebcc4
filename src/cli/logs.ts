import type { Command } from 'commander';
import { abortOnSignals, apiGet, cliAction, resolveConnection, timestamp } from './events-api.js';

interface LogsOptions {
  limit: string;
  follow?: boolean;
  json?: boolean;
  apiKey?: string;
  apiBase?: string;
  data?: string;
}

interface RequestEntry {
  id: string;
  seq: number;
  created_ms: number;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  idempotency_key: string | null;
}

const FOLLOW_POLL_MS = 500;

function line(r: RequestEntry): string {
  const idem = r.idempotency_key ? `  idempotency-key=${r.idempotency_key}` : '';
  return `${timestamp(r.created_ms)}   [${r.status}] ${r.method.padEnd(6)} ${r.path}  ${r.id}  ${r.duration_ms}ms${idem}\n`;
}

/** `onfile logs`: the account's recent API requests (from `GET /_onfile/requests`), then with --follow new ones. */
export async function logsCommand(opts: LogsOptions): Promise<void> {
  const conn = resolveConnection(opts);
  const limit = Math.min(100, Math.max(1, Number(opts.limit) || 20));
  const print = (r: RequestEntry) => process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : line(r));
  const first = await apiGet<{ data: RequestEntry[] }>(conn, '/_onfile/requests', { limit });
  let last = first.data[0]?.seq ?? 0;
  for (const r of [...first.data].reverse()) print(r);
  if (!opts.follow) return;
  const controller = new AbortController();
  abortOnSignals(controller);
  while (!controller.signal.aborted) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, FOLLOW_POLL_MS);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    if (controller.signal.aborted) break;
    try {
      const page = await apiGet<{ data: RequestEntry[] }>(conn, '/_onfile/requests', { limit: 100, after: last });
      for (const r of page.data) {
        print(r);
        last = r.seq;
      }
    } catch (err) {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("show the account's recent API requests; --follow keeps printing new ones")
    .option('-l, --limit <n>', 'how many recent requests to show first (1-100)', '20')
    .option('-f, --follow', 'keep running and print requests as they are made')
    .option('--json', 'print each request as JSON')
    .option('--api-key <key>', 'secret key (default: ONFILE_SECRET_KEY, then the key file `onfile start` wrote)')
    .option('--api-base <url>', 'onfile to connect to (ONFILE_API_BASE, default http://127.0.0.1:12111)')
    .option('--data <dir>', 'data directory holding default-keys.json (ONFILE_DATA, default ./.onfile)')
    .action(cliAction(logsCommand));
}

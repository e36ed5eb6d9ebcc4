import type { Config } from '../config/config.js';
import { startServer } from '../server.js';
import { onOutboxWrite } from '../webhooks/wake.js';
import { CONFIG_ENV, isMessage, type ToPrimary, type ToWorker } from './messages.js';

/**
 * One HTTP worker of `onfile start --workers N` (started by cluster/primary.ts through
 * bin/onfile-worker.js). It serves the API on the port the primary shares out; background work and
 * SQLite checkpoints stay with the primary.
 */
const send = (m: ToPrimary) => process.send?.(m);
const config = JSON.parse(process.env[CONFIG_ENV] ?? 'null') as Config | null;
if (!config || !process.send) throw new Error('cluster/worker-main.ts runs only as a worker of onfile start');

let server: Awaited<ReturnType<typeof startServer>> | undefined;
let closing: Promise<void> | undefined;
const stop = () => {
  // Stops accepting, answers the requests in flight, closes the database, then leaves.
  closing ??= (server ? server.close() : Promise.resolve()).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
// A terminal's Ctrl-C reaches every process of the group: each worker finishes on its own. Set
// first, so that a signal during start-up is not Node's default (an exit that closes nothing).
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  server = await startServer(config, { clusterWorker: true });
} catch (err) {
  const code = (err as { code?: unknown }).code;
  const failed: ToPrimary = { onfile: 'failed', code: typeof code === 'string' ? code : undefined, message: (err as Error).message };
  // Leaves once the message is on its way (an exit right away could drop it).
  await new Promise<void>((resolve) => process.send!(failed, () => resolve()));
  process.exit(1);
}

// The dispatcher lives in the primary; tell it once per event-loop turn that deliveries were queued.
let nudged = false;
onOutboxWrite(() => {
  if (nudged) return;
  nudged = true;
  setImmediate(() => {
    nudged = false;
    send({ onfile: 'outbox' });
  });
});

process.on('message', (m: unknown) => {
  if (!isMessage<ToWorker>(m)) return;
  if (m.onfile === 'cpu') {
    const u = process.cpuUsage();
    send({ onfile: 'cpu', id: m.id, micros: u.user + u.system });
  } else if (m.onfile === 'stop') stop();
});

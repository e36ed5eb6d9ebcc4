/**
 * What a cluster's primary and its HTTP workers say to each other over Node's IPC channel. Every
 * message carries `onfile`, so nothing else that uses the channel is mistaken for one.
 */
export type ToWorker = { onfile: 'cpu'; id: number } | { onfile: 'stop' };

export type ToPrimary =
  /** A transaction queued webhook deliveries: deliver now rather than at the dispatcher's next poll. */
  | { onfile: 'outbox' }
  | { onfile: 'cpu'; id: number; micros: number }
  /** The worker could not start (e.g. EADDRINUSE); it exits next. */
  | { onfile: 'failed'; code?: string; message: string };

export function isMessage<T extends { onfile: string }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { onfile?: unknown }).onfile === 'string';
}

/** The worker's environment variable that carries the server's settings (JSON of Config). */
export const CONFIG_ENV = 'ONFILE_CLUSTER_CONFIG';

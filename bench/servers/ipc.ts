import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/typescript.js: how onfile runs its sources (as bin/onfile.js does). */
const TYPESCRIPT_LOADER = fileURLToPath(new URL('../../bin/typescript.js', import.meta.url));

/**
 * The servers under load run in their own processes, so the load generator and the server do not
 * share one event loop (they still share the machine's cores, as the targets assume).
 * Parent and child talk over Node's IPC channel: one `ready` message, then request/response calls.
 */
interface CallMessage {
  id: number;
  cmd: string;
  args: unknown;
}

type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

type Handlers = Record<string, (args: any) => Promise<unknown>>;

/** Child side: answers the parent's calls; exits when the parent goes away. */
export function serveCalls(handlers: Handlers, ready: unknown): void {
  if (!process.send) throw new Error('bench servers are started by bench/run.ts (they need an IPC channel)');
  process.on('message', async (m: CallMessage) => {
    const handler = handlers[m.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${m.cmd}`);
      const result = await handler(m.args);
      // `close` is the last call: the process leaves once its answer is on the wire.
      process.send!({ id: m.id, ok: true, result } satisfies ReplyMessage, () => {
        if (m.cmd === 'close') process.exit(0);
      });
    } catch (err) {
      process.send!({ id: m.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies ReplyMessage);
    }
  });
  // A parent that crashed must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  process.send({ ready });
}

/** CPU time (user + system) this process has used, in microseconds. */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export interface ChildServer<R> {
  ready: R;
  pid: number;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to close (bounded), then makes sure it is gone. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 60_000;

/** Parent side: starts `file` with onfile's TypeScript loader and waits (bounded) for its ready message. */
export async function startChild<R>(file: string, env: NodeJS.ProcessEnv): Promise<ChildServer<R>> {
  const child: ChildProcess = fork(file, [], {
    execArgv: ['--import', TYPESCRIPT_LOADER],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  const failAll = (why: string) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
    }
    pending.clear();
  };

  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not start within ${START_TIMEOUT_MS / 1000}s`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it was ready`));
    });
    child.once('message', (m: { ready?: R }) => {
      clearTimeout(timer);
      resolve(m.ready as R);
    });
  });

  child.on('message', (m: ReplyMessage) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(m.error));
  });
  child.on('exit', (code) => failAll(`${file} exited with ${code}`));

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  return {
    ready,
    pid: child.pid!,
    call<T>(cmd: string, args?: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${cmd} took longer than ${timeoutMs / 1000}s`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ id, cmd, args } satisfies CallMessage);
      });
    },
    async stop() {
      if (child.exitCode === null && child.connected) {
        await Promise.race([
          new Promise<void>((resolve) => {
            const id = nextId++;
            const timer = setTimeout(resolve, 15_000);
            pending.set(id, { resolve: () => resolve(), reject: () => resolve(), timer });
            child.send({ id, cmd: 'close', args: null } satisfies CallMessage);
          }).then(() => exited),
          new Promise<void>((resolve) => setTimeout(resolve, 20_000)),
        ]);
      }
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

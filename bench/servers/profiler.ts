import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CPU profiles of the server for exactly one measured run (BENCH_PROFILE=DIR), so a profile shows
 * one operation's hot path and nothing of start-up, set-up or the idle time while the bare server
 * is measured. Open the files in Chrome DevTools (Performance → Load profile).
 */
let session: Session | undefined;

const post = (method: string, params?: object) =>
  new Promise<any>((resolve, reject) => session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));

export async function profileStart(): Promise<null> {
  if (!session) {
    session = new Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
  }
  await post('Profiler.start');
  return null;
}

export async function profileStop(args: { dir: string; name: string }): Promise<string> {
  const { profile } = await post('Profiler.stop');
  mkdirSync(args.dir, { recursive: true });
  const file = join(args.dir, `${args.name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

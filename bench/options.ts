import { parseArgs } from 'node:util';
import { defaultWorkerCount } from '../src/config/config.js';

export type EngineName = 'sqlite' | 'postgres';

export interface BenchOptions {
  /** Seconds each measured phase runs against one server. */
  seconds: number;
  /** Unmeasured seconds per phase and server before round 1 (JIT, caches, connection pools). */
  warmupSeconds: number;
  /** Rounds of every phase; the issue asks for at least 2. */
  rounds: number;
  connections: number;
  /** Customers loaded before the "list at scale" rounds. */
  seedCount: number;
  /** Upper bound on the time the 100k load may take; a slower load is reported, not waited for. */
  seedTimeoutSeconds: number;
  engines: EngineName[];
  /** Only phases whose name is listed (all when empty). */
  phases: string[];
  databaseUrl?: string;
  /** Write a CPU profile of onfile for each measured run into this directory. */
  profileDir?: string;
  /** onfile's HTTP worker processes; by default what `npm start` runs on this machine. */
  workers: number;
}

const HELP = `npm run bench -- [options]     (each option also reads BENCH_<NAME> from the environment)
  --seconds N         seconds per measured phase (BENCH_SECONDS, default 10)
  --warmup N          warm-up seconds per phase before round 1 (BENCH_WARMUP, default 2)
  --rounds N          rounds (BENCH_ROUNDS, default 2)
  --connections N     autocannon connections (BENCH_CONNECTIONS, default 32)
  --seed N            customers loaded for the list-at-scale check (BENCH_SEED, default 100000)
  --seed-timeout N    seconds the load may take at most (BENCH_SEED_TIMEOUT, default 600)
  --engines a,b       sqlite,postgres (BENCH_ENGINES; postgres only when DATABASE_URL is set)
  --phases a,b        run only these phases (BENCH_PHASES)
  --profile DIR       CPU profile of onfile per measured run, into DIR (BENCH_PROFILE; needs --workers 1)
  --workers N         onfile's HTTP worker processes (BENCH_WORKERS, default 1 as npm start)`;

/** Flags first, then BENCH_* environment variables, then the defaults. */
export function loadOptions(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      seed: { type: 'string' },
      'seed-timeout': { type: 'string' },
      engines: { type: 'string' },
      phases: { type: 'string' },
      profile: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    process.exit(0);
  }
  const num = (flag: string | undefined, name: string, dflt: number, min: number): number => {
    const raw = flag ?? env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got ${raw}`);
    return n;
  };
  const list = (flag: string | undefined, name: string): string[] =>
    (flag ?? env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);

  const databaseUrl = env.DATABASE_URL || undefined;
  const available: EngineName[] = databaseUrl ? ['sqlite', 'postgres'] : ['sqlite'];
  const wanted = list(values.engines, 'BENCH_ENGINES');
  for (const e of wanted) if (e !== 'sqlite' && e !== 'postgres') throw new Error(`unknown engine ${e}`);
  if (wanted.includes('postgres') && !databaseUrl) throw new Error('the postgres engine needs DATABASE_URL');
  const profileDir = values.profile ?? (env.BENCH_PROFILE || undefined);
  return {
    seconds: num(values.seconds, 'BENCH_SECONDS', 10, 1),
    warmupSeconds: num(values.warmup, 'BENCH_WARMUP', 2, 0),
    rounds: Math.floor(num(values.rounds, 'BENCH_ROUNDS', 2, 1)),
    connections: Math.floor(num(values.connections, 'BENCH_CONNECTIONS', 32, 1)),
    seedCount: Math.floor(num(values.seed, 'BENCH_SEED', 100_000, 0)),
    seedTimeoutSeconds: num(values['seed-timeout'], 'BENCH_SEED_TIMEOUT', 600, 1),
    engines: wanted.length ? (wanted as EngineName[]) : available,
    phases: list(values.phases, 'BENCH_PHASES'),
    databaseUrl,
    profileDir,
    // A CPU profile is of one process.
    workers: Math.floor(num(values.workers, 'BENCH_WORKERS', profileDir ? 1 : defaultWorkerCount(), 1)),
  };
}

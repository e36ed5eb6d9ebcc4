import { fileURLToPath } from 'node:url';
import { loadOptions, type BenchOptions, type EngineName } from './options.js';
import { captureSdkShape, type SdkShape } from './sdk-shape.js';
import { startChild } from './servers/ipc.js';
import { startOnfile } from './onfile-target.js';
import { measure, type LoadTarget, type Measurement } from './measure.js';
import type { Phase, PhaseEnv } from './phase.js';
import { roundPhases, SMALL_LIST_PHASE } from './phases/index.js';
import { listAtScalePhase } from './phases/list-at-scale.js';
import type { EngineResult, PhaseResult } from './results.js';
import { engineLabel, progressLine, renderEngine, targetLines } from './report.js';
import { machineLine } from './machine.js';

/**
 * `npm run bench`: onfile (SQLite; PostgreSQL too when DATABASE_URL is set) against a bare Fastify
 * server, alternating, with autocannon on 127.0.0.1. Reports; never fails the build.
 */
const BARE_FILE = fileURLToPath(new URL('./servers/bare-server.ts', import.meta.url));
const log = (s = '') => process.stdout.write(s + '\n');

async function main(): Promise<void> {
  const options = loadOptions();
  log(`onfile benchmark — ${machineLine()}`);
  log(`${options.rounds} round(s) × ${options.seconds} s per phase and server, ${options.connections} connections, warm-up ${options.warmupSeconds} s; engines: ${options.engines.join(', ')}; onfile ${options.workers > 1 ? `with ${options.workers} HTTP worker processes (onfile start --workers ${options.workers})` : 'in one process'}`);
  if (options.rounds < 2) log('note: fewer than the 2 rounds the issue asks for (a quick run)');
  const sdk = await captureSdkShape();
  log(`requests are shaped like stripe-node's (${sdk.postHeaders['user-agent']}; Stripe-Version ${sdk.postHeaders['stripe-version']}; Idempotency-Key like ${sdk.sampleIdempotencyKey})`);

  const bareChild = await startChild<{ url: string }>(BARE_FILE, process.env);
  const bare: LoadTarget = { label: 'bare', url: bareChild.ready.url, cpu: () => bareChild.call<number>('cpu') };
  const results: EngineResult[] = [];
  try {
    for (const engine of options.engines) results.push(await benchEngine(engine, options, sdk, bare));
  } finally {
    await bareChild.stop();
  }

  log('\n================ results ================');
  log(machineLine());
  for (const r of results) log('\n' + renderEngine(r));
  log('\nTargets (the bench reports; it does not fail the build):');
  for (const r of results) for (const t of targetLines(r)) log(`  [${t.pass ? 'PASS' : 'FAIL'}] ${t.text}`);
}

async function benchEngine(engine: EngineName, options: BenchOptions, sdk: SdkShape, bare: LoadTarget): Promise<EngineResult> {
  log(`\n== ${engineLabel(engine)} ==`);
  const onfile = await startOnfile(engine, sdk, options.databaseUrl, options.workers);
  try {
    const target: LoadTarget = { label: 'onfile', url: onfile.url, cpu: () => onfile.cpu() };
    const env: PhaseEnv = { onfile, sdk, options };
    const phases = roundPhases().filter((p) => options.phases.length === 0 || options.phases.includes(p.name));
    for (const p of phases) await p.setup(env);
    const run = (t: LoadTarget, p: Phase, seconds: number, record: boolean) =>
      measure(t, p, { seconds, connections: options.connections, defaultKey: onfile.sk, sdk, record });

    if (options.warmupSeconds > 0) {
      log(`  warm-up (${options.warmupSeconds} s per phase and server)`);
      for (const p of phases) for (const t of [bare, target]) await run(t, p, options.warmupSeconds, false);
    }

    const phaseResults: PhaseResult[] = phases.map((p) => ({ name: p.name, kind: p.kind, rounds: [] }));
    for (let round = 1; round <= options.rounds; round++) {
      log(`  round ${round}/${options.rounds}`);
      for (const [i, p] of phases.entries()) {
        // Alternate which server goes first, so neither always meets a warmer or cooler machine.
        const order = round % 2 === 1 ? [bare, target] : [target, bare];
        const m: Partial<Record<'bare' | 'onfile', Measurement>> = {};
        for (const t of order) {
          if (t === target) await p.beforeRun?.(env);
          const profiling = t === target && options.profileDir;
          if (profiling) await onfile.child.call('profileStart');
          m[t.label] = await run(t, p, options.seconds, t === target);
          if (profiling) await onfile.child.call('profileStop', { dir: options.profileDir, name: `${engine}-${p.name}-round${round}` });
          log(progressLine(`${p.name} / ${t.label}`, m[t.label]!));
        }
        const checks = (await p.verify?.(env, m.onfile!)) ?? [];
        for (const c of checks) if (!c.pass) log(`    FAIL ${c.name}: ${c.detail}`);
        phaseResults[i].rounds.push({ onfile: m.onfile!, bare: m.bare!, checks });
      }
    }

    const small = phases.find((p) => p.name === SMALL_LIST_PHASE);
    const result: EngineResult = { engine, phases: phaseResults };
    if (small && options.seedCount > 0) result.scale = await benchScale(env, small, target, options, run);
    return result;
  } finally {
    await onfile.stop();
  }
}

/** Loads the big store, then measures the small-store and big-store lists back to back each round. */
async function benchScale(
  env: PhaseEnv,
  small: Phase,
  target: LoadTarget,
  options: BenchOptions,
  run: (t: LoadTarget, p: Phase, seconds: number, record: boolean) => Promise<Measurement>,
): Promise<NonNullable<EngineResult['scale']>> {
  const large = listAtScalePhase(options.seedCount);
  log(`  loading ${options.seedCount.toLocaleString('en-US')} customers (bounded to ${options.seedTimeoutSeconds} s)`);
  await large.setup(env);
  for (const c of large.loadChecks()) log(`    ${c.pass ? 'ok' : 'FAIL'} ${c.name}: ${c.detail}`);
  if (options.warmupSeconds > 0) await run(target, large, options.warmupSeconds, false);
  const rounds: { small: Measurement; large: Measurement }[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    log(`  list at scale, round ${round}/${options.rounds}`);
    const order = round % 2 === 1 ? [small, large] : [large, small];
    const m = new Map<Phase, Measurement>();
    for (const p of order) {
      m.set(p, await run(target, p, options.seconds, false));
      log(progressLine(`${p.name} / onfile`, m.get(p)!));
    }
    rounds.push({ small: m.get(small)!, large: m.get(large)! });
  }
  return { name: large.name, count: options.seedCount, loadChecks: large.loadChecks(), rounds };
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

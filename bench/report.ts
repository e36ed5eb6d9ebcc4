import type { Measurement } from './measure.js';
import { max, median } from './stats.js';
import { TARGETS, type EngineResult, type PhaseResult } from './results.js';

const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fixed = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function engineLabel(engine: string): string {
  return engine === 'postgres' ? 'PostgreSQL' : 'SQLite';
}

/** One line per measurement while the bench runs. */
export function progressLine(what: string, m: Measurement): string {
  const bad = m.non2xx || m.errors || m.timeouts ? `  non-2xx ${m.non2xx} errors ${m.errors} timeouts ${m.timeouts} ${JSON.stringify(m.statusCodes)}` : '';
  return `    ${what.padEnd(44)} ${int(m.rps).padStart(7)} req/s  p50 ${fixed(m.p50, 1).padStart(5)} ms  p99 ${fixed(m.p99, 1).padStart(5)} ms  cpu ${int(m.cpuUsPerRequest).padStart(5)} µs/req${bad}`;
}

interface Figures {
  rps: number;
  rpsRatio: number;
  p50: number;
  p50Ratio: number;
  p99: number;
  p99Worst: number;
  p99Ratio: number;
  bareRps: number;
  cpu: number;
  bareCpu: number;
  non2xx: number;
}

/**
 * autocannon gives latencies in whole milliseconds, so the bare server's p50 is often 0 ("under a
 * millisecond"): no ratio can be taken against that round, and it is left out ('-' when none is left).
 */
const latencyRatios = (pairs: [number, number][]) => pairs.filter(([, bare]) => bare > 0).map(([onfile, bare]) => onfile / bare);

/** Medians over rounds; every ratio is taken within its own round first (same machine conditions). */
export function figures(p: PhaseResult): Figures {
  const r = p.rounds;
  return {
    rps: median(r.map((x) => x.onfile.rps)),
    rpsRatio: median(r.map((x) => x.onfile.rps / x.bare.rps)),
    p50: median(r.map((x) => x.onfile.p50)),
    p50Ratio: median(latencyRatios(r.map((x) => [x.onfile.p50, x.bare.p50]))),
    p99: median(r.map((x) => x.onfile.p99)),
    p99Worst: max(r.map((x) => x.onfile.p99)),
    p99Ratio: median(latencyRatios(r.map((x) => [x.onfile.p99, x.bare.p99]))),
    bareRps: median(r.map((x) => x.bare.rps)),
    cpu: median(r.map((x) => x.onfile.cpuUsPerRequest)),
    bareCpu: median(r.map((x) => x.bare.cpuUsPerRequest)),
    non2xx: r.reduce((n, x) => n + x.onfile.non2xx + x.onfile.errors + x.onfile.timeouts, 0),
  };
}

export function scaleRatio(e: EngineResult): number {
  return e.scale ? median(e.scale.rounds.map((x) => x.large.rps / x.small.rps)) : NaN;
}

export function renderEngine(e: EngineResult): string {
  const out: string[] = [`onfile on ${engineLabel(e.engine)}: medians over ${e.phases[0]?.rounds.length ?? 0} rounds; "×bare" = median of the per-round ratio onfile/bare`];
  const rows = [['phase', 'req/s', '×bare', 'target', 'p50 ms', '×bare', 'p99 ms', '×bare', 'p99<20', 'bare req/s', 'CPU µs/req (bare)', 'non-2xx']];
  for (const p of e.phases) {
    const f = figures(p);
    const target = p.kind === 'read' ? TARGETS.readRatio : TARGETS.writeRatio;
    rows.push([
      p.name,
      int(f.rps),
      fixed(f.rpsRatio),
      `≥${target} ${mark(f.rpsRatio >= target)}`,
      fixed(f.p50, 1),
      fixed(f.p50Ratio, 1),
      fixed(f.p99, 1),
      fixed(f.p99Ratio, 1),
      mark(f.p99 < TARGETS.p99Ms),
      int(f.bareRps),
      `${int(f.cpu)} (${int(f.bareCpu)})`,
      String(f.non2xx),
    ]);
  }
  out.push(table(rows));
  if (e.scale) {
    const s = e.scale;
    const ratio = scaleRatio(e);
    out.push(
      '',
      table([
        ['list at scale', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req'],
        ['small store (20 customers)', int(median(s.rounds.map((x) => x.small.rps))), fixed(median(s.rounds.map((x) => x.small.p50)), 1), fixed(median(s.rounds.map((x) => x.small.p99)), 1), int(median(s.rounds.map((x) => x.small.cpuUsPerRequest)))],
        [s.name, int(median(s.rounds.map((x) => x.large.rps))), fixed(median(s.rounds.map((x) => x.large.p50)), 1), fixed(median(s.rounds.map((x) => x.large.p99)), 1), int(median(s.rounds.map((x) => x.large.cpuUsPerRequest)))],
      ]),
      `  ratio at ${s.count.toLocaleString('en-US')} / small store (median of per-round ratios): ${fixed(ratio)}  target ≥${TARGETS.scaleRatio} ${mark(ratio >= TARGETS.scaleRatio)}`,
    );
  }
  return out.join('\n');
}

export interface TargetLine {
  pass: boolean;
  text: string;
}

/** Every target and check of one engine, PASS/FAIL. */
export function targetLines(e: EngineResult): TargetLine[] {
  const lines: TargetLine[] = [];
  const label = engineLabel(e.engine).padEnd(10);
  for (const p of e.phases) {
    const f = figures(p);
    const target = p.kind === 'read' ? TARGETS.readRatio : TARGETS.writeRatio;
    lines.push({ pass: f.rpsRatio >= target, text: `${label} ${p.name}: rate ${fixed(f.rpsRatio)} of bare (target ≥ ${target})` });
    lines.push({ pass: f.p99 < TARGETS.p99Ms, text: `${label} ${p.name}: p99 ${fixed(f.p99, 1)} ms, worst round ${fixed(f.p99Worst, 1)} ms (target < ${TARGETS.p99Ms} ms)` });
    lines.push({ pass: f.non2xx === 0, text: `${label} ${p.name}: ${f.non2xx} non-2xx/errors/timeouts from onfile (target 0)` });
    const seen = new Set<string>();
    for (const [i, r] of p.rounds.entries()) {
      for (const c of r.checks) {
        const key = `${c.name}:${c.pass}`;
        if (c.pass && seen.has(key)) continue;
        seen.add(key);
        lines.push({ pass: c.pass, text: `${label} ${p.name}: ${c.name} (round ${i + 1}: ${c.detail})` });
      }
    }
  }
  if (e.scale) {
    for (const c of e.scale.loadChecks) lines.push({ pass: c.pass, text: `${label} ${c.name}: ${c.detail}` });
    const ratio = scaleRatio(e);
    lines.push({ pass: ratio >= TARGETS.scaleRatio, text: `${label} ${e.scale.name}: ${fixed(ratio)} of the small-store list rate (target ≥ ${TARGETS.scaleRatio})` });
  }
  return lines;
}

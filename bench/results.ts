import type { Check } from './phase.js';
import type { Measurement } from './measure.js';
import type { EngineName } from './options.js';

/** One round of one phase: onfile and the bare server, measured back to back. */
export interface PhaseRound {
  onfile: Measurement;
  bare: Measurement;
  checks: Check[];
}

export interface PhaseResult {
  name: string;
  kind: 'read' | 'write';
  rounds: PhaseRound[];
}

/** The list-at-scale stage: the small-store list and the loaded-store list, alternating. */
export interface ScaleResult {
  name: string;
  count: number;
  loadChecks: Check[];
  rounds: { small: Measurement; large: Measurement }[];
}

export interface EngineResult {
  engine: EngineName;
  phases: PhaseResult[];
  scale?: ScaleResult;
}

/** The targets (2-core machine, load generator on the same cores). */
export const TARGETS = {
  readRatio: 0.5,
  writeRatio: 0.3,
  p99Ms: 20,
  scaleRatio: 0.8,
} as const;

import type { BenchOptions } from './options.js';
import type { SdkShape } from './sdk-shape.js';
import type { OnfileTarget } from './onfile-target.js';
import type { Measurement } from './measure.js';

/**
 * One benchmarked operation. The runner calls `setup` once on onfile, then sends `request()` from
 * every load connection, alternating between onfile and the bare server in each round. Adding an
 * operation is a new Phase in bench/phases/ and one line in bench/phases/index.ts (bench/README.md).
 */
export interface Phase {
  name: string;
  /** Selects the target: reads must reach 0.5 of the bare server's rate, writes 0.3. */
  kind: 'read' | 'write';
  /** Runs once against onfile before the phase is first measured (create what request() needs). */
  setup(env: PhaseEnv): Promise<void>;
  /** The next request; called for every request sent, to onfile and to the bare server alike. */
  request(): BenchRequest;
  /** Sees every onfile response of a measured run (e.g. to collect the ids a create returned). */
  onResponse?(status: number, body: string): void;
  /** Just before each measured run on onfile. */
  beforeRun?(env: PhaseEnv): Promise<void>;
  /** After each measured run on onfile: facts to report with PASS/FAIL. */
  verify?(env: PhaseEnv, m: Measurement): Promise<Check[]>;
}

export interface BenchRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query string, e.g. `/v1/customers?limit=10`. */
  path: string;
  /** A form body as the SDK encodes it (POST only). */
  body?: string;
  /** Secret key to send; the main bench account's when absent. */
  key?: string;
}

export interface PhaseEnv {
  onfile: OnfileTarget;
  sdk: SdkShape;
  options: BenchOptions;
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';

/**
 * System tools some suites drive: Debian's Chromium (through playwright-core), the python3 that
 * can import Debian's python3-stripe, and curl. They are found on PATH, not at fixed paths. Where one
 * is missing, its suites are skipped with a reason — except in CI (CI=true), where .ci/run installs
 * them and a missing tool must fail the run rather than hide tests.
 */
function onPath(name: string): string[] {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .filter((p) => {
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

function skipReason(tool: string, found: string | undefined, install: string): string | false {
  // In CI the suite runs anyway and fails on the missing tool (chromiumExecutable() etc. say which).
  if (found || process.env.CI) return false;
  return `${tool} is not installed (${install})`;
}

export const chromiumPath: string | undefined = process.env.CHROMIUM_PATH ?? onPath('chromium')[0] ?? onPath('chromium-browser')[0];

/** The first python3 on PATH that imports `stripe` (a pyenv python3 earlier on PATH cannot see Debian's package). */
export const pythonWithStripe: string | undefined = onPath('python3').find((py) => {
  try {
    execFileSync(py, ['-c', 'import stripe'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
});

export const curlPath: string | undefined = onPath('curl')[0];

export const chromiumSkip = skipReason('chromium', chromiumPath, 'apt-get install -y chromium');
export const pythonSkip = skipReason('python3-stripe', pythonWithStripe, 'apt-get install -y python3-stripe');
export const curlSkip = skipReason('curl', curlPath, 'apt-get install -y curl');

/** For launch options: the path, or a clear error if a suite that was not skipped gets here. */
export function chromiumExecutable(): string {
  if (!chromiumPath) throw new Error('chromium not found on PATH (apt-get install -y chromium)');
  return chromiumPath;
}

export function pythonExecutable(): string {
  if (!pythonWithStripe) throw new Error('no python3 on PATH can import stripe (apt-get install -y python3-stripe)');
  return pythonWithStripe;
}

/**
 * Chromium flags for every browser suite: headless as root (no sandbox), and no background
 * networking, since this machine's network is closed and Chromium would keep trying.
 */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

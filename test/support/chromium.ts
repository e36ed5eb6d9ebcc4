import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { chromiumExecutable, CHROMIUM_ARGS } from './tools.js';

export interface Chromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Debian's Chromium (through playwright-core) on a fresh profile of its own: one cookie jar per
 * launch. `waitMs` bounds every wait and navigation. The profile is removed on close, or when the
 * process exits without closing (a cancelled file).
 */
export async function launchChromium(opts: { profilePrefix: string; waitMs: number; viewport?: { width: number; height: number } }): Promise<Chromium> {
  const dir = mkdtempSync(join(tmpdir(), opts.profilePrefix));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const forget = () => {
    removeDir();
    process.off('exit', removeDir);
  };
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: chromiumExecutable(),
      headless: true,
      timeout: 30_000,
      args: CHROMIUM_ARGS,
      ...(opts.viewport ? { viewport: opts.viewport } : {}),
    });
    context.setDefaultTimeout(opts.waitMs);
    context.setDefaultNavigationTimeout(opts.waitMs);
    return {
      context,
      async close() {
        try {
          await context.close();
        } finally {
          forget();
        }
      },
    };
  } catch (err) {
    forget();
    throw err;
  }
}

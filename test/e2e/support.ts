// The end-to-end harness: onfile (on the engine under test), the Rocket Rides example app pointed
// at it, and Debian's Chromium driven by playwright-core. Everything listens on 127.0.0.1.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type EngineName, type TestServer } from '../support/harness.js';
import { startRocketRides, type RocketRides } from '../../examples/rocket-rides/app.js';
import { launchChromium, type Chromium } from '../support/chromium.js';

/** The longest any single wait (navigation, element, webhook) may take before the test fails. */
export const WAIT_MS = 10_000;

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'e2e');

export interface Story {
  onfile: TestServer;
  app: RocketRides;
  close(): Promise<void>;
}

export async function startStory(engine: EngineName): Promise<Story> {
  const onfile = await startTestServer(engine);
  const dataDir = mkdtempSync(join(tmpdir(), 'rocket-rides-'));
  try {
    const app = await startRocketRides({ onfileUrl: onfile.url, secretKey: onfile.sk, publishableKey: onfile.pk, dataDir, port: 0 });
    return {
      onfile,
      app,
      async close() {
        await app.close();
        await onfile.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await onfile.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

export interface Browser {
  /** A fresh browser profile: one rider, one cookie jar. */
  newRider(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const riders: Chromium[] = [];
  return {
    async newRider() {
      const rider = await launchChromium({ profilePrefix: 'pw-rocket-rides-', waitMs: WAIT_MS, viewport: { width: 900, height: 760 } });
      riders.push(rider);
      return rider.context.pages()[0] ?? (await rider.context.newPage());
    },
    async close() {
      for (const rider of riders.splice(0)) await rider.close();
    },
  };
}

export async function screenshot(page: Page, engine: string, name: string): Promise<string> {
  const dir = join(SCREENSHOTS, engine);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface LoggedEvent {
  id: string;
  type: string;
  objectId: string;
}

/** The events the app's webhook receiver verified, read from its /webhooks page. */
export async function verifiedEvents(appUrl: string): Promise<LoggedEvent[]> {
  const res = await fetch(`${appUrl}/webhooks`);
  const markup = await res.text();
  return [...markup.matchAll(/<tr data-event-id="([^"]+)" data-event-type="([^"]+)" data-object-id="([^"]*)">/g)].map((m) => ({ id: m[1], type: m[2], objectId: m[3] }));
}

/** Waits (bounded) until the receiver has verified an event of each type about each object. */
export async function waitForEvents(appUrl: string, expected: [type: string, objectId: string][], ms = WAIT_MS): Promise<LoggedEvent[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const events = await verifiedEvents(appUrl);
    const missing = expected.filter(([t, o]) => !events.some((e) => e.type === t && e.objectId === o));
    if (missing.length === 0) return events;
    if (Date.now() > deadline) {
      throw new Error(`webhook receiver did not verify ${missing.map(([t, o]) => `${t} ${o}`).join(', ')} within ${ms} ms; it has: ${events.map((e) => `${e.type} ${e.objectId}`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function rejectedWebhooks(appUrl: string): Promise<number> {
  const markup = await (await fetch(`${appUrl}/webhooks`)).text();
  return Number(/<strong id="rejected">(\d+)<\/strong>/.exec(markup)?.[1] ?? NaN);
}

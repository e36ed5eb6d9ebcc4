// `npm run example` as a newcomer runs it: onfile and Rocket Rides start on 127.0.0.1 and print
// their URLs; the app answers, registered one webhook endpoint and receives verified events; a
// restart on the same data keeps the keys, the rider and that one endpoint; Ctrl+C stops both.
// The script runs onfile on SQLite by design (it drops DATABASE_URL), so this file has no
// PostgreSQL variant: the rest of test/e2e covers the example on both engines.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { sdk } from '../support/harness.js';
import { waitForEvents } from './support.js';

const REPO = join(import.meta.dirname, '..', '..');
const START_MS = 60_000;

interface Running {
  child: ChildProcess;
  output: string;
  onfileUrl: string;
  appUrl: string;
}

function startExample(dataDir: string): Promise<Running> {
  // The package.json script, run directly so the test holds the process that handles the signal.
  const script = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.example;
  assert.equal(script, 'node --import ./bin/typescript.js examples/rocket-rides/run.ts');
  const child = spawn(process.execPath, ['--import', './bin/typescript.js', 'examples/rocket-rides/run.ts'], {
    cwd: REPO,
    env: { ...process.env, ONFILE_PORT: '0', PORT: '0', ROCKET_RIDES_DATA: dataDir, DATABASE_URL: 'postgres://127.0.0.1:1/not-used' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`npm run example printed no URLs within ${START_MS} ms:\n${output}`));
    }, START_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const onfileUrl = /onfile \(Stripe API\):\s+(\S+)/.exec(output)?.[1];
      const appUrl = /Rocket Rides \(open me\):\s+(\S+)/.exec(output)?.[1];
      if (onfileUrl && appUrl && output.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve({ child, output, onfileUrl, appUrl });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run example exited (${code}):\n${output}`));
    });
  });
}

async function stop(r: Running): Promise<number | null> {
  if (r.child.exitCode !== null) return r.child.exitCode;
  r.child.removeAllListeners('exit');
  const exited = new Promise<number | null>((resolve) => r.child.once('exit', (code) => resolve(code)));
  r.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 15_000);
  });
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    r.child.kill('SIGKILL');
    throw new Error('npm run example did not stop within 15 s of Ctrl+C');
  }
  return outcome;
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return false;
  } catch {
    return true;
  }
}

describe('npm run example [sqlite]', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rocket-rides-run-'));
  let running: Running | undefined;
  after(async () => {
    if (running) await stop(running).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  let session = '';
  let stripe: Stripe;
  let endpoint = '';

  it('starts onfile (SQLite, 127.0.0.1) and Rocket Rides, printing both URLs', async () => {
    running = await startExample(dataDir);
    assert.match(running.onfileUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(running.appUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(running.output, /\(SQLite in /, 'DATABASE_URL from the environment is not used');
    const keys = JSON.parse(readFileSync(join(dataDir, 'onfile', 'default-keys.json'), 'utf8')) as { secret_key: string; publishable_key: string };
    assert.ok(running.output.includes(keys.secret_key));
    stripe = sdk(Number(new URL(running.onfileUrl).port), keys.secret_key);

    const home = await fetch(running.appUrl);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /Customers v1[\s\S]*Accounts v2/);
    const lib = await fetch(`${running.onfileUrl}/v3/`);
    assert.match(lib.headers.get('content-type') ?? '', /javascript/);

    const endpoints = await stripe.webhookEndpoints.list();
    assert.deepEqual(endpoints.data.map((e) => e.url), [`${running.appUrl}/webhook`]);
    endpoint = endpoints.data[0].id;

    const signup = await fetch(`${running.appUrl}/signup`, {
      method: 'POST',
      body: 'name=Jenny+Rosen&email=jenny.rosen%40example.com&kind=customer',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    assert.equal(signup.status, 303);
    session = /rr_session=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')![1];
    const customers = await stripe.customers.list({ email: 'jenny.rosen@example.com' });
    assert.equal(customers.data.length, 1);
    await waitForEvents(running.appUrl, [['customer.created', customers.data[0].id]]);
  });

  it('stops both on Ctrl+C', async () => {
    const r = running!;
    assert.equal(await stop(r), 0);
    running = undefined;
    assert.ok(await refused(r.appUrl), 'the app no longer answers');
    assert.ok(await refused(`${r.onfileUrl}/v3/`), 'onfile no longer answers');
  });

  it('restarts on the same data: same keys, the rider still signed in, the one webhook endpoint moved to the new URL', async () => {
    running = await startExample(dataDir);
    const keys = JSON.parse(readFileSync(join(dataDir, 'onfile', 'default-keys.json'), 'utf8')) as { secret_key: string };
    stripe = sdk(Number(new URL(running.onfileUrl).port), keys.secret_key);
    const endpoints = await stripe.webhookEndpoints.list();
    assert.deepEqual(endpoints.data.map((e) => [e.id, e.url]), [[endpoint, `${running.appUrl}/webhook`]]);
    const home = await fetch(running.appUrl, { headers: { cookie: `rr_session=${session}` } });
    assert.match(await home.text(), /Hello, Jenny Rosen/);
    const c = await stripe.customers.create({ email: 'second@example.com' });
    await waitForEvents(running.appUrl, [['customer.created', c.id]]);
  });
});

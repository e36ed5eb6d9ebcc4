import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { engines } from '../support/harness.js';
import { cliFixtures, freePort, runOnfile } from './process.js';

// `onfile start --workers N`: a primary and N HTTP worker processes on one port and one database.
const api = async (url: string, key: string, method: 'GET' | 'POST', path: string, form?: string) => {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
};

interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
  /** user + system CPU, in clock ticks */
  cpuTicks: number;
}

/** Every process on this machine, from /proc. */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(name), ppid: Number(fields[1]), cmdline, cpuTicks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const workersOf = (primary: number) => processes().filter((p) => p.ppid === primary && p.cmdline.includes('onfile-worker.js'));
const alive = (pid: number) => processes().some((p) => p.pid === pid);

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const engine of engines()) {
  describe(`cli: onfile start --workers [${engine}]`, () => {
    const fixtures = cliFixtures(engine);
    const env = (): Record<string, string> => ({ ...fixtures.storage(), ONFILE_DATA: fixtures.dataDir() });
    const start = async (workers: number) => fixtures.start(['--port', String(await freePort()), '--workers', String(workers)], env());

    it('serves from every worker, and concurrent writes through all of them all commit, none lost', async () => {
      const s = await start(2);
      assert.match(s.stdout(), /2 worker processes/);
      const workers = workersOf(s.child.pid!);
      assert.equal(workers.length, 2, 'two worker processes under the primary');
      const before = new Map(workers.map((w) => [w.pid, w.cpuTicks]));

      // Many connections at once: new connections are handed to the workers in turn.
      const created = await Promise.all(Array.from({ length: 400 }, (_, i) => api(s.url, s.sk, 'POST', '/v1/customers', `email=c${i}%40example.com`)));
      assert.deepEqual([...new Set(created.map((r) => r.status))], [200]);
      assert.equal(new Set(created.map((r) => r.body.id)).size, 400);
      const after = workersOf(s.child.pid!);
      for (const w of after) assert.ok(w.cpuTicks > before.get(w.pid)!, `worker ${w.pid} served requests`);

      // One customer updated from 40 requests at once, each adding its own metadata key: the
      // workers' transactions serialize on the database, so no update overwrites another.
      const target = created[0].body.id as string;
      const updates = await Promise.all(Array.from({ length: 40 }, (_, i) => api(s.url, s.sk, 'POST', `/v1/customers/${target}`, `metadata[k${i}]=v${i}`)));
      assert.deepEqual([...new Set(updates.map((r) => r.status))], [200]);
      const final = await api(s.url, s.sk, 'GET', `/v1/customers/${target}`);
      assert.equal(Object.keys(final.body.metadata).length, 40);

      let listed = 0;
      let cursor = '';
      for (;;) {
        const page = await api(s.url, s.sk, 'GET', `/v1/customers?limit=100${cursor}`);
        listed += page.body.data.length;
        if (!page.body.has_more) break;
        cursor = `&starting_after=${page.body.data.at(-1).id}`;
      }
      assert.equal(listed, 400, 'every created customer is listed once');
    });

    it('replaces a worker that crashed, and the other serves meanwhile', async () => {
      const s = await start(2);
      const [victim, survivor] = workersOf(s.child.pid!);
      process.kill(victim.pid, 'SIGKILL');
      // Once the primary has reaped the crashed worker it hands new connections to the other one
      // (a connection handed over in the very moment of the crash is lost with it: node:cluster).
      await until('the primary to reap the crashed worker', () => !alive(victim.pid));
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 0; i < 5; i++) {
        const r = await api(s.url, s.sk, 'GET', '/v1/customers');
        assert.equal(r.status, 200, 'served by the other worker while the replacement starts');
      }
      const replaced = await until('a replacement worker', () => {
        const now = workersOf(s.child.pid!);
        return now.length === 2 && !now.some((w) => w.pid === victim.pid) ? now : undefined;
      });
      assert.ok(replaced.some((w) => w.pid === survivor.pid), 'the other worker kept running');
      const created = await api(s.url, s.sk, 'POST', '/v1/customers', 'email=after-crash%40example.com');
      assert.equal(created.status, 200);
    });

    it('stops every worker when the primary alone gets SIGTERM', async () => {
      const s = await start(2);
      const workers = workersOf(s.child.pid!);
      assert.equal(workers.length, 2);
      const exited = new Promise<string>((resolve) => s.child.once('exit', (code, signal) => resolve(`${code} ${signal}`)));
      process.kill(s.child.pid!, 'SIGTERM');
      assert.equal(await exited, '0 null');
      await until('the workers to exit', () => workers.every((w) => !alive(w.pid)));
    });

    it('reports a port in use as a clean error, with no process left behind', async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const port = (taken.address() as { port: number }).port;
      try {
        const r = await runOnfile(['start', '--port', String(port), '--workers', '2'], env());
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      } finally {
        taken.close();
      }
    });

    it('refuses a worker count that is not a number from 1 to 64', async () => {
      const r = await runOnfile(['start', '--workers', '0'], env());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /invalid number of workers: 0/);
      const fromEnv = await runOnfile(['start'], { ...env(), ONFILE_WORKERS: 'two' });
      assert.equal(fromEnv.code, 1);
      assert.match(fromEnv.stderr, /invalid number of workers: two/);
      assert.doesNotMatch(fromEnv.stderr, /\n\s+at /, 'no stack trace');
    });
  });
}

import { randomUUID } from 'node:crypto';
import type { Check, Phase, PhaseEnv } from '../phase.js';

/** Bounds of the read-after-response probe (it is not measured). */
const PROBE_PAIRS = 400;
const PROBE_SECONDS = 10;

/**
 * POST /v1/customers with the body and headers stripe-node sends (a fresh Idempotency-Key each).
 * After every measured run it checks that each create was committed before its response: every id
 * a 2xx response returned is a committed row, the row count grew by at least the 2xx count, and a
 * create followed at once by a retrieve (on another connection) always finds the customer.
 */
export function createCustomerPhase(): Phase {
  let env: PhaseEnv;
  let ids: string[] = [];
  let rowsBefore = 0;
  let probed = false;
  return {
    name: 'create customer',
    kind: 'write',
    async setup(e) {
      env = e;
    },
    request: () => ({ method: 'POST', path: '/v1/customers', body: env.sdk.createBody }),
    onResponse(status, body) {
      if (status !== 200) return;
      const id = /"id":\s*"(cus_[A-Za-z0-9]+)"/.exec(body)?.[1];
      ids.push(id ?? 'missing-id-in-response');
    },
    async beforeRun(e) {
      ids = [];
      rowsBefore = await e.onfile.child.call<number>('countCustomers', { accountId: e.onfile.accountId });
    },
    async verify(e, m) {
      const { onfile } = e;
      const checks: Check[] = [];
      const rowsAfter = await onfile.child.call<number>('countCustomers', { accountId: onfile.accountId });
      const missing = await onfile.child.call<string[]>('missingCustomers', { accountId: onfile.accountId, ids }, 120_000);
      checks.push({
        name: 'every 2xx create is a committed row',
        pass: missing.length === 0 && ids.length === m.ok,
        detail: `${m.ok} responses 2xx, ${ids.length} ids read back, ${missing.length} without a row`,
      });
      // Requests cut off when the run ends may still commit, so rows may exceed 2xx, never fall short.
      checks.push({
        name: 'rows added >= 2xx creates',
        pass: rowsAfter - rowsBefore >= m.ok,
        detail: `${rowsAfter - rowsBefore} rows added for ${m.ok} 2xx responses`,
      });
      const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 20)) === 0).slice(0, 20);
      let found = 0;
      for (const id of sample) if ((await onfile.api('GET', `/v1/customers/${id}`)).status === 200) found++;
      checks.push({ name: 'sample retrieved through the API', pass: found === sample.length, detail: `${found}/${sample.length} returned 200` });
      if (!probed) {
        probed = true;
        checks.push(await readAfterResponseProbe(e));
      }
      return checks;
    },
  };
}

/** Concurrent create → immediate retrieve pairs: a create answered before its commit would 404 here. */
async function readAfterResponseProbe(e: PhaseEnv): Promise<Check> {
  const deadline = Date.now() + PROBE_SECONDS * 1000;
  let pairs = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (pairs < PROBE_PAIRS && Date.now() < deadline) {
      pairs++;
      const created = await e.onfile.api<{ id?: string }>('POST', '/v1/customers', `${e.sdk.createBody}&metadata[probe]=${randomUUID()}`);
      if (created.status !== 200 || !created.body.id) {
        failures.push(`create answered ${created.status}`);
        continue;
      }
      const got = await e.onfile.api('GET', `/v1/customers/${created.body.id}`);
      if (got.status !== 200) failures.push(`${created.body.id}: retrieve right after create answered ${got.status}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(e.options.connections, 32) }, worker));
  return {
    name: 'retrieve right after each create finds it',
    pass: failures.length === 0 && pairs > 0,
    detail: `${pairs} create→retrieve pairs, ${failures.length} failed${failures.length ? ` (${failures.slice(0, 3).join('; ')})` : ''}`,
  };
}

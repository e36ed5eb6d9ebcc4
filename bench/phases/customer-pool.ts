import type { PhaseEnv } from '../phase.js';

/** Creates `count` customers through the API (with `key`'s account) and returns their ids. */
export async function createCustomers(env: PhaseEnv, count: number, key?: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await env.onfile.api<{ id: string }>('POST', '/v1/customers', `${env.sdk.createBody}&metadata[pool]=${i}`, key);
    if (r.status !== 200) throw new Error(`set-up create answered ${r.status}: ${JSON.stringify(r.body)}`);
    ids.push(r.body.id);
  }
  return ids;
}

import { encodeForm } from '../../src/lib/form.js';
import type { Phase } from '../phase.js';
import { createCustomers } from './customer-pool.js';

/**
 * POST /v1/customers/:id over 100 customers, each request a real change (new description and
 * metadata value), so every one writes the row and a `customer.updated` event.
 */
export function updateCustomerPhase(): Phase {
  let ids: string[] = [];
  let next = 0;
  return {
    name: 'update customer',
    kind: 'write',
    async setup(env) {
      ids = await createCustomers(env, 100);
    },
    request: () => {
      const n = next++;
      return {
        method: 'POST',
        path: `/v1/customers/${ids[n % ids.length]}`,
        body: encodeForm({ description: `Updated ${n}`, metadata: { bench_seq: String(n) } }),
      };
    },
  };
}

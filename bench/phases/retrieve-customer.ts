import type { Phase } from '../phase.js';
import { createCustomers } from './customer-pool.js';

/** GET /v1/customers/:id, cycling through 100 customers created for it. */
export function retrieveCustomerPhase(): Phase {
  let ids: string[] = [];
  let next = 0;
  return {
    name: 'retrieve customer',
    kind: 'read',
    async setup(env) {
      ids = await createCustomers(env, 100);
    },
    request: () => ({ method: 'GET', path: `/v1/customers/${ids[next++ % ids.length]}` }),
  };
}

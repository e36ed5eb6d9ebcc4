import type { Phase } from '../phase.js';
import { createCustomers } from './customer-pool.js';

/**
 * GET /v1/customers?limit=10 on an account of its own holding 20 customers: the small store the
 * list-at-scale phase is compared with (creates in other phases do not grow it).
 */
export function listCustomersPhase(): Phase & { key(): string } {
  let key = '';
  return {
    name: 'list customers',
    kind: 'read',
    key: () => key,
    async setup(env) {
      key = (await env.onfile.newAccount('onfile bench: small list')).sk;
      await createCustomers(env, 20, key);
    },
    request: () => ({ method: 'GET', path: '/v1/customers?limit=10', key }),
  };
}

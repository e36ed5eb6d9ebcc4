import type { Phase } from '../phase.js';
import { createCustomerPhase } from './create-customer.js';
import { retrieveCustomerPhase } from './retrieve-customer.js';
import { listCustomersPhase } from './list-customers.js';
import { updateCustomerPhase } from './update-customer.js';
import { offSessionChargePhase } from './off-session-charge.js';

/**
 * The measured operations, in the order each round runs them (fresh instances per engine).
 * Add an operation here; see bench/README.md.
 */
export function roundPhases(): Phase[] {
  return [createCustomerPhase(), retrieveCustomerPhase(), listCustomersPhase(), updateCustomerPhase(), offSessionChargePhase()];
}

export const SMALL_LIST_PHASE = 'list customers';

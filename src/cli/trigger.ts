import type { Command } from 'commander';
import { cliAction } from './events-api.js';
import type { TriggerOptions } from './trigger-fixtures.js';

// Kept in step with TRIGGERS in trigger-fixtures.ts (a test checks it); that module loads the Stripe SDK,
// so it is imported only when `onfile trigger` runs, not on every CLI start.
export const TRIGGERABLE = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'setup_intent.created',
  'setup_intent.requires_action',
  'setup_intent.succeeded',
  'setup_intent.setup_failed',
  'setup_intent.canceled',
  'payment_method.attached',
  'payment_method.detached',
  'payment_method.updated',
  'mandate.updated',
  'payment_intent.created',
  'payment_intent.requires_action',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.amount_capturable_updated',
  'payment_intent.canceled',
  'charge.succeeded',
  'charge.failed',
  'charge.updated',
  'charge.captured',
  'charge.expired',
  'charge.refunded',
  'refund.created',
  'refund.failed',
  'refund.updated',
  'charge.refund.updated',
  'v2.core.account.created',
  'v2.core.account.updated',
  'v2.core.account[configuration.customer].updated',
  'v2.core.account[defaults].updated',
  'v2.core.account[identity].updated',
  'v2.core.account.closed',
];

export function registerTrigger(program: Command): void {
  program
    .command('trigger')
    .argument('<event>', `event type to cause (${TRIGGERABLE.join(', ')})`)
    .description('make the API calls that cause an event (like `stripe trigger`), and print what they created')
    .option('--api-key <key>', 'secret key (default: ONFILE_SECRET_KEY, then the key file `onfile start` wrote)')
    .option('--api-base <url>', 'onfile to call (ONFILE_API_BASE, default http://127.0.0.1:12111)')
    .option('--data <dir>', 'data directory holding default-keys.json (ONFILE_DATA, default ./.onfile)')
    .action(
      cliAction(async (event: string, opts: TriggerOptions) => {
        const { triggerCommand } = await import('./trigger-fixtures.js');
        await triggerCommand(event, opts);
      }),
    );
}

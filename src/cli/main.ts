import { Command } from 'commander';
import { startCommand } from './start.js';
import { accountsCreateCommand, accountsListCommand } from './accounts.js';
import { registerListen } from './listen.js';
import { registerTrigger } from './trigger.js';
import { registerEvents } from './events.js';
import { registerLogs } from './logs.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('onfile').description("A stateful, self-hostable server that speaks Stripe's API");

  const withServerOptions = (cmd: Command) =>
    cmd
      .option('-p, --port <port>', 'port to listen on (ONFILE_PORT, default 12111)')
      .option('--host <host>', 'interface to bind (ONFILE_HOST, default 127.0.0.1)')
      .option('--data <dir>', 'data directory for SQLite (ONFILE_DATA, default ./.onfile)')
      .option('--workers <n>', 'HTTP worker processes (ONFILE_WORKERS, default 1)');

  withServerOptions(program.command('start').description('start the server (what `npm start` runs)')).action(startCommand);

  const accounts = program.command('accounts').description('merchant accounts and their API keys');
  accounts
    .command('create')
    .description('create another isolated merchant account with its own test keys')
    .requiredOption('--name <name>', 'account name (shown on hosted pages)')
    .option('--country <cc>', 'two-letter country', 'US')
    .option('--api-version <version>', 'default API version for requests without Stripe-Version')
    .option('--data <dir>', 'data directory (ONFILE_DATA)')
    .option('--json', 'print JSON')
    .action(accountsCreateCommand);
  accounts
    .command('list')
    .description('list merchant accounts')
    .option('--data <dir>', 'data directory (ONFILE_DATA)')
    .option('--json', 'print JSON')
    .action(accountsListCommand);

  for (const register of extraCommands) register(program);
  await program.parseAsync(argv);
}

/** Commands added by other modules (listen, trigger, events, logs). */
export const extraCommands: ((program: Command) => void)[] = [registerListen, registerTrigger, registerEvents, registerLogs];

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startOnfile } from './onfile-process.js';
import { startRocketRides } from './app.js';

/**
 * `npm run example`: onfile (SQLite) and the Rocket Rides merchant app, both on 127.0.0.1.
 *   ONFILE_PORT (12111), PORT (4242): where they listen; 0 picks free ports.
 *   ROCKET_RIDES_DATA (.onfile-example): onfile's database and the app's records; kept between runs.
 *   --reset: start again from empty data.
 */
const dataDir = resolve(process.env.ROCKET_RIDES_DATA ?? join(import.meta.dirname, '..', '..', '.onfile-example'));
if (process.argv.includes('--reset')) rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
// The data directory keeps itself out of git.
writeFileSync(join(dataDir, '.gitignore'), '*\n');

const onfile = await startOnfile({ dataDir: join(dataDir, 'onfile'), port: Number(process.env.ONFILE_PORT ?? 12111) });
let app: Awaited<ReturnType<typeof startRocketRides>>;
try {
  app = await startRocketRides({
    onfileUrl: onfile.url,
    secretKey: onfile.secretKey,
    publishableKey: onfile.publishableKey,
    dataDir,
    port: Number(process.env.PORT ?? 4242),
  });
} catch (err) {
  await onfile.stop();
  throw err;
}

process.stdout.write(
  [
    onfile.banner,
    '',
    `onfile (Stripe API):     ${onfile.url}`,
    `Rocket Rides (open me):  ${app.url}`,
    `Webhook log:             ${app.url}/webhooks`,
    `Data:                    ${dataDir} (npm run example -- --reset starts empty)`,
    '',
    'Press Ctrl+C to stop both.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await onfile.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
onfile.child.once('exit', (code) => {
  if (stopping) return;
  process.stderr.write(`onfile stopped unexpectedly (${code}); stopping Rocket Rides.\n`);
  void app.close().then(() => process.exit(1));
});

import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from './lib/clock.js';
import type { Config } from './config/config.js';
import { openStore } from './storage/open.js';
import type { Store } from './storage/sql.js';
import type { Deps } from './services/context.js';
import { buildApp } from './http/app.js';
import { allRoutes } from './api/routes.js';
import { plugins, startBackground } from './plugins.js';

export interface RunningServer {
  app: FastifyInstance;
  deps: Deps;
  store: Store;
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServerOptions {
  clock?: Clock;
  /**
   * One HTTP worker of a cluster (cluster/): it serves requests only. The primary process runs the
   * background workers and SQLite's checkpoints, once for all.
   */
  clusterWorker?: boolean;
}

/** Opens storage, builds the HTTP app and background workers, and listens. */
export async function startServer(config: Config, opts: ServerOptions = {}): Promise<RunningServer> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgSchema: config.pgSchema,
    checkpoints: !opts.clusterWorker,
  });
  let url = config.publicUrl ?? '';
  const deps: Deps = { store, clock: opts.clock ?? systemClock, publicUrl: () => url };
  const app = await buildApp(deps, {
    routes: allRoutes(),
    plugins,
    logger: config.logLevel === 'silent' ? false : {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["stripe-signature"]'],
    },
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (!config.publicUrl) url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const stopBackground = opts.clusterWorker ? async () => undefined : startBackground(deps);
  return {
    app,
    deps,
    store,
    url,
    port,
    async close() {
      await stopBackground();
      await app.close();
      await store.close();
    },
  };
}

/**
 * The web pages' server: the built player page and support console, and the two proxies they
 * call the public APIs through. `tsx apps/web/server/main.ts`; PORT defaults to 3004.
 */
import type { Server } from 'node:http';
import {
  Logger,
  beginClose,
  createHttpApp,
  createLogger,
  createMetrics,
  redactUrl,
  runMain,
} from '@account-security/shared';
import { DIST_DIR, ensureBuilt } from './build';
import { loadWebConfig } from './config';
import { apiProxyRoutes, upstreamReadiness } from './entry-points/api-proxy.http';
import { pageRoutes } from './entry-points/pages.http';

export interface RunningWeb {
  name: 'web';
  port: number;
  server: Server;
  logger: Logger;
  stop(): Promise<void>;
}

export async function start(env: NodeJS.ProcessEnv): Promise<RunningWeb> {
  const config = loadWebConfig(env);
  const logger = createLogger('web', config.LOG_LEVEL);
  const build = await ensureBuilt({ logger, build: config.BUILD_ON_START });
  const app = createHttpApp({
    logger,
    metrics: createMetrics('web'),
    info: () => ({ pages: build }),
    readiness: upstreamReadiness(config),
    routes: (app) => {
      apiProxyRoutes(config, logger)(app);
      pageRoutes(DIST_DIR)(app);
    },
  });
  // Express 5 hands a listen error (port taken) to this callback rather than throwing.
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info(
    {
      port,
      loginHistory: redactUrl(config.LOGIN_HISTORY_URL),
      accountGuard: redactUrl(config.ACCOUNT_GUARD_URL),
      pages: build,
    },
    'web started',
  );
  let stopping: Promise<void> | undefined;
  return {
    name: 'web',
    port,
    server,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping');
        const { closed, cut } = beginClose(server);
        // Requests in flight (a slow upstream) get until the shutdown timeout, then are cut.
        const timer = setTimeout(cut, config.SHUTDOWN_TIMEOUT_MS);
        await closed;
        clearTimeout(timer);
        logger.info('stopped');
      })()),
  };
}

if (require.main === module) runMain('web', start);

/**
 * The web pages' server: the built player page and support console, and the two proxies they
 * call the public APIs through. `tsx apps/web/server/main.ts`; PORT defaults to 3004, the
 * operator port (ADMIN_PORT: /metrics, /healthz, /readyz) to 3104 on 127.0.0.1.
 */
import type { Server } from 'node:http';
import {
  Logger,
  adminPortFor,
  beginClose,
  cachedReadiness,
  createAdminApp,
  createHttpApp,
  createLogger,
  createMetrics,
  listen,
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
  /** The operator listener's port (ADMIN_PORT): /metrics, /healthz, /readyz. */
  adminPort: number;
  adminServer: Server;
  logger: Logger;
  stop(): Promise<void>;
}

export async function start(env: NodeJS.ProcessEnv): Promise<RunningWeb> {
  const config = loadWebConfig(env);
  const adminPortWanted = adminPortFor(config.PORT, config.ADMIN_PORT);
  const logger = createLogger('web', config.LOG_LEVEL);
  const build = await ensureBuilt({ logger, build: config.BUILD_ON_START });
  const info = () => ({ pages: build });
  const probe = cachedReadiness(upstreamReadiness(config));
  const app = createHttpApp({
    logger,
    info,
    probe,
    routes: (app) => {
      apiProxyRoutes(config, logger)(app);
      pageRoutes(DIST_DIR)(app);
    },
  });
  const admin = createAdminApp({ metrics: createMetrics('web'), probe, info });
  const { server, port } = await listen(app, config.PORT);
  let adminServer: Server;
  let adminPort: number;
  try {
    ({ server: adminServer, port: adminPort } = await listen(admin, adminPortWanted, config.ADMIN_HOST));
  } catch (err) {
    server.close();
    throw err;
  }
  logger.info(
    {
      port,
      adminPort,
      adminHost: config.ADMIN_HOST,
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
    adminPort,
    adminServer,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping');
        const { closed, cut } = beginClose(server);
        // Requests in flight (a slow upstream) get until the shutdown timeout, then are cut.
        const timer = setTimeout(cut, config.SHUTDOWN_TIMEOUT_MS);
        await closed;
        clearTimeout(timer);
        const adminClose = beginClose(adminServer);
        adminClose.cut();
        await adminClose.closed;
        logger.info('stopped');
      })()),
  };
}

if (require.main === module) runMain('web', start);

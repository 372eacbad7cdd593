import { RunningService, createLogger, runMain, startService } from '@account-security/shared';
import { SERVICE, loadIpCheckerConfig } from './config';
import { DepsOverrides, createDeps } from './deps';
import { LOGIN_SUCCEEDED_QUEUE, loginSucceededConsumer } from './entry-points/login-succeeded.consumer';
import { ipRoutes } from './entry-points/ip.http';

export async function start(env: NodeJS.ProcessEnv, overrides: DepsOverrides = {}): Promise<RunningService> {
  const config = loadIpCheckerConfig(env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const deps = await createDeps(config, { logger }, overrides);
  const { geoip } = deps;
  logger.info({ geoip: geoip.status() }, 'GeoIP database loaded');
  try {
    return await startService({
      name: SERVICE,
      config,
      logger,
      queues: [LOGIN_SUCCEEDED_QUEUE],
      setup: async ({ broker }) => ({
        consumers: [loginSucceededConsumer({ geoip, publisher: broker }, { prefetch: config.PREFETCH })],
        routes: ipRoutes(geoip),
        info: () => ({ geoip: geoip.status() }),
        close: async () => deps.close(),
      }),
    });
  } catch (err) {
    deps.close();
    throw err;
  }
}

if (require.main === module) runMain(SERVICE, start);

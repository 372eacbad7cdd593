import {
  RunningService,
  createLogger,
  runMain,
  startService,
  tokenVerifierFor,
} from '@account-security/shared';
import { SERVICE, ingressEnabled, loadIpCheckerConfig } from './config';
import { DepsOverrides, createDeps } from './deps';
import { LOGIN_SUCCEEDED_QUEUE, loginSucceededConsumer } from './entry-points/login-succeeded.consumer';
import { LOGIN_FAILED_QUEUE, loginFailedConsumer } from './entry-points/login-failed.consumer';
import { ipRoutes } from './entry-points/ip.http';
import { eventsRoutes } from './entry-points/events.http';
import { ipCheckerOpenApi } from './entry-points/openapi';

export async function start(env: NodeJS.ProcessEnv, overrides: DepsOverrides = {}): Promise<RunningService> {
  const config = loadIpCheckerConfig(env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const deps = await createDeps(config, { logger }, overrides);
  const { geoip } = deps;
  logger.info({ geoip: geoip.status() }, 'GeoIP database loaded');
  const ingress = ingressEnabled(config);
  if (!ingress) {
    logger.info('HTTP ingress off: POST /v1/events needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  }
  try {
    return await startService({
      name: SERVICE,
      config,
      logger,
      queues: [LOGIN_SUCCEEDED_QUEUE, LOGIN_FAILED_QUEUE],
      setup: async ({ broker }) => {
        const ip = ipRoutes(geoip);
        const events = ingress
          ? eventsRoutes({ verify: tokenVerifierFor(config), publisher: broker })
          : undefined;
        return {
          consumers: [
            loginSucceededConsumer({ geoip, publisher: broker }, { prefetch: config.PREFETCH }),
            loginFailedConsumer({ geoip, publisher: broker }, { prefetch: config.PREFETCH }),
          ],
          routes: (app) => {
            ip(app);
            events?.(app);
          },
          openapi: () => ipCheckerOpenApi({ ingress }),
          info: () => ({ geoip: geoip.status(), ingress: ingress ? 'on' : 'off' }),
          close: async () => deps.close(),
        };
      },
    });
  } catch (err) {
    deps.close();
    throw err;
  }
}

if (require.main === module) runMain(SERVICE, start);

import {
  ConfigError,
  Logger,
  RunningService,
  createLogger,
  runMain,
  startService,
} from '@account-security/shared';
import { Config, SERVICE, loadIpCheckerConfig } from './config';
import { DEFAULT_DATABASE, defaultDatabasePath } from './data-access/default-database';
import { GeoIp, openGeoIp } from './data-access/geoip';
import { MmdbOpenError } from './data-access/mmdb-file';
import { LOGIN_SUCCEEDED_QUEUE, loginSucceededConsumer } from './entry-points/login-succeeded.consumer';
import { ipRoutes } from './entry-points/ip.routes';

/** A configured file that cannot be opened is a configuration error: one line naming the variable. */
async function openConfiguredGeoIp(config: Config, logger: Logger): Promise<GeoIp> {
  try {
    return await openGeoIp({
      country: config.GEOIP_DB_PATH
        ? { path: config.GEOIP_DB_PATH }
        : {
            path: defaultDatabasePath(),
            label: DEFAULT_DATABASE.label,
            attribution: DEFAULT_DATABASE.attribution,
          },
      asn: config.GEOIP_ASN_DB_PATH ? { path: config.GEOIP_ASN_DB_PATH } : undefined,
      cacheSize: config.GEOIP_CACHE_SIZE,
      watchIntervalMs: config.GEOIP_WATCH_INTERVAL_MS,
      logger,
    });
  } catch (err) {
    if (err instanceof MmdbOpenError) {
      const variable =
        err.path === config.GEOIP_DB_PATH
          ? 'GEOIP_DB_PATH'
          : err.path === config.GEOIP_ASN_DB_PATH
            ? 'GEOIP_ASN_DB_PATH'
            : undefined;
      if (variable) throw new ConfigError(variable, `is invalid: ${err.message}`);
    }
    throw err;
  }
}

export async function start(env: NodeJS.ProcessEnv): Promise<RunningService> {
  const config = loadIpCheckerConfig(env);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  // Opened before anything connects: a bad database stops start-up without touching the broker.
  const geoip = await openConfiguredGeoIp(config, logger);
  logger.info({ geoip: geoip.status() }, 'GeoIP database loaded');
  try {
    return await startService({
      name: SERVICE,
      config,
      logger,
      queues: [LOGIN_SUCCEEDED_QUEUE],
      setup: async ({ broker }) => ({
        consumers: [loginSucceededConsumer({ broker, geoip, prefetch: config.PREFETCH })],
        routes: ipRoutes(geoip),
        info: () => ({ geoip: geoip.status() }),
        close: async () => geoip.close(),
      }),
    });
  } catch (err) {
    geoip.close();
    throw err;
  }
}

if (require.main === module) runMain(SERVICE, start);

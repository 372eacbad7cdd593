import { ConfigError, Logger } from '@account-security/shared';
import type { Config } from './config';
import { DEFAULT_DATABASE, defaultDatabasePath } from './data-access/default-database';
import { GeoIp, openGeoIp } from './data-access/geoip';
import { MmdbOpenError } from './data-access/mmdb-file';

/**
 * What the use cases work with besides the broker (the runtime's, handed to them in `setup`).
 * No clock: nothing here reads the time, a follow-up carries its login's.
 */
export interface Deps {
  geoip: GeoIp;
  /** Releases what `createDeps` opened. */
  close(): void;
}

/** How a test puts a double in; the broker stays real. */
export interface DepsOverrides {
  geoip?: GeoIp;
}

/**
 * Opened before anything connects, so a bad database stops start-up without touching the
 * broker. A configured file that cannot be opened is a configuration error: one line naming the
 * variable.
 */
export async function createDeps(
  config: Config,
  runtime: { logger: Logger },
  overrides: DepsOverrides = {},
): Promise<Deps> {
  const geoip = overrides.geoip ?? (await openConfiguredGeoIp(config, runtime.logger));
  return { geoip, close: () => geoip.close() };
}

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

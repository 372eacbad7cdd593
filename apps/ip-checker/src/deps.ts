import { ConfigError, Logger } from '@account-security/shared';
import type { Config } from './config';
import {
  DEFAULT_ASN_DATABASE,
  DEFAULT_DATABASE,
  defaultAsnDatabase,
  defaultDatabasePath,
} from './data-access/default-database';
import { GeoIp, GeoIpOptions, asnSourceOf, openGeoIp } from './data-access/geoip';
import { DEFAULT_HOSTING_ASNS_PATH, HostingAsnsError, loadHostingAsns } from './data-access/hosting-asns';
import { GeoDataFileError } from './data-access/watched-file';

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

function asnOption(config: Config): GeoIpOptions['asn'] {
  if (config.GEOIP_ASN_DB_PATH) return asnSourceOf(config.GEOIP_ASN_DB_PATH);
  const shipped = defaultAsnDatabase();
  return {
    format: 'csv',
    paths: shipped.paths,
    label: DEFAULT_ASN_DATABASE.label,
    buildDate: shipped.buildDate,
    cacheKey: `${DEFAULT_ASN_DATABASE.packageName}@${shipped.version}`,
    attribution: DEFAULT_ASN_DATABASE.attribution,
  };
}

function hostingAsns(config: Config) {
  try {
    return loadHostingAsns(config.HOSTING_ASNS_PATH ?? DEFAULT_HOSTING_ASNS_PATH);
  } catch (err) {
    if (err instanceof HostingAsnsError && config.HOSTING_ASNS_PATH) {
      throw new ConfigError('HOSTING_ASNS_PATH', `is invalid: ${err.message}`);
    }
    throw err;
  }
}

async function openConfiguredGeoIp(config: Config, logger: Logger): Promise<GeoIp> {
  const hosting = hostingAsns(config);
  try {
    return await openGeoIp({
      country: config.GEOIP_DB_PATH
        ? { path: config.GEOIP_DB_PATH }
        : {
            path: defaultDatabasePath(),
            label: DEFAULT_DATABASE.label,
            attribution: DEFAULT_DATABASE.attribution,
          },
      asn: asnOption(config),
      hosting,
      cacheSize: config.GEOIP_CACHE_SIZE,
      asnCacheDir: config.GEOIP_ASN_CACHE_DIR,
      watchIntervalMs: config.GEOIP_WATCH_INTERVAL_MS,
      logger,
    });
  } catch (err) {
    if (err instanceof GeoDataFileError) {
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

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertAuthConfigured,
  authConfigShape,
  env,
  loadConfig,
  serviceConfigShape,
} from '@account-security/shared';

export const SERVICE = 'ip-checker';

export const configShape = {
  ...serviceConfigShape,
  /**
   * Bearer tokens for the HTTP ingress (`POST /v1/events`, role `service`). Optional here: without
   * AUTH_JWT_SECRET or AUTH_JWKS_URL the ingress is off and ip-checker only consumes its queue.
   */
  ...authConfigShape,
  PORT: serviceConfigShape.PORT.default(3001),
  /**
   * Each message waits only for its follow-up's publish confirm, so throughput is messages in
   * flight ÷ confirm latency. Draining 40k logins into a quorum queue on a 2-core machine: 200 gave
   * ~7k msg/s, 500 ~13.5k msg/s, 1000 no more (the broker is then the limit).
   */
  PREFETCH: env.int(1, 5000).default(500),
  /** A MaxMind DB country (or city) file; the shipped DB-IP Country Lite file when unset. */
  GEOIP_DB_PATH: env.string().optional(),
  /**
   * The ASN data (`asn`, `asOrg`): a `.csv` of ranges (`start,end,asn[,org]`) or a MaxMind DB
   * ASN file (any other name); the shipped ip-location-db ASN ranges when unset.
   */
  GEOIP_ASN_DB_PATH: env.string().optional(),
  /** Where compiled ASN CSV tables are kept between starts (so only the first start parses). */
  GEOIP_ASN_CACHE_DIR: env.string().default(join(tmpdir(), 'ip-checker-asn-cache')),
  /** The hosting/cloud/VPN/proxy ASN list (`network: hosting`); the shipped data/hosting-asns.json when unset. */
  HOSTING_ASNS_PATH: env.string().optional(),
  /** Decoded records kept per database in maxmind's LRU cache. */
  GEOIP_CACHE_SIZE: env.int(1, 10_000_000).default(10_000),
  /** How often the database files are checked for replacement (weekly updates need no more). */
  GEOIP_WATCH_INTERVAL_MS: env.int(10, 3_600_000).default(5_000),
};

export type Config = ReturnType<typeof loadIpCheckerConfig>;

export function loadIpCheckerConfig(source: NodeJS.ProcessEnv) {
  const config = loadConfig(SERVICE, configShape, source);
  if (ingressEnabled(config)) assertAuthConfigured(config);
  return config;
}

/** The HTTP ingress is on exactly when tokens can be checked. */
export function ingressEnabled(c: { AUTH_JWT_SECRET?: string; AUTH_JWKS_URL?: string }): boolean {
  return Boolean(c.AUTH_JWT_SECRET || c.AUTH_JWKS_URL);
}

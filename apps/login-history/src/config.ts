import { z } from 'zod';
import {
  ConfigError,
  assertAuthConfigured,
  authConfigShape,
  databaseConfigShape,
  env,
  loadConfig,
  serviceConfigShape,
} from '@account-security/shared';

export const SERVICE_NAME = 'login-history';

export const configShape = {
  ...serviceConfigShape,
  PORT: serviceConfigShape.PORT.default(3002),
  ...databaseConfigShape('login_history'),
  ...authConfigShape,
  /** Logins older than this many days are purged. */
  HISTORY_RETENTION_DAYS: env.int(1, 36500).default(365),
  /** How often partition upkeep and the retention purge run inside the service. */
  HISTORY_PURGE_INTERVAL_MS: env.int(1000, 7 * 24 * 3600 * 1000).default(3600 * 1000),
  /** Logins recorded per database transaction; keep it at most PREFETCH so batches can fill. */
  CONSUMER_BATCH_SIZE: env.int(1, 1000).default(100),
  /** How long a partial batch waits for more logins. */
  CONSUMER_BATCH_DELAY_MS: env.int(0, 10000).default(5),
  /** Secret of the device-id HMAC (SPEC §7); required when NODE_ENV=production. Never logged. */
  DEVICE_ID_KEY: env.string().optional(),
  /** The window of the failure counts (`history.failures`) before each successful login. */
  FAILURE_WINDOW_MINUTES: env.int(1, 10080).default(60),
  NODE_ENV: z.string().optional(),
};

/** Outside production only: a fixed key, so device hashes stay comparable across restarts. */
const DEV_DEVICE_ID_KEY = 'login-history-dev-device-id-key-not-for-production';

export type Config = ReturnType<typeof loadServiceConfig>;

export function loadServiceConfig(source: NodeJS.ProcessEnv) {
  const loaded = loadConfig(SERVICE_NAME, configShape, source);
  assertAuthConfigured(loaded);
  if (!loaded.DEVICE_ID_KEY && loaded.NODE_ENV === 'production') {
    throw new ConfigError(
      'DEVICE_ID_KEY',
      'is required when NODE_ENV=production (the device-id HMAC secret)',
    );
  }
  return { ...loaded, DEVICE_ID_KEY: loaded.DEVICE_ID_KEY ?? DEV_DEVICE_ID_KEY };
}

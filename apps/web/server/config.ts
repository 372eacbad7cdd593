import { commonConfigShape, env, loadConfig } from '@account-security/shared';

/**
 * The web server's settings. It has no database and no broker: it serves the built pages and
 * forwards /api/history and /api/guard to the two services' public HTTP APIs.
 */
export const webConfigShape = {
  PORT: env.int(0, 65535).default(3004),
  /** The operator listener (/metrics, /healthz, /readyz); default PORT + 100 (3104), 0 = any free port. */
  ADMIN_PORT: env.int(0, 65535).optional(),
  ADMIN_HOST: env.string().default('127.0.0.1'),
  LOG_LEVEL: commonConfigShape.LOG_LEVEL,
  LOGIN_HISTORY_URL: env.url(/^https?:$/).default('http://127.0.0.1:3002'),
  ACCOUNT_GUARD_URL: env.url(/^https?:$/).default('http://127.0.0.1:3003'),
  /** An upstream that has not answered by then gets the browser a 504. */
  UPSTREAM_TIMEOUT_MS: env.int(100, 600000).default(30000),
  /** Build the pages at start when dist/ is missing or older than the sources (off for prebuilt images). */
  BUILD_ON_START: env.boolean().default(true),
  SHUTDOWN_TIMEOUT_MS: commonConfigShape.SHUTDOWN_TIMEOUT_MS,
};

export const loadWebConfig = (source: NodeJS.ProcessEnv) => loadConfig('web', webConfigShape, source);

export type WebConfig = ReturnType<typeof loadWebConfig>;

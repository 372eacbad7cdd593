import type { Server } from 'node:http';
import type { Express } from 'express';
import { ConfigError, commonConfigShape, env, redactUrl } from './config';
import { createLogger, Logger } from './logger';
import { createMetrics, Metrics } from './metrics';
import { startTracing } from './tracing';
import { Broker, connectBroker, queueArgumentsCheck } from './messaging/broker';
import { Consumer, ConsumerSpec, startConsumer } from './messaging/consumer';
import type { WorkQueue } from './messaging/topology';
import {
  adminPortFor,
  beginClose,
  cachedReadiness,
  createAdminApp,
  createHttpApp,
  listen,
  ReadinessCheck,
} from './http/app';
import {
  DEFAULT_MAX_TOKEN_AGE_SECONDS,
  TokenVerifier,
  createTokenVerifier,
  jwksUrlProblem,
} from './http/auth';
import type { z } from 'zod';

const common = {
  ...commonConfigShape,
  PORT: env.int(0, 65535),
  /** The operator listener (/metrics, /healthz, /readyz); default PORT + 100, 0 = any free port. */
  ADMIN_PORT: env.int(0, 65535).optional(),
  /** Interface of the operator listener: loopback unless the deployment's network is private. */
  ADMIN_HOST: env.string().default('127.0.0.1'),
  /** Requests a minute one token subject (`sub`) may make on the authenticated routes. */
  AUTH_RATE_LIMIT_PER_MINUTE: env.int(1, 1_000_000).default(120),
  /** The same for `service` tokens (login servers checking lock status at every login). */
  AUTH_SERVICE_RATE_LIMIT_PER_MINUTE: env.int(1, 100_000_000).default(60_000),
  /** OTLP/HTTP base URL (`/v1/traces` is appended); unset: tracing off, at no cost. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url(/^https?:$/).optional(),
};
export type CommonConfig = z.infer<z.ZodObject<typeof common>>;

/** Settings for a service that owns a Postgres database (SPEC §2). */
export function databaseConfigShape(dbName: string) {
  return {
    DATABASE_URL: env.url(/^postgres(ql)?:$/).default(`postgres://postgres@127.0.0.1:5432/${dbName}`),
    DATABASE_POOL_SIZE: env.int(1, 200).default(10),
    MIGRATE_ON_START: env.boolean().default(true),
  };
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds, or a duration like `90s`, `30m`, `24h`, `7d`; at least 1 s, at most 365 days. */
const durationSeconds = env
  .string()
  .regex(/^\d{1,9}[smhd]?$/, { message: 'must be seconds or a duration like 30m, 24h or 7d' })
  .transform((v) => {
    const unit = /[smhd]$/.test(v) ? v.slice(-1) : 's';
    return Number.parseInt(v, 10) * DURATION_UNITS[unit]!;
  })
  .refine((n) => n >= 1 && n <= 365 * 86400, { message: 'must be between 1 second and 365 days' });

/** Bearer JWT settings; one of the two is required (checked by `assertAuthConfigured`). */
export const authConfigShape = {
  AUTH_JWT_SECRET: env.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  AUTH_JWKS_URL: env.url(/^https?:$/).optional(),
  AUTH_ISSUER: env.string().optional(),
  AUTH_AUDIENCE: env.string().optional(),
  /** Oldest token accepted, counted from its `iat` (tokens without `iat` are refused). */
  AUTH_MAX_TOKEN_AGE: durationSeconds.default(DEFAULT_MAX_TOKEN_AGE_SECONDS),
  /** Read with the settings (not from process.env at check time) so the config's source decides. */
  NODE_ENV: env.string().optional(),
};

type AuthConfig = Partial<z.infer<z.ZodObject<typeof authConfigShape>>>;

/**
 * One of the secret or the JWKS URL; in production also the issuer and audience (a token another
 * service of the same identity provider obtained must not pass here) and an https JWKS URL.
 */
export function assertAuthConfigured(c: AuthConfig): void {
  if (!c.AUTH_JWT_SECRET && !c.AUTH_JWKS_URL) {
    throw new ConfigError('AUTH_JWT_SECRET', 'is required but not set (or set AUTH_JWKS_URL)');
  }
  const production = c.NODE_ENV === 'production';
  if (c.AUTH_JWKS_URL) {
    const problem = jwksUrlProblem(c.AUTH_JWKS_URL, production);
    if (problem) throw new ConfigError('AUTH_JWKS_URL', `is invalid: ${problem}`);
  }
  if (production) {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
      if (!c[name]) throw new ConfigError(name, 'is required when NODE_ENV=production but not set');
    }
  }
}

/** The token verifier a service's `authConfigShape` settings describe. */
export function tokenVerifierFor(c: AuthConfig): TokenVerifier {
  return createTokenVerifier({
    secret: c.AUTH_JWT_SECRET,
    jwksUrl: c.AUTH_JWKS_URL,
    issuer: c.AUTH_ISSUER,
    audience: c.AUTH_AUDIENCE,
    maxTokenAgeSeconds: c.AUTH_MAX_TOKEN_AGE,
    production: c.NODE_ENV === 'production',
  });
}

export interface Runtime<C extends CommonConfig> {
  name: string;
  config: C;
  logger: Logger;
  metrics: Metrics;
  broker: Broker;
}

export interface ServiceParts {
  consumers: ConsumerSpec<any>[];
  routes?: (app: Express) => void;
  /** HTTP status of each domain error code the routes may throw. */
  domainStatuses?: Record<string, number>;
  readiness?: ReadinessCheck[];
  info?: () => Record<string, unknown>;
  /** The OpenAPI document served at GET /openapi.json on the public port. */
  openapi?: () => object;
  /** Stops background work that publishes (outbox pollers, timers), before consumers and broker stop. */
  beforeStop?: () => Promise<void>;
  /** Releases what setup opened (database pools, file watchers), after consumers have stopped. */
  close?: () => Promise<void>;
}

export interface RunningService {
  name: string;
  port: number;
  server: Server;
  /** The operator listener's port (ADMIN_PORT): /metrics, /healthz, /readyz. */
  adminPort: number;
  adminServer: Server;
  broker: Broker;
  consumers: Consumer[];
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * The one composition of every service: broker (with the topology of its queues), consumers,
 * HTTP app with health/readiness/metrics, and an orderly stop: HTTP closes, consumers stop
 * taking messages and finish the ones in flight, then connections close.
 */
export async function startService<C extends CommonConfig>(opts: {
  name: string;
  config: C;
  queues: WorkQueue[];
  logger?: Logger;
  setup: (rt: Runtime<C>) => Promise<ServiceParts>;
}): Promise<RunningService> {
  const { name, config } = opts;
  // Before anything connects: a clash of PORT and ADMIN_PORT is a configuration error.
  const adminPortWanted = adminPortFor(config.PORT, config.ADMIN_PORT);
  const logger = opts.logger ?? createLogger(name, config.LOG_LEVEL);
  const metrics = createMetrics(name);
  const tracing = startTracing(name, { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const broker = connectBroker({
    url: config.AMQP_URL,
    name,
    logger,
    metrics,
    queues: opts.queues,
    topology: {
      queueType: config.QUEUE_TYPE,
      retryDelaysMs: config.RETRY_DELAYS_MS,
      deliveryLimit: config.DELIVERY_LIMIT,
    },
    publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
    trustedPublishers: config.TRUSTED_PUBLISHERS,
  });
  let parts: ServiceParts;
  try {
    parts = await opts.setup({ name, config, logger, metrics, broker });
  } catch (err) {
    await broker.close().catch(() => undefined);
    await tracing.shutdown();
    throw err;
  }
  const consumers = parts.consumers.map((spec) => startConsumer(broker, spec));
  const probe = cachedReadiness([
    {
      name: 'broker',
      check: () => {
        if (!broker.isConnected()) throw new Error('not connected to RabbitMQ');
        const idle = consumers.filter((c) => !c.isConnected()).map((c) => c.queue);
        if (idle.length) throw new Error(`not consuming ${idle.join(', ')}`);
      },
    },
    queueArgumentsCheck(broker),
    ...(parts.readiness ?? []),
  ]);
  const app = createHttpApp({
    logger,
    probe,
    info: parts.info,
    trustProxy: config.TRUST_PROXY,
    authRateLimitPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE,
    authServiceRateLimitPerMinute: config.AUTH_SERVICE_RATE_LIMIT_PER_MINUTE,
    routes: parts.routes ?? (() => undefined),
    domainStatuses: parts.domainStatuses,
    openapi: parts.openapi,
  });
  const admin = createAdminApp({ metrics, probe, info: parts.info });
  let server: Server;
  let port: number;
  let adminServer: Server;
  let adminPort: number;
  try {
    ({ server, port } = await listen(app, config.PORT));
    try {
      ({ server: adminServer, port: adminPort } = await listen(admin, adminPortWanted, config.ADMIN_HOST));
    } catch (err) {
      server.close();
      throw err;
    }
  } catch (err) {
    // Port taken or similar: undo what started so nothing keeps running behind the error.
    await Promise.all(consumers.map((c) => c.stop(0)));
    await broker.close().catch(() => undefined);
    await parts.close?.().catch(() => undefined);
    await tracing.shutdown();
    throw err;
  }
  logger.info(
    { port, adminPort, adminHost: config.ADMIN_HOST, broker: redactUrl(config.AMQP_URL) },
    `${name} started`,
  );

  let stopping: Promise<void> | undefined;
  return {
    name,
    port,
    server,
    adminPort,
    adminServer,
    broker,
    consumers,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping');
        const { closed, cut } = beginClose(server);
        await parts.beforeStop?.();
        await Promise.all(consumers.map((c) => c.stop(config.SHUTDOWN_TIMEOUT_MS)));
        await broker.close();
        await parts.close?.();
        cut();
        await closed;
        // Closed last: metrics stay readable while the consumers drain.
        const admin = beginClose(adminServer);
        admin.cut();
        await admin.closed;
        // Last: the spans of the drain are exported too.
        await tracing.shutdown().catch(() => undefined);
        logger.info('stopped');
      })()),
  };
}

/** What a service started by a parent with an IPC channel sends it once it listens. */
export interface ListeningReport {
  type: 'listening';
  port: number;
  adminPort: number;
}

/**
 * Tells the parent process, when there is one with an IPC channel (`spawn` with `'ipc'` in its
 * stdio, as scripts/suite.ts does), the ports bound: with PORT=0 / ADMIN_PORT=0 the kernel
 * chose them, and only this process knows which. Independent of LOG_LEVEL, unlike the
 * "<name> started" log line that carries them too. The channel is unref'd: it never keeps the
 * service alive.
 */
function reportListening(svc: Partial<Pick<RunningService, 'port' | 'adminPort'>>): void {
  if (!process.send || svc.port === undefined || svc.adminPort === undefined) return;
  const report: ListeningReport = { type: 'listening', port: svc.port, adminPort: svc.adminPort };
  process.send(report, (err: Error | null) => {
    if (err) process.stderr.write(`could not report the bound ports to the parent: ${err.message}\n`);
  });
  process.channel?.unref();
}

/**
 * Process entry: starts the service, stops it cleanly on SIGTERM/SIGINT (a second signal forces
 * exit), and turns a configuration error into one clear line and exit code 1.
 */
export function runMain(
  name: string,
  start: (
    env: NodeJS.ProcessEnv,
  ) => Promise<Pick<RunningService, 'logger' | 'stop'> & Partial<Pick<RunningService, 'port' | 'adminPort'>>>,
): void {
  start(process.env).then(
    (svc) => {
      reportListening(svc);
      let signals = 0;
      const onSignal = (signal: string) => {
        if (++signals > 1) process.exit(1);
        svc.logger.info({ signal }, 'shutting down');
        svc.stop().then(
          () => process.exit(0),
          (err) => {
            svc.logger.error({ err }, 'unclean shutdown');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
    },
    (err) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${name}: ${err.message}\n`);
      } else {
        process.stderr.write(
          `${name}: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
      process.exit(1);
    },
  );
}

export { common as serviceConfigShape };

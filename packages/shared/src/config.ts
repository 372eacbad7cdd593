import { z } from 'zod';
import { parseBrokerUrls } from './messaging/urls';

export { redactUrl } from './messaging/urls';

/** A setting that is missing or malformed: start-up stops with one line naming it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const delays = z
  .string()
  .regex(/^\d+(,\d+)*$/, { message: 'must be a comma-separated list of milliseconds' })
  .transform((s) => s.split(',').map(Number));

/** Zod helpers for env values (strings in, typed values out). */
export const env = {
  string: () => z.string().min(1),
  url: (protocols: RegExp) =>
    z.string().refine(
      (v) => {
        try {
          return protocols.test(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: 'must be a URL' },
    ),
  int: (min: number, max: number) => z.coerce.number().int().min(min).max(max),
  boolean: () => boolean,
  delays: () => delays,
  enum: <T extends readonly [string, ...string[]]>(values: T) => z.enum(values),
  /**
   * One broker URL or a comma-separated list of them (the nodes of a cluster), each amqp: or
   * amqps:, all with the same user and vhost; spaces around the commas are dropped.
   */
  brokerUrls: () =>
    z
      .string()
      .superRefine((v, ctx) => {
        try {
          parseBrokerUrls(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      })
      .transform((v) => parseBrokerUrls(v).join(',')),
};

/** Settings every service has (SPEC §2 plus the runtime's knobs). */
export const commonConfigShape = {
  /** One broker, or every node of a cluster: `amqp://u:p@rabbit-1/vh,amqp://u:p@rabbit-2/vh`. */
  AMQP_URL: env.brokerUrls().default('amqp://guest:guest@127.0.0.1:5672'),
  LOG_LEVEL: env
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const)
    .default('info'),
  QUEUE_TYPE: env.enum(['quorum', 'classic'] as const).default('quorum'),
  PREFETCH: env.int(1, 5000).default(200),
  /** Delays of the retry path; a message is tried once more per entry, then dead-lettered. */
  RETRY_DELAYS_MS: env.delays().default([1000, 5000, 30000, 120000, 600000]),
  /** Quorum queues: deliveries before the broker itself dead-letters a message that keeps crashing consumers. */
  DELIVERY_LIMIT: env.int(1, 1000).default(20),
  PUBLISH_TIMEOUT_MS: env.int(100, 600000).default(30000),
  SHUTDOWN_TIMEOUT_MS: env.int(0, 600000).default(30000),
  /**
   * Which proxies' X-Forwarded-For to believe (Express "trust proxy": `loopback`, a CIDR list,
   * a hop count). Per-client rate limits key on the client address, so set it to your ingress.
   */
  TRUST_PROXY: z.string().min(1).default('loopback'),
  /**
   * Consumers accept an event only when its AMQP user_id is the broker user SPEC §3 names as its
   * producer (PRODUCERS); anything else is dead-lettered as `untrusted_publisher`. Needs one
   * broker user per service and party (deploy/rabbitmq/definitions.json).
   */
  TRUSTED_PUBLISHERS: env.boolean().default(false),
};

/** `login-history` → `LOGIN_HISTORY_`: a prefixed variable overrides the plain one (SPEC §2). */
export function envPrefix(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]+/g, '_') + '_';
}

/**
 * Reads and validates the service's settings from the environment. Empty strings count as unset
 * so `FOO=` in a compose file does not smuggle in an invalid value.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const prefix = envPrefix(service);
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    // Empty counts as unset, for the prefixed and the plain variable alike.
    const own = source[prefix + key];
    const value = own !== undefined && own !== '' ? own : source[key];
    raw[key] = value === '' ? undefined : value;
  }
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? '?');
    const problem = raw[variable] === undefined ? 'is required but not set' : `is invalid: ${issue.message}`;
    throw new ConfigError(variable, problem);
  }
  return parsed.data;
}

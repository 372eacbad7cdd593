import {
  ConfigError,
  assertAuthConfigured,
  authConfigShape,
  channelName,
  countryCode,
  databaseConfigShape,
  env,
  loadConfig,
  policyName,
  serviceConfigShape,
} from '@account-security/shared';
import type { SignalThresholds } from './domain/signals';
import type { Channel, Locale } from './domain/types';
import { z } from 'zod';

export const SERVICE_NAME = 'account-guard';

const channelList = z
  .string()
  .regex(/^[a-z_]+(,[a-z_]+)*$/, { message: 'must be a comma-separated list of email, sms, in_game' })
  .transform((s, ctx) => {
    const out: Channel[] = [];
    for (const part of s.split(',')) {
      const parsed = channelName.safeParse(part);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not one of email, sms, in_game` });
        return z.NEVER;
      }
      if (!out.includes(parsed.data)) out.push(parsed.data);
    }
    return out;
  });

/** A Twilio sender: an E.164 number or a Messaging Service SID. */
const twilioSender = z.string().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, {
  message: 'must be an E.164 number or a Messaging Service SID',
});

/** A duration: seconds, or a number with `s`, `m` or `h` (`600`, `10m`). Parsed to seconds. */
const duration = z
  .string()
  .regex(/^\d{1,7}[smh]?$/, { message: 'must be a duration such as 600, 600s, 10m or 1h' })
  .transform((s) => {
    const n = Number.parseInt(s, 10);
    const unit = s.at(-1);
    return unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
  });

export const configShape = {
  ...serviceConfigShape,
  PORT: serviceConfigShape.PORT.default(3003),
  ...databaseConfigShape('account_guard'),
  /** Shared by the consumer's batches (see the login.recorded consumer), the HTTP API and the outbox worker. */
  DATABASE_POOL_SIZE: env.int(5, 200).default(20),
  /** Logins decided per database transaction; keep batch size × concurrency at most PREFETCH so batches can fill. */
  CONSUMER_BATCH_SIZE: env.int(1, 500).default(100),
  /** How long a partial batch waits for more logins. */
  CONSUMER_BATCH_DELAY_MS: env.int(0, 10000).default(5),
  /** Batches handled at once. */
  CONSUMER_CONCURRENCY: env.int(1, 32).default(2),
  ...authConfigShape,
  HOME_COUNTRY: countryCode.default('KR'),
  DEFAULT_POLICY: policyName.default('notify'),
  DEFAULT_CHANNELS: channelList.default(['email', 'in_game']),
  DEFAULT_LOCALE: env.enum(['en', 'ko'] as const).default('en'),
  PUBLIC_URL: env
    .url(/^https?:$/)
    .default('http://127.0.0.1:3003')
    .transform((u) => u.replace(/\/+$/, '')),
  /** Where a player changes their protection settings; mentioned in every notice when set. */
  SETTINGS_URL: env.url(/^https?:$/).optional(),
  SMTP_URL: env.url(/^smtps?:$/).optional(),
  MAIL_FROM: env.string().max(320).optional(),
  SMTP_TIMEOUT_MS: env.int(1000, 300000).default(15000),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, { message: 'must be an Account SID (AC…)' })
    .optional(),
  TWILIO_AUTH_TOKEN: env.string().optional(),
  TWILIO_FROM: twilioSender.optional(),
  TWILIO_TIMEOUT_MS: env.int(1000, 300000).default(15000),
  /**
   * Where Twilio's REST API is reached instead of https://api.twilio.com: an egress proxy, a
   * Twilio-compatible gateway, or a stand-in server in tests. Paths stay Twilio's own.
   */
  TWILIO_API_URL: env.url(/^https?:$/).optional(),
  UNLOCK_TOKEN_TTL_MINUTES: env.int(1, 60 * 24 * 30).default(60 * 24),
  /**
   * Refused one-time-link requests per window before 429: unknown tokens per client address, and
   * a real token's refusals per token and address (so a guesser cannot block a real link).
   */
  UNLOCK_RATE_LIMIT: env.int(1, 100000).default(10),
  UNLOCK_RATE_WINDOW_MINUTES: env.int(1, 24 * 60).default(15),
  /** Poll interval of the notification outbox, and the first retry delay after a failed delivery. */
  NOTIFY_RETRY_MS: env.int(50, 600000).default(2000),
  /** Upper bound of the (doubling) retry delay of a failed delivery. */
  NOTIFY_RETRY_MAX_MS: env.int(50, 24 * 3600 * 1000).default(60_000),
  /** Deliveries attempted per notification before it is marked failed (about a day with the defaults). */
  NOTIFY_MAX_ATTEMPTS: env.int(1, 100000).default(1500),
  NOTIFY_BATCH_SIZE: env.int(1, 500).default(20),
  /**
   * How recent a player's sign-in (`auth_time`, else `iat`) must be to lower protection, in
   * seconds once parsed.
   */
  STEP_UP_MAX_AGE: duration.default(600),
  /** Notices an account gets per channel per hour (lock notices always go out, and count). */
  NOTIFY_MAX_PER_HOUR: env.int(1, 100000).default(10),
  /** Text messages one destination number gets per hour, over every account that names it. */
  SMS_MAX_PER_HOUR_PER_NUMBER: env.int(1, 100000).default(5),
  // SPEC §7's signals and score (README "Risk assessment").
  /** Earlier logins an account needs before a new device/network, impossible travel or the score count. */
  SIGNAL_MIN_HISTORY: env.int(0, 2_000_000_000).default(3),
  /** impossible_travel: farther than this (km) from the previous login… */
  IMPOSSIBLE_TRAVEL_MIN_KM: env.int(0, 1_000_000).default(500),
  /** …and faster than this (km/h). */
  IMPOSSIBLE_TRAVEL_MIN_KMH: env.int(0, 1_000_000).default(1000),
  /** credential_stuffing_ip: distinct accounts this IP failed on in login-history's window. */
  CREDENTIAL_STUFFING_MIN_ACCOUNTS: env.int(1, 1_000_000).default(20),
  /** brute_force: failed logins on the account in login-history's window. */
  BRUTE_FORCE_MIN_FAILURES: env.int(1, 1_000_000).default(10),
  /** Risk (0–100) at or above which a login is unusual by its score alone; 101 turns that off. */
  RISK_UNUSUAL_THRESHOLD: env.int(0, 101).default(50),
  /** reported_ip: how long a player's "not me" counts against the login's IP, in days (SPEC §7: 30). */
  REPORTED_IP_DAYS: env.int(1, 3650).default(30),
  /** SPEC §8: the longest travel pass, in days. */
  TRAVEL_PASS_MAX_DAYS: env.int(1, 3650).default(90),
  /** SPEC §8: the travel pass "it was me" grants the login's country, in days (at most TRAVEL_PASS_MAX_DAYS). */
  FEEDBACK_TRAVEL_PASS_DAYS: env.int(1, 3650).default(30),
  /**
   * SPEC §8: "it was me" through a player's bearer token needs a token issued at least this many
   * seconds before the login (its `iat` against the login server's time), so a clock of the
   * identity provider running behind the login servers' cannot let whoever just signed in vouch
   * for themselves. 0 allows a token of the login's own second.
   */
  FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS: env.int(0, 86_400).default(60),
  /**
   * SPEC §10: `shadow` assesses, decides and audits every login as usual but carries nothing
   * out (no notice, kick, block or lock); its actions are recorded with the status `shadow`.
   */
  ENFORCEMENT: env.enum(['enforce', 'shadow'] as const).default('enforce'),
  /**
   * Names this deployment beside another account-guard on the same broker (a shadow running a
   * new threshold): its queues become `account-guard.<instance>.<routing key>` and its retry
   * exchange `account-guard.<instance>.retry`. Unset: `account-guard.<routing key>`, as always.
   */
  SERVICE_INSTANCE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, {
      message: 'must be 1-32 lowercase letters, digits or dashes (not starting with a dash)',
    })
    .optional(),
};

export type AppConfig = z.infer<z.ZodObject<typeof configShape>> & {
  DEFAULT_CHANNELS: Channel[];
  DEFAULT_LOCALE: Locale;
};

/** All-or-none groups: half a configuration is a mistake worth stopping for, not a silent skip. */
function assertGroup(c: Record<string, unknown>, names: string[]): void {
  const set = names.filter((n) => c[n] !== undefined);
  if (set.length === 0 || set.length === names.length) return;
  const missing = names.find((n) => c[n] === undefined)!;
  throw new ConfigError(
    missing,
    `is required when ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set`,
  );
}

/**
 * The name this deployment declares its queues and retry exchange under: `account-guard`, or
 * `account-guard.<SERVICE_INSTANCE>` (still inside the account-guard broker user's rights,
 * `^account-guard\..*`).
 */
export function deploymentName(c: Pick<AppConfig, 'SERVICE_INSTANCE'>): string {
  return c.SERVICE_INSTANCE ? `${SERVICE_NAME}.${c.SERVICE_INSTANCE}` : SERVICE_NAME;
}

/** The signals' limits as the domain takes them. */
export function signalThresholds(c: AppConfig): SignalThresholds {
  return {
    minHistory: c.SIGNAL_MIN_HISTORY,
    impossibleTravelMinKm: c.IMPOSSIBLE_TRAVEL_MIN_KM,
    impossibleTravelMinKmh: c.IMPOSSIBLE_TRAVEL_MIN_KMH,
    credentialStuffingMinAccounts: c.CREDENTIAL_STUFFING_MIN_ACCOUNTS,
    bruteForceMinFailures: c.BRUTE_FORCE_MIN_FAILURES,
    riskUnusualThreshold: c.RISK_UNUSUAL_THRESHOLD,
    reportedIpDays: c.REPORTED_IP_DAYS,
  };
}

export function loadAccountGuardConfig(source: NodeJS.ProcessEnv): AppConfig {
  const config = loadConfig(SERVICE_NAME, configShape, source) as AppConfig;
  assertAuthConfigured(config);
  assertGroup(config, ['SMTP_URL', 'MAIL_FROM']);
  assertGroup(config, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']);
  if (config.FEEDBACK_TRAVEL_PASS_DAYS > config.TRAVEL_PASS_MAX_DAYS) {
    throw new ConfigError(
      'FEEDBACK_TRAVEL_PASS_DAYS',
      'is invalid: must not be larger than TRAVEL_PASS_MAX_DAYS',
    );
  }
  if (config.NOTIFY_RETRY_MAX_MS < config.NOTIFY_RETRY_MS) {
    throw new ConfigError('NOTIFY_RETRY_MAX_MS', 'is invalid: must not be smaller than NOTIFY_RETRY_MS');
  }
  return config;
}

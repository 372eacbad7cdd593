import { ConfigError, loadConfig } from '@account-security/shared';
import { SERVICE_NAME, configShape, signalThresholds } from '../../src/config';
import type { AppConfig } from '../../src/config';
import type { SignalThresholds } from '../../src/domain/signals';
import type { Channel, Locale, Policy } from '../../src/domain/types';

/** The settings a replay judges with: the deployment's own (env), or those a file overrides. */
export interface ReplaySettings {
  thresholds: SignalThresholds;
  defaultPolicy: Policy;
  defaultChannels: Channel[];
  defaultLocale: Locale;
  homeCountry: string;
  channelsEnabled: Record<Channel, boolean>;
  /** What the file changed, by env name (empty: the current settings). */
  overrides: Record<string, string>;
}

/** The env settings a replay reads; a settings file may set these and no others. */
export const REPLAY_SETTINGS = [
  'HOME_COUNTRY',
  'DEFAULT_POLICY',
  'DEFAULT_CHANNELS',
  'DEFAULT_LOCALE',
  'SIGNAL_MIN_HISTORY',
  'IMPOSSIBLE_TRAVEL_MIN_KM',
  'IMPOSSIBLE_TRAVEL_MIN_KMH',
  'CREDENTIAL_STUFFING_MIN_ACCOUNTS',
  'BRUTE_FORCE_MIN_FAILURES',
  'RISK_UNUSUAL_THRESHOLD',
  'REPORTED_IP_DAYS',
] as const;

/** A settings file that is not usable: one line saying which setting and why. */
export class SettingsFileError extends Error {}

/**
 * The file's overrides as env values: a JSON object of REPLAY_SETTINGS names to numbers or
 * strings (a channel list as "email,in_game" or ["email","in_game"]).
 */
export function parseSettingsFile(text: string, file: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SettingsFileError(`${file}: is not JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new SettingsFileError(`${file}: must be a JSON object of settings by env name`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(REPLAY_SETTINGS as readonly string[]).includes(key))
      throw new SettingsFileError(
        `${file}: ${key} is not a setting the replay uses (one of ${REPLAY_SETTINGS.join(', ')})`,
      );
    if (typeof v === 'number' || typeof v === 'string') out[key] = String(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = v.join(',');
    else throw new SettingsFileError(`${file}: ${key} must be a number or a string`);
  }
  return out;
}

/**
 * account-guard's settings as config.ts reads them from `env` (the prefixed ACCOUNT_GUARD_…
 * first), with the file's overrides on top, validated by the same zod schema: a bad value is
 * the same one line the service would stop with. Channels are enabled as the service enables
 * them: email with SMTP_URL and MAIL_FROM, SMS with the Twilio settings, in-game always.
 */
export function replaySettings(
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string> = {},
  file = 'settings file',
): ReplaySettings {
  const source: NodeJS.ProcessEnv = { ...env };
  for (const [k, v] of Object.entries(overrides)) {
    source[k] = v;
    delete source[`ACCOUNT_GUARD_${k}`];
  }
  let c: AppConfig;
  try {
    c = loadConfig(SERVICE_NAME, configShape, source) as AppConfig;
  } catch (err) {
    if (err instanceof ConfigError && err.variable in overrides)
      throw new SettingsFileError(`${file}: ${err.message}`);
    throw err;
  }
  return {
    thresholds: signalThresholds(c),
    defaultPolicy: c.DEFAULT_POLICY,
    defaultChannels: c.DEFAULT_CHANNELS,
    defaultLocale: c.DEFAULT_LOCALE,
    homeCountry: c.HOME_COUNTRY,
    channelsEnabled: {
      email: c.SMTP_URL !== undefined && c.MAIL_FROM !== undefined,
      sms:
        c.TWILIO_ACCOUNT_SID !== undefined &&
        c.TWILIO_AUTH_TOKEN !== undefined &&
        c.TWILIO_FROM !== undefined,
      in_game: true,
    },
    overrides,
  };
}

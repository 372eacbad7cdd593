import { ConfigError } from '@account-security/shared';
import { loadAccountGuardConfig } from '../../src/config';

const SECRET = { AUTH_JWT_SECRET: 'x'.repeat(32) };
const SID = 'AC' + '0'.repeat(32);

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadAccountGuardConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('account-guard configuration', () => {
  test('when nothing but the auth secret is set, then the SPEC defaults apply and both paid channels are off', () => {
    const c = loadAccountGuardConfig(SECRET);
    expect(c).toMatchObject({
      PORT: 3003,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/account_guard',
      HOME_COUNTRY: 'KR',
      DEFAULT_POLICY: 'notify',
      DEFAULT_CHANNELS: ['email', 'in_game'],
      PUBLIC_URL: 'http://127.0.0.1:3003',
      UNLOCK_TOKEN_TTL_MINUTES: 1440,
    });
    expect(c.SMTP_URL).toBeUndefined();
    expect(c.TWILIO_ACCOUNT_SID).toBeUndefined();
  });

  test('when the step-up age and notice caps are left out or set, then they default to 10 min, 10 and 5 and take seconds or s/m/h', () => {
    expect(loadAccountGuardConfig(SECRET)).toMatchObject({
      STEP_UP_MAX_AGE: 600,
      NOTIFY_MAX_PER_HOUR: 10,
      SMS_MAX_PER_HOUR_PER_NUMBER: 5,
    });
    expect(loadAccountGuardConfig({ ...SECRET, STEP_UP_MAX_AGE: '45' }).STEP_UP_MAX_AGE).toBe(45);
    expect(loadAccountGuardConfig({ ...SECRET, STEP_UP_MAX_AGE: '30s' }).STEP_UP_MAX_AGE).toBe(30);
    expect(loadAccountGuardConfig({ ...SECRET, STEP_UP_MAX_AGE: '5m' }).STEP_UP_MAX_AGE).toBe(300);
    expect(loadAccountGuardConfig({ ...SECRET, STEP_UP_MAX_AGE: '1h' }).STEP_UP_MAX_AGE).toBe(3600);
    expect(errorOf({ ...SECRET, STEP_UP_MAX_AGE: 'ten minutes' }).message).toMatch(/STEP_UP_MAX_AGE/);
    expect(errorOf({ ...SECRET, NOTIFY_MAX_PER_HOUR: '0' }).message).toMatch(/NOTIFY_MAX_PER_HOUR/);
  });

  test('when ACCOUNT_GUARD_-prefixed variables are set, then they override the plain ones', () => {
    const c = loadAccountGuardConfig({
      ...SECRET,
      PORT: '1',
      ACCOUNT_GUARD_PORT: '4000',
      DEFAULT_CHANNELS: 'sms,sms,in_game',
    });
    expect(c.PORT).toBe(4000);
    expect(c.DEFAULT_CHANNELS).toEqual(['sms', 'in_game']);
  });

  test('when no auth is configured, then start-up stops naming AUTH_JWT_SECRET', () => {
    expect(errorOf({}).message).toMatch(/AUTH_JWT_SECRET/);
  });

  test('when only part of the Twilio settings is given, then start-up stops naming the missing one', () => {
    expect(errorOf({ ...SECRET, TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't' }).variable).toBe(
      'TWILIO_FROM',
    );
    expect(errorOf({ ...SECRET, TWILIO_FROM: '+15005550006' }).variable).toBe('TWILIO_ACCOUNT_SID');
  });

  test('when SMTP_URL is given without MAIL_FROM, then start-up stops naming MAIL_FROM', () => {
    expect(errorOf({ ...SECRET, SMTP_URL: 'smtp://127.0.0.1:25' }).variable).toBe('MAIL_FROM');
  });

  test('when values are malformed, then start-up stops naming the variable', () => {
    expect(errorOf({ ...SECRET, DEFAULT_POLICY: 'ban' }).variable).toBe('DEFAULT_POLICY');
    expect(errorOf({ ...SECRET, DEFAULT_CHANNELS: 'email,pager' }).variable).toBe('DEFAULT_CHANNELS');
    expect(errorOf({ ...SECRET, HOME_COUNTRY: 'kr' }).variable).toBe('HOME_COUNTRY');
    expect(errorOf({ ...SECRET, SMTP_URL: 'http://mail', MAIL_FROM: 'a@b' }).variable).toBe('SMTP_URL');
    expect(
      errorOf({ ...SECRET, TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+15005550006' })
        .variable,
    ).toBe('TWILIO_ACCOUNT_SID');
  });

  test('when PUBLIC_URL ends with a slash, then links are built without a double slash', () => {
    expect(loadAccountGuardConfig({ ...SECRET, PUBLIC_URL: 'https://guard.example/' }).PUBLIC_URL).toBe(
      'https://guard.example',
    );
  });
});

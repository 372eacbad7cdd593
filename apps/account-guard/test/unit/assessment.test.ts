import { assessLogin } from '../../src/domain/assessment';
import { DEFAULT_THRESHOLDS } from '../../src/domain/signals';
import type { LoginFacts, ProtectionSettings } from '../../src/domain/types';

const settings = (over: Partial<ProtectionSettings> = {}): ProtectionSettings => ({
  policy: 'notify',
  channels: ['email'],
  email: 'p@example.com',
  phone: null,
  trustedCountries: [],
  locale: 'en',
  ...over,
});

const login = (over: Partial<LoginFacts> = {}): LoginFacts => ({
  loginId: 'login-1',
  accountId: 'acc-1',
  sessionId: 's-1',
  ip: '203.0.113.7',
  country: 'KR',
  homeCountry: 'KR',
  at: '2026-11-21T10:15:00.000Z',
  ...over,
});

describe('assessing a login', () => {
  test('when the login comes from the home country, then it is trusted with no reasons', () => {
    expect(assessLogin(login(), settings())).toMatchObject({ verdict: 'trusted', reasons: [], signals: [] });
  });

  test('when the login comes from a country that is neither home nor trusted, then it is suspicious because of a foreign country', () => {
    expect(assessLogin(login({ country: 'JP' }), settings())).toMatchObject({
      verdict: 'suspicious',
      reasons: ['foreign_country'],
    });
  });

  test('when the login comes from one of the trusted countries, then it is trusted and the reason is noted', () => {
    expect(assessLogin(login({ country: 'JP' }), settings({ trustedCountries: ['US', 'JP'] }))).toMatchObject(
      {
        verdict: 'trusted',
        reasons: ['trusted_country'],
      },
    );
  });

  test('when the country is unknown, then the login is trusted and why the country is unknown is recorded', () => {
    expect(assessLogin(login({ country: null, countryUnknownReason: 'private' }), settings())).toMatchObject({
      verdict: 'trusted',
      reasons: ['country_unknown:private'],
    });
  });

  test('when the event names another home country, then that country is home and the default one is foreign', () => {
    expect(assessLogin(login({ country: 'US', homeCountry: 'US' }), settings()).verdict).toBe('trusted');
    expect(assessLogin(login({ country: 'KR', homeCountry: 'US' }), settings()).verdict).toBe('suspicious');
  });

  test('when several signals fire, then any suspicious one makes the login suspicious and reasons list suspicious codes first, then unusual ones, then notes', () => {
    const a = assessLogin(
      login({
        country: 'JP',
        deviceId: 'd',
        history: {
          logins: 5,
          features: {
            device: { account: 0, global: 0 },
            prefix: { account: 1, global: 3, prefix: '203.0.113.0/24' },
          },
        },
      }),
      settings(),
      DEFAULT_THRESHOLDS,
    );
    expect(a.verdict).toBe('suspicious');
    expect(a.reasons).toEqual(['foreign_country', 'new_device']);
  });
});

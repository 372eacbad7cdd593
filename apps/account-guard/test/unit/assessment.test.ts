import { assessLogin, countrySignal, Signal } from '../../src/domain/assessment';
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
    expect(assessLogin(login(), settings())).toEqual({ verdict: 'trusted', reasons: [] });
  });

  test('when the login comes from a country that is neither home nor trusted, then it is suspicious because of a foreign country', () => {
    expect(assessLogin(login({ country: 'JP' }), settings())).toEqual({
      verdict: 'suspicious',
      reasons: ['foreign_country'],
    });
  });

  test('when the login comes from one of the trusted countries, then it is trusted and the reason is noted', () => {
    expect(assessLogin(login({ country: 'JP' }), settings({ trustedCountries: ['US', 'JP'] }))).toEqual({
      verdict: 'trusted',
      reasons: ['trusted_country'],
    });
  });

  test('when the country is unknown, then the login is trusted and why the country is unknown is recorded', () => {
    expect(assessLogin(login({ country: null, countryUnknownReason: 'private' }), settings())).toEqual({
      verdict: 'trusted',
      reasons: ['country_unknown:private'],
    });
  });

  test('when the event names another home country, then that country is home and the default one is foreign', () => {
    expect(assessLogin(login({ country: 'US', homeCountry: 'US' }), settings()).verdict).toBe('trusted');
    expect(assessLogin(login({ country: 'KR', homeCountry: 'US' }), settings()).verdict).toBe('suspicious');
  });

  test('when more signals are added, then any suspicious one makes the login suspicious and reasons are merged without duplicates', () => {
    const newDevice: Signal = () => ({ suspicious: ['new_device'] });
    const noisy: Signal = () => ({ suspicious: ['new_device'], notes: ['vpn_exit'] });
    expect(assessLogin(login(), settings(), [countrySignal, newDevice, noisy])).toEqual({
      verdict: 'suspicious',
      reasons: ['new_device', 'vpn_exit'],
    });
    expect(assessLogin(login({ country: 'JP' }), settings(), [countrySignal, newDevice])).toEqual({
      verdict: 'suspicious',
      reasons: ['foreign_country', 'new_device'],
    });
  });
});

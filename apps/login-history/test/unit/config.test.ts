import { ConfigError } from '@account-security/shared';
import { loadServiceConfig } from '../../src/config';

const base = { AUTH_JWT_SECRET: 'a-secret-that-is-long-enough-for-the-tests-0123456789' };

describe('DEVICE_ID_KEY', () => {
  test('when NODE_ENV=production and no key is set, then start-up stops with one line naming it', () => {
    const load = () =>
      loadServiceConfig({ ...base, NODE_ENV: 'production', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/DEVICE_ID_KEY is required when NODE_ENV=production/);
  });

  test('when outside production no key is set, then a fixed development key is used; a set one wins', () => {
    expect(loadServiceConfig(base).DEVICE_ID_KEY).toBe(loadServiceConfig(base).DEVICE_ID_KEY);
    expect(loadServiceConfig({ ...base, DEVICE_ID_KEY: 'mine' }).DEVICE_ID_KEY).toBe('mine');
    expect(loadServiceConfig(base).FAILURE_WINDOW_MINUTES).toBe(60);
  });
});

import { ConfigError } from '@account-security/shared';
import { deploymentName, loadAccountGuardConfig } from '../../src/config';

const SECRET = { AUTH_JWT_SECRET: 'x'.repeat(32) };

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadAccountGuardConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('shadow mode and a second deployment’s queues (SPEC §10)', () => {
  test('when ENFORCEMENT is left out, then logins are enforced; shadow and enforce are taken as given', () => {
    expect(loadAccountGuardConfig(SECRET).ENFORCEMENT).toBe('enforce');
    expect(loadAccountGuardConfig({ ...SECRET, ENFORCEMENT: 'shadow' }).ENFORCEMENT).toBe('shadow');
    expect(loadAccountGuardConfig({ ...SECRET, ACCOUNT_GUARD_ENFORCEMENT: 'shadow' }).ENFORCEMENT).toBe(
      'shadow',
    );
  });

  test('when ENFORCEMENT is anything else, then start-up stops with one line naming it', () => {
    const err = errorOf({ ...SECRET, ENFORCEMENT: 'dry-run' });
    expect(err.variable).toBe('ENFORCEMENT');
    expect(err.message).toMatch(/^configuration error: ENFORCEMENT is invalid: .*"enforce"\|"shadow"/);
    expect(err.message).not.toContain('\n');
  });

  test('when SERVICE_INSTANCE is left out, then the queues keep their names; set, they get a prefix of their own', () => {
    expect(deploymentName(loadAccountGuardConfig(SECRET))).toBe('account-guard');
    expect(deploymentName(loadAccountGuardConfig({ ...SECRET, SERVICE_INSTANCE: 'shadow-2' }))).toBe(
      'account-guard.shadow-2',
    );
  });

  test('when SERVICE_INSTANCE is not a short lowercase name, then start-up stops naming it', () => {
    for (const bad of ['Shadow', 'a.b', '-x', 'x'.repeat(33), 'a b'])
      expect(errorOf({ ...SECRET, SERVICE_INSTANCE: bad }).variable).toBe('SERVICE_INSTANCE');
  });
});

import { AccountState, decideInOrder } from '../../src/domain/decide';
import type { LoginFacts, Policy, ProtectionSettings } from '../../src/domain/types';

const settings = (policy: Policy): ProtectionSettings => ({
  policy,
  channels: ['in_game'],
  email: null,
  phone: null,
  trustedCountries: [],
  locale: 'en',
});
const enabled = { email: true, sms: true, in_game: true };

let n = 0;
const login = (accountId: string, country: string | null, at: string): LoginFacts => ({
  loginId: `login-${++n}`,
  accountId,
  sessionId: `sess-${n}`,
  ip: '203.0.113.7',
  country,
  homeCountry: 'KR',
  at,
});

function decide(logins: LoginFacts[], accounts: Record<string, AccountState>) {
  let lockIds = 0;
  return decideInOrder({
    logins,
    accountOf: (id) => accounts[id] ?? { settings: settings('none'), lock: null },
    channelsEnabled: enabled,
    newLockId: () => `lock-${++lockIds}`,
  });
}

describe('deciding several logins at once', () => {
  test('when an account is locked by one login, then its later logins in the same batch are refused as account_locked', () => {
    const foreign = login('acc-a', 'JP', '2026-11-21T10:00:00.000Z');
    const home = login('acc-a', 'KR', '2026-11-21T10:00:01.000Z');
    // Given in the wrong order: the decisions follow login time.
    const [first, second] = decide([home, foreign], { 'acc-a': { settings: settings('lock'), lock: null } });
    expect(first!.login).toBe(foreign);
    expect(first!.newLock).toEqual({ lockId: 'lock-1', reason: expect.stringContaining('from JP') });
    expect(first!.plan.actions.map((a) => a.type)).toEqual(['notify', 'kick', 'lock']);
    expect(second!.login).toBe(home);
    expect(second!.assessment.verdict).toBe('trusted');
    expect(second!.plan).toEqual({
      reasons: ['account_locked'],
      actions: [{ type: 'kick', reason: 'account_locked' }],
    });
    expect(second!.newLock).toBeNull();
  });

  test('when a login of an account comes before the one that locks it, then it is judged as before the lock', () => {
    const home = login('acc-b', 'KR', '2026-11-21T09:59:59.000Z');
    const foreign = login('acc-b', 'JP', '2026-11-21T10:00:00.000Z');
    const [first, second] = decide([foreign, home], { 'acc-b': { settings: settings('lock'), lock: null } });
    expect(first!.login).toBe(home);
    expect(first!.plan.actions).toEqual([]);
    expect(second!.newLock).not.toBeNull();
  });

  test('when two foreign logins of a lock account arrive together, then only the first locks it', () => {
    const a = login('acc-c', 'JP', '2026-11-21T10:00:00.000Z');
    const b = login('acc-c', 'US', '2026-11-21T10:00:00.000Z');
    const decisions = decide([a, b], { 'acc-c': { settings: settings('lock'), lock: null } });
    // Same time: the order given.
    expect(decisions.map((d) => d.login)).toEqual([a, b]);
    expect(decisions.map((d) => d.newLock?.lockId ?? null)).toEqual(['lock-1', null]);
    expect(decisions[1]!.plan.reasons).toEqual(['foreign_country', 'account_locked']);
  });

  test('when an account is already locked, then every login of the batch is refused and none locks again', () => {
    const lock = { lockId: 'old', lockedAt: '2026-11-20T00:00:00.000Z', reason: 'earlier' };
    const decisions = decide(
      [login('acc-d', 'JP', '2026-11-21T10:00:00.000Z'), login('acc-d', 'KR', '2026-11-21T10:00:01.000Z')],
      { 'acc-d': { settings: settings('lock'), lock } },
    );
    for (const d of decisions) {
      expect(d.plan.actions).toEqual([{ type: 'kick', reason: 'account_locked' }]);
      expect(d.newLock).toBeNull();
    }
  });

  test('when logins of different accounts are decided together, then each is judged by its own account', () => {
    const decisions = decide(
      [
        login('acc-lock', 'JP', '2026-11-21T10:00:00.000Z'),
        login('acc-notify', 'JP', '2026-11-21T10:00:01.000Z'),
        login('acc-none', 'KR', '2026-11-21T10:00:02.000Z'),
      ],
      {
        'acc-lock': { settings: settings('lock'), lock: null },
        'acc-notify': { settings: settings('notify'), lock: null },
      },
    );
    expect(decisions.map((d) => [d.login.accountId, d.settings.policy, d.assessment.verdict])).toEqual([
      ['acc-lock', 'lock', 'suspicious'],
      ['acc-notify', 'notify', 'suspicious'],
      ['acc-none', 'none', 'trusted'],
    ]);
    expect(decisions[1]!.plan.actions).toEqual([{ type: 'notify', channel: 'in_game', notice: 'notify' }]);
    expect(decisions[1]!.newLock).toBeNull();
  });
});

describe('deciding in shadow (SPEC §10)', () => {
  const decideIn = (
    shadow: boolean | undefined,
    logins: LoginFacts[],
    accounts: Record<string, AccountState>,
  ) =>
    decideInOrder({
      logins,
      accountOf: (id) => accounts[id] ?? { settings: settings('none'), lock: null },
      channelsEnabled: enabled,
      newLockId: () => 'lock-1',
      ...(shadow !== undefined ? { shadow } : {}),
    });

  test('when a foreign login meets the lock policy in shadow, then the plan is the one enforcing makes, but no lock is started', () => {
    const account = { settings: settings('lock'), lock: null };
    const foreign = login('acc-s', 'JP', '2026-11-21T10:00:00.000Z');
    const [enforced] = decideIn(undefined, [foreign], { 'acc-s': account });
    const [shadowed] = decideIn(true, [foreign], { 'acc-s': account });
    expect(enforced!.shadow).toBe(false);
    expect(enforced!.newLock).not.toBeNull();
    expect(shadowed!.shadow).toBe(true);
    expect(shadowed!.newLock).toBeNull();
    expect(shadowed!.plan).toEqual(enforced!.plan);
    expect(shadowed!.plan.actions.map((a) => a.type)).toEqual(['notify', 'kick', 'lock']);
    expect(shadowed!.assessment).toEqual(enforced!.assessment);
  });

  test('when a later login of the same batch follows a lock that shadow only recorded, then it is judged against no lock', () => {
    const foreign = login('acc-t', 'JP', '2026-11-21T10:00:00.000Z');
    const home = login('acc-t', 'KR', '2026-11-21T10:00:01.000Z');
    const [, second] = decideIn(true, [foreign, home], {
      'acc-t': { settings: settings('lock'), lock: null },
    });
    expect(second!.plan).toEqual({ reasons: [], actions: [] });
    expect(second!.assessment.verdict).toBe('trusted');
  });

  test('when an account is locked already, then shadow records the kick a locked account gets', () => {
    const lock = { lockId: 'old', lockedAt: '2026-11-20T00:00:00.000Z', reason: 'support' };
    const [d] = decideIn(true, [login('acc-u', 'KR', '2026-11-21T10:00:00.000Z')], {
      'acc-u': { settings: settings('lock'), lock },
    });
    expect(d!.plan.actions).toEqual([{ type: 'kick', reason: 'account_locked' }]);
    expect(d!.shadow).toBe(true);
  });
});

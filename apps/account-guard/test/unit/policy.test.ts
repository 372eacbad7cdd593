import { planActions, PolicyInput, lockReason } from '../../src/domain/policy';
import type { Assessment, Policy, ProtectionSettings } from '../../src/domain/types';

const suspicious: Assessment = {
  verdict: 'suspicious',
  reasons: ['foreign_country'],
  risk: 0,
  signals: [{ code: 'foreign_country', level: 'suspicious', detail: { country: 'JP' } }],
};
const trusted: Assessment = { verdict: 'trusted', reasons: [], risk: 0, signals: [] };
const unusual: Assessment = {
  verdict: 'unusual',
  reasons: ['new_device'],
  risk: 40,
  signals: [{ code: 'new_device', level: 'unusual', detail: {} }],
};
const allChannels: ProtectionSettings = {
  policy: 'notify',
  channels: ['email', 'sms', 'in_game'],
  email: 'p@example.com',
  phone: '+821012345678',
  trustedCountries: [],
  locale: 'en',
};
const enabled = { email: true, sms: true, in_game: true };

const input = (policy: Policy, over: Partial<PolicyInput> = {}): PolicyInput => ({
  assessment: suspicious,
  policy,
  lock: null,
  settings: { ...allChannels, policy },
  channelsEnabled: enabled,
  ...over,
});

const notifyAll = (notice: string) => [
  { type: 'notify', channel: 'email', notice },
  { type: 'notify', channel: 'sms', notice },
  { type: 'notify', channel: 'in_game', notice },
];

describe('planning what a policy does with a login', () => {
  test('when a suspicious login meets the none policy, then nothing is done', () => {
    expect(planActions(input('none'))).toEqual({ reasons: ['foreign_country'], actions: [] });
  });

  test('when a suspicious login meets the notify policy, then every channel of the account is notified', () => {
    expect(planActions(input('notify')).actions).toEqual(notifyAll('notify'));
  });

  test('when a suspicious login meets the kick policy, then the player is notified and the session kicked as a foreign login', () => {
    expect(planActions(input('kick')).actions).toEqual([
      ...notifyAll('kick'),
      { type: 'kick', reason: 'foreign_login' },
    ]);
  });

  test('when a suspicious login meets the block policy, then the player is notified, the login blocked and the session kicked as region_blocked', () => {
    expect(planActions(input('block')).actions).toEqual([
      ...notifyAll('block'),
      { type: 'block' },
      { type: 'kick', reason: 'region_blocked' },
    ]);
  });

  test('when a suspicious login meets the lock policy, then the player is notified, the session kicked as account_locked and the account locked', () => {
    expect(planActions(input('lock')).actions).toEqual([
      ...notifyAll('lock'),
      { type: 'kick', reason: 'account_locked' },
      { type: 'lock' },
    ]);
  });

  test.each(['none', 'notify', 'kick', 'block', 'lock'] as const)(
    'when a trusted login meets the %s policy, then nothing is done',
    (policy) => {
      expect(planActions(input(policy, { assessment: trusted }))).toEqual({ reasons: [], actions: [] });
    },
  );

  test.each([
    ['a trusted', trusted],
    ['a suspicious', suspicious],
  ] as const)(
    'when %s login arrives for a locked account, then it is only kicked as account_locked',
    (_label, assessment) => {
      const plan = planActions(
        input('notify', { assessment, lock: { lockId: 'l', lockedAt: '2026-11-21T10:00:00Z', reason: 'x' } }),
      );
      expect(plan.actions).toEqual([{ type: 'kick', reason: 'account_locked' }]);
      expect(plan.reasons).toEqual([...assessment.reasons, 'account_locked']);
    },
  );

  test('when a channel is not configured or the account has no address for it, then it is planned as skipped with the reason', () => {
    const plan = planActions(
      input('notify', {
        settings: { ...allChannels, phone: null },
        channelsEnabled: { email: false, sms: true, in_game: true },
      }),
    );
    expect(plan.actions).toEqual([
      { type: 'notify', channel: 'email', notice: 'notify', skip: 'channel_disabled' },
      { type: 'notify', channel: 'sms', notice: 'notify', skip: 'no_address' },
      { type: 'notify', channel: 'in_game', notice: 'notify' },
    ]);
  });

  test('when the account chose no channels, then a kick policy still kicks', () => {
    expect(planActions(input('kick', { settings: { ...allChannels, channels: [] } })).actions).toEqual([
      { type: 'kick', reason: 'foreign_login' },
    ]);
  });

  test('when a lock reason is written, then it names the country and the reasons', () => {
    expect(lockReason(['foreign_country'], 'JP')).toBe('suspicious login from JP: foreign_country');
  });
});

describe('planning the actions of an unusual login (SPEC §7)', () => {
  const base = {
    assessment: unusual,
    lock: null,
    settings: allChannels,
    channelsEnabled: { email: true, sms: true, in_game: true },
  };
  test.each(['notify', 'kick', 'block', 'lock'] as const)(
    'when the policy is %s, then the player gets a new sign-in notice on each channel and nothing else',
    (policy) => {
      const plan = planActions({ ...base, policy });
      expect(plan.actions).toEqual([
        { type: 'notify', channel: 'email', notice: 'new_sign_in' },
        { type: 'notify', channel: 'sms', notice: 'new_sign_in' },
        { type: 'notify', channel: 'in_game', notice: 'new_sign_in' },
      ]);
      expect(plan.reasons).toEqual(['new_device']);
    },
  );
  test('when the policy is none, then nothing is done', () => {
    expect(planActions({ ...base, policy: 'none' }).actions).toEqual([]);
  });
  test('when the account is locked, then the unusual login is refused as any login to a locked account', () => {
    const plan = planActions({
      ...base,
      policy: 'notify',
      lock: { lockId: 'l', lockedAt: '2026-11-21T10:00:00.000Z', reason: 'x' },
    });
    expect(plan.actions).toEqual([{ type: 'kick', reason: 'account_locked' }]);
  });
});

import { decisionToRows } from '../../src/application/assess-logins/decision-to-rows';
import { CONFIRMED_STATUS, inPublishOrder } from '../../src/domain/actions';
import { decideInOrder } from '../../src/domain/decide';
import { deviceKey } from '../../src/domain/known';
import type { LoginFacts, Policy, ProtectionSettings } from '../../src/domain/types';

const settings = (policy: Policy): ProtectionSettings => ({
  policy,
  channels: ['in_game', 'email', 'sms'],
  email: 'player@example.test',
  phone: null,
  trustedCountries: [],
  locale: 'en',
});

const login: LoginFacts = {
  loginId: 'login-1',
  accountId: 'acc-1',
  sessionId: 'sess-1',
  ip: '203.0.113.7',
  country: 'JP',
  homeCountry: 'KR',
  at: '2026-11-21T10:00:00.000Z',
};
const origin = {
  id: 'evt-1',
  correlationid: 'login-1',
  subject: 'acc-1',
  time: login.at,
  type: 'login.recorded',
};
const now = new Date('2026-11-21T10:00:02.000Z');

function rowsFor(policy: Policy, facts: LoginFacts = login, shadow = false) {
  const [decision] = decideInOrder({
    logins: [facts],
    accountOf: () => ({ settings: settings(policy), lock: null }),
    channelsEnabled: { email: true, sms: true, in_game: true },
    newLockId: () => 'lock-1',
    shadow,
  });
  return decisionToRows(decision!, { origin, now, settingsUrl: null });
}

describe('turning a decision into rows', () => {
  test('when a foreign login locks an account, then the lock, its audit entry first, and its commands come out with the one clock reading', () => {
    const { actions, audits, locks } = rowsFor('lock');
    expect(locks).toEqual([
      expect.objectContaining({ accountId: 'acc-1', lockId: 'lock-1', loginId: 'login-1', lockedAt: now }),
    ]);
    expect(audits.map((a) => a.action)).toEqual(['account_locked', 'notification_skipped']);
    expect(actions.map((a) => [a.type, a.channel ?? null, a.status])).toEqual([
      ['notify', 'in_game', 'pending'],
      ['notify', 'email', 'pending'],
      ['notify', 'sms', 'skipped'],
      ['kick', null, 'pending'],
      ['lock', null, 'pending'],
    ]);
    const lock = actions.find((a) => a.type === 'lock')!;
    expect(lock.payload).toMatchObject({
      event: { type: 'account.locked', data: { at: now.toISOString() } },
    });
    expect(lock.nextAttemptAt!.getTime() - now.getTime()).toBe(60_000);
    const email = actions.find((a) => a.channel === 'email')!;
    expect(email.payload).toMatchObject({ to: 'player@example.test', lockId: 'lock-1' });
    expect(email.nextAttemptAt).toEqual(now);
  });

  test('when a login came with a device id and an ASN, then its decision row keeps the device’s key (never the id) and the ASN', () => {
    const { decision } = rowsFor('notify', { ...login, deviceId: 'phone-raw-id', asn: 4766 });
    expect(decision).toMatchObject({
      login_id: 'login-1',
      event_id: 'evt-1',
      account_id: 'acc-1',
      verdict: 'suspicious',
      policy: 'notify',
      device_key: deviceKey('phone-raw-id'),
      asn: 4766,
    });
    expect(decision.device_key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(decision)).not.toContain('phone-raw-id');
    expect(JSON.parse(decision.signals as string)).toEqual([
      expect.objectContaining({ code: 'foreign_country', level: 'suspicious' }),
    ]);
  });

  test('when a login came without device id or ASN, then both are null in its decision row', () => {
    const { decision } = rowsFor('none');
    expect(decision).toMatchObject({ device_key: null, asn: null });
  });

  test('when a block policy acts, then the block is done at once and audited, with no lock', () => {
    const { actions, audits, locks } = rowsFor('block');
    expect(locks).toEqual([]);
    expect(actions.find((a) => a.type === 'block')).toMatchObject({ status: 'done', completedAt: now });
    expect(audits.map((a) => a.action)).toEqual(['notification_skipped', 'login_blocked']);
  });
});

describe('turning a shadow decision into rows (SPEC §10)', () => {
  test('when a foreign login meets the lock policy in shadow, then every action it would carry out is recorded as shadow with nothing to carry out, and no lock', () => {
    const { decision, actions, audits, locks } = rowsFor('lock', login, true);
    expect(decision).toMatchObject({
      login_id: 'login-1',
      verdict: 'suspicious',
      policy: 'lock',
      shadow: true,
    });
    expect(locks).toEqual([]);
    expect(actions.map((a) => [a.type, a.channel ?? null, a.status, a.detail ?? null])).toEqual([
      ['notify', 'in_game', 'shadow', 'lock'],
      ['notify', 'email', 'shadow', 'lock'],
      // No phone: enforcing could not have sent it either.
      ['notify', 'sms', 'skipped', 'no_address'],
      ['kick', null, 'shadow', 'account_locked'],
      ['lock', null, 'shadow', null],
    ]);
    for (const a of actions) {
      expect(a.payload).toBeUndefined();
      expect(a.completedAt).toEqual(now);
    }
    expect(audits.map((a) => [a.action, a.reason])).toEqual([
      ['shadow_action', 'notification_sent'],
      ['shadow_action', 'notification_sent'],
      ['notification_skipped', 'no_address'],
      ['shadow_action', 'session_kicked'],
      ['shadow_action', 'account_locked'],
    ]);
    expect(audits[4]).toMatchObject({
      accountId: 'acc-1',
      actor: 'system',
      loginId: 'login-1',
      details: {
        shadow: true,
        type: 'lock',
        lockReason: 'suspicious login from JP: foreign_country',
        country: 'JP',
        sessionId: 'sess-1',
      },
    });
    expect(audits[0]!.details).toMatchObject({
      shadow: true,
      type: 'notify',
      channel: 'in_game',
      kind: 'lock',
    });
  });

  test('when a foreign login meets the block policy in shadow, then the block is a shadow action and no login_blocked is audited', () => {
    const { actions, audits } = rowsFor('block', login, true);
    expect(actions.find((a) => a.type === 'block')).toMatchObject({
      status: 'shadow',
      detail: 'region_blocked',
    });
    expect(audits.map((a) => a.action)).not.toContain('login_blocked');
    expect(audits.filter((a) => a.action === 'shadow_action').map((a) => a.reason)).toEqual([
      'notification_sent',
      'notification_sent',
      'login_blocked',
      'session_kicked',
    ]);
  });

  test('when a decision is enforced, then its row does not say shadow (the column keeps its default)', () => {
    expect(rowsFor('lock').decision).not.toHaveProperty('shadow');
  });
});

describe('the status rule of confirmed commands', () => {
  test('when the broker confirms a command, then a message becomes sent and anything else done', () => {
    expect(CONFIRMED_STATUS).toEqual({ notify: 'sent', kick: 'done', block: 'done', lock: 'done' });
  });

  test('when a login has several commands, then the in-game notice goes before the kick and the kick before the lock', () => {
    const order = inPublishOrder([
      { id: 3, type: 'lock' as const },
      { id: 2, type: 'kick' as const },
      { id: 1, type: 'notify' as const },
    ]);
    expect(order.map((a) => a.type)).toEqual(['notify', 'kick', 'lock']);
  });
});

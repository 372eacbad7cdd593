import { PRODUCERS } from '../../src';
import { publisherOf, untrustedReason } from '../../src/messaging/trust';

describe('who published a delivery', () => {
  test('when the user_id is another user, then it is the publisher and a header it set is ignored', () => {
    expect(
      publisherOf(
        { userId: 'game-server', headers: { 'x-original-user-id': 'login-history' } },
        'account-guard',
      ),
    ).toBe('game-server');
  });

  test("when the user_id is the service's own, then the header it wrote names the original publisher", () => {
    expect(
      publisherOf(
        { userId: 'account-guard', headers: { 'x-original-user-id': 'login-history' } },
        'account-guard',
      ),
    ).toBe('login-history');
    expect(
      publisherOf({ userId: 'account-guard', headers: { 'x-original-user-id': '' } }, 'account-guard'),
    ).toBeUndefined();
    expect(publisherOf({ userId: undefined, headers: {} }, 'account-guard')).toBeUndefined();
  });

  test('when a publisher is checked against SPEC §3, then only the named producer passes', () => {
    expect(PRODUCERS['login.recorded']).toBe('login-history');
    expect(untrustedReason('login-history', ['login.recorded'])).toBeUndefined();
    expect(untrustedReason('login-server', ['login.recorded'])).toBe(
      'login.recorded published by "login-server"; only login-history may publish it',
    );
    expect(untrustedReason(undefined, ['login.succeeded'])).toBe(
      'login.succeeded published by a publisher without user_id; only login-server may publish it',
    );
    expect(untrustedReason('account-guard', ['session.kick', 'player.message'])).toBeUndefined();
  });
});

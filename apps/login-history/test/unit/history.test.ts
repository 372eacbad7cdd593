import {
  AccountHistory,
  LoginToRecord,
  PastLogin,
  arrivingLate,
  isBefore,
  planHistory,
} from '../../src/domain/history';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute));
let seq = 0;
const login = (
  accountId: string,
  minute: number,
  country: string | null,
  recordId?: string,
): LoginToRecord => {
  seq++;
  return {
    loginId: `login-${seq}`,
    accountId,
    loggedInAt: at(minute),
    recordId: recordId ?? `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    ip: `192.0.2.${seq}`,
    country,
  };
};
const past = (l: LoginToRecord): PastLogin => ({
  loggedInAt: l.loggedInAt,
  recordId: l.recordId,
  ip: l.ip,
  country: l.country,
});
const prev = (l: LoginToRecord) => ({ loggedInAt: l.loggedInAt, ip: l.ip, country: l.country });
const historyWith = (...logins: LoginToRecord[]): AccountHistory => {
  const sorted = [...logins].sort((a, b) => (isBefore(a, b) ? -1 : 1));
  const countries = new Map();
  for (const l of sorted) {
    if (!l.country) continue;
    const seen = countries.get(l.country);
    countries.set(l.country, {
      first: seen?.first ?? { loggedInAt: l.loggedInAt, recordId: l.recordId },
      lastLoggedInAt: l.loggedInAt,
    });
  }
  return { latest: past(sorted[sorted.length - 1]!), countries };
};

describe('history facts', () => {
  test('when logins are compared, then time decides and the record id breaks ties', () => {
    const a = { loggedInAt: at(1), recordId: 'b' };
    expect(isBefore({ loggedInAt: at(0), recordId: 'z' }, a)).toBe(true);
    expect(isBefore({ loggedInAt: at(1), recordId: 'a' }, a)).toBe(true);
    expect(isBefore(a, a)).toBe(false);
    expect(isBefore({ loggedInAt: at(2), recordId: 'a' }, a)).toBe(false);
  });

  test('when an account with no history logs in from KR, then JP, then KR in one batch given in any order, then each sees the ones before it', () => {
    const kr1 = login('a', 0, 'KR');
    const jp = login('a', 10, 'JP');
    const kr2 = login('a', 20, 'KR');
    const plan = planHistory([kr2, kr1, jp], new Map(), new Map());
    expect(plan.facts.get(kr1.loginId)).toEqual({ newCountry: true, previous: null });
    expect(plan.facts.get(jp.loginId)).toEqual({ newCountry: true, previous: prev(kr1) });
    expect(plan.facts.get(kr2.loginId)).toEqual({ newCountry: false, previous: prev(jp) });
    expect(plan.latest.get('a')).toEqual(past(kr2));
    expect(plan.countries).toEqual(
      expect.arrayContaining([
        {
          accountId: 'a',
          country: 'KR',
          seen: {
            first: { loggedInAt: kr1.loggedInAt, recordId: kr1.recordId },
            lastLoggedInAt: kr2.loggedInAt,
          },
        },
        {
          accountId: 'a',
          country: 'JP',
          seen: {
            first: { loggedInAt: jp.loggedInAt, recordId: jp.recordId },
            lastLoggedInAt: jp.loggedInAt,
          },
        },
      ]),
    );
  });

  test('when a login follows the recorded history, then its previous is the recorded latest and no lookup is needed', () => {
    const kr = login('a', 0, 'KR');
    const histories = new Map([['a', historyWith(kr)]]);
    const next = login('a', 5, 'KR');
    expect(arrivingLate([next], histories)).toEqual([]);
    const plan = planHistory([next], histories, new Map());
    expect(plan.facts.get(next.loginId)).toEqual({ newCountry: false, previous: prev(kr) });
  });

  test('when a login arrives after a later one was recorded, then it needs a lookup and takes the latest login before it', () => {
    const kr1 = login('a', 0, 'KR');
    const kr2 = login('a', 20, 'KR');
    const histories = new Map([['a', historyWith(kr1, kr2)]]);
    const jp = login('a', 10, 'JP');
    expect(arrivingLate([jp], histories)).toEqual([jp]);
    const plan = planHistory([jp], histories, new Map([[jp.recordId, past(kr1)]]));
    expect(plan.facts.get(jp.loginId)).toEqual({ newCountry: true, previous: prev(kr1) });
    // The latest login stays the later KR one; JP is added to the account's countries.
    expect(plan.latest.has('a')).toBe(false);
    expect(plan.countries).toEqual([
      {
        accountId: 'a',
        country: 'JP',
        seen: { first: { loggedInAt: jp.loggedInAt, recordId: jp.recordId }, lastLoggedInAt: jp.loggedInAt },
      },
    ]);
  });

  test('when two late logins arrive in one batch, then the second takes the first as previous if it is later than the recorded one', () => {
    const kr1 = login('a', 0, 'KR');
    const kr9 = login('a', 90, 'KR');
    const histories = new Map([['a', historyWith(kr1, kr9)]]);
    const jp = login('a', 10, 'JP');
    const us = login('a', 20, 'US');
    const plan = planHistory(
      [us, jp],
      histories,
      new Map([
        [jp.recordId, past(kr1)],
        [us.recordId, past(kr1)],
      ]),
    );
    expect(plan.facts.get(jp.loginId)!.previous).toEqual(prev(kr1));
    expect(plan.facts.get(us.loginId)!.previous).toEqual(prev(jp));
  });

  test('when an earlier login from a known country arrives late, then it becomes the first from that country and is new', () => {
    const kr5 = login('a', 50, 'KR');
    const histories = new Map([['a', historyWith(kr5)]]);
    const kr1 = login('a', 10, 'KR');
    const plan = planHistory([kr1], histories, new Map([[kr1.recordId, null]]));
    expect(plan.facts.get(kr1.loginId)).toEqual({ newCountry: true, previous: null });
    expect(plan.countries[0]!.seen).toEqual({
      first: { loggedInAt: kr1.loggedInAt, recordId: kr1.recordId },
      lastLoggedInAt: kr5.loggedInAt,
    });
  });

  test('when a login has no country, then it is not a new country and changes no country entry', () => {
    const none = login('a', 0, null);
    const plan = planHistory([none], new Map(), new Map());
    expect(plan.facts.get(none.loginId)).toEqual({ newCountry: false, previous: null });
    expect(plan.countries).toEqual([]);
    expect(plan.latest.get('a')).toEqual(past(none));
  });

  test('when two logins share a millisecond, then the record id orders them', () => {
    const x = login('a', 0, 'KR', '00000000-0000-4000-8000-00000000000b');
    const y = login('a', 0, 'KR', '00000000-0000-4000-8000-00000000000a');
    const plan = planHistory([x, y], new Map(), new Map());
    expect(plan.facts.get(y.loginId)).toEqual({ newCountry: true, previous: null });
    expect(plan.facts.get(x.loginId)).toEqual({ newCountry: false, previous: prev(y) });
  });

  test('when logins of several accounts are planned together, then accounts do not see each other', () => {
    const a = login('a', 0, 'KR');
    const b = login('b', 5, 'KR');
    const plan = planHistory([b, a], new Map(), new Map());
    expect(plan.facts.get(a.loginId)).toEqual({ newCountry: true, previous: null });
    expect(plan.facts.get(b.loginId)).toEqual({ newCountry: true, previous: null });
  });
});

import {
  AnswerEntry,
  answerSupersedes,
  assessmentSupersedes,
  newestPerLogin,
} from '../../src/domain/outcomes';

const answer = (
  eventId: string,
  loginId: string,
  a: 'me' | 'not_me',
  minute: number,
  accountId = 'acc-1',
): AnswerEntry => ({
  eventId,
  loginId,
  recordId: `record-${loginId}`,
  accountId,
  answer: a,
  at: new Date(Date.UTC(2026, 11, 1, 12, minute)),
});

describe('outcomes of a login', () => {
  test('when two answers of a login differ, then "not me" wins whatever the times; of two alike, the later', () => {
    expect(answerSupersedes(answer('a', 'l', 'me', 2), answer('b', 'l', 'not_me', 1))).toBe(false);
    expect(answerSupersedes(answer('a', 'l', 'not_me', 1), answer('b', 'l', 'me', 2))).toBe(true);
    expect(answerSupersedes(answer('a', 'l', 'not_me', 1), answer('b', 'l', 'me', 1))).toBe(true);
    expect(answerSupersedes(answer('a', 'l', 'me', 1), answer('b', 'l', 'not_me', 1))).toBe(false);
    expect(answerSupersedes(answer('a', 'l', 'me', 1), answer('b', 'l', 'me', 1))).toBe(false);
    expect(answerSupersedes(answer('a', 'l', 'me', 2), answer('b', 'l', 'me', 1))).toBe(true);
  });

  test('when an enforced and a shadow assessment of a login meet, then the enforced one wins whatever the times', () => {
    const a = {
      ...answer('a', 'l', 'me', 1),
      verdict: 'suspicious' as const,
      risk: 0,
      reasons: [],
      signals: [],
      actions: [],
    };
    const shadow = { ...a, eventId: 's', shadow: true, at: new Date(a.at.getTime() + 60_000) };
    expect(assessmentSupersedes(a, shadow)).toBe(true);
    expect(assessmentSupersedes(shadow, a)).toBe(false);
    expect(assessmentSupersedes({ ...shadow, at: new Date(shadow.at.getTime() + 1) }, shadow)).toBe(true);
  });

  test('when two assessments of a login have the same time, then neither supersedes the other (the first stays)', () => {
    const a = {
      ...answer('a', 'l', 'me', 1),
      verdict: 'trusted' as const,
      risk: 0,
      reasons: [],
      signals: [],
      actions: [],
    };
    expect(assessmentSupersedes(a, { ...a, eventId: 'b' })).toBe(false);
    expect(assessmentSupersedes({ ...a, at: new Date(a.at.getTime() + 1) }, a)).toBe(true);
  });

  test('when a batch holds several outcomes of one login, then only the newest is written, the others are stale, and one naming another account is a mismatch', () => {
    const entries = [
      answer('e1', 'l1', 'me', 1),
      answer('e2', 'l1', 'not_me', 3),
      answer('e3', 'l1', 'me', 2),
      answer('e4', 'l1', 'me', 0, 'acc-other'),
      answer('e5', 'l2', 'me', 0),
    ];
    const { chosen, settled } = newestPerLogin(entries, answerSupersedes);
    expect(chosen.map((e) => e.eventId).sort()).toEqual(['e2', 'e5']);
    expect(Object.fromEntries(settled)).toEqual({ e1: 'stale', e3: 'stale', e4: 'account_mismatch' });
  });
});

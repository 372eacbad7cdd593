/**
 * The chaos ledger must be able to fail: a perfect observation (built from the oracle) balances,
 * and each kind of fault, doctored into it, is caught and booked in its own column.
 */
import { randomUUID } from 'node:crypto';
import { LedgerRow, Observation, ObservedMessage, allLogins, emailMessageId, judge } from '../chaos/ledger';
import { Plan, PlannedLogin, buildPlan, expectedEffects } from '../chaos/oracle';

function planWithIds(): { plan: Plan; logins: PlannedLogin[] } {
  const plan = buildPlan({ prefix: 'unit', count: 400, smsEnabled: true });
  const logins = allLogins(plan);
  for (const l of logins) l.id = randomUUID();
  return { plan, logins };
}

const msg = (routingKey: string, correlationId: string, data: unknown = {}): ObservedMessage => ({
  routingKey,
  id: randomUUID(),
  correlationId,
  data,
});

/** What a flawless run shows: every expected effect once, nothing else. */
function perfect(plan: Plan, logins: PlannedLogin[]): Observation {
  const obs: Observation = {
    messages: [],
    historyRows: new Map(),
    deadLettered: new Map(),
    emails: [],
    sms: [],
  };
  for (const l of logins) {
    const e = l.expected;
    obs.historyRows.set(l.tag, 1);
    obs.messages.push(msg('login.geo-resolved', l.id!), msg('login.recorded', l.id!));
    obs.messages.push(msg('login.assessed', l.id!, { verdict: e.verdict }));
    if (e.kick) obs.messages.push(msg('session.kick', l.id!, { reason: e.kick }));
    if (e.lock) obs.messages.push(msg('account.locked', l.id!));
    if (e.message) obs.messages.push(msg('player.message', l.id!));
    const account = plan.accounts.get(l.account)!;
    if (e.email) obs.emails.push({ messageId: emailMessageId(l.id!), to: [account.email!] });
    if (e.sms) obs.sms.push({ to: account.phone!, body: `notice for ${l.tag}` });
  }
  for (const a of plan.unlocks) obs.messages.push(msg('account.unlocked', randomUUID(), { accountId: a }));
  return obs;
}

const clean = (r: LedgerRow) => ({
  lost: r.lost,
  duplicateEffects: r.duplicateEffects,
  unexpectedEffects: r.unexpectedEffects,
  deadLetteredValid: r.deadLetteredValid,
  duplicateDeliveries: r.duplicateDeliveries,
});
const ZERO = {
  lost: 0,
  duplicateEffects: 0,
  unexpectedEffects: 0,
  deadLetteredValid: 0,
  duplicateDeliveries: 0,
};

describe('the chaos oracle', () => {
  const { plan, logins } = planWithIds();

  test('spreads the stream over every policy, locked and unlocked accounts, home and foreign places', () => {
    const kinds = new Set(logins.map((l) => `${plan.accounts.get(l.account)!.policy}/${l.expected.verdict}`));
    for (const k of [
      'notify/suspicious',
      'kick/suspicious',
      'block/suspicious',
      'lock/suspicious',
      'null/trusted',
    ])
      expect(kinds).toContain(k);
    expect(logins.filter((l) => l.expected.lock).length).toBe(20 + 10 + 6 + 3); // fresh, setup (10 + 6), relocked
    expect(
      logins.filter((l) => l.expected.kick === 'account_locked' && !l.expected.lock).length,
    ).toBeGreaterThan(5);
    expect(logins.filter((l) => l.expected.sms).length).toBeGreaterThan(20);
    expect(logins.some((l) => l.place === 'hosting')).toBe(true);
    expect(logins.some((l) => l.place === 'trusted' && l.expected.verdict === 'trusted')).toBe(true);
  });

  test('SPEC §4: the verdict and actions from the policy table alone', () => {
    const a = plan.accounts.get('unit-block-0')!;
    expect(expectedEffects(a, 'foreign', false, true)).toEqual({
      verdict: 'suspicious',
      kick: 'region_blocked',
      lock: 0,
      message: 1,
      email: 1,
      sms: 0,
    });
    expect(expectedEffects(a, 'home6', false, true).kick).toBeNull();
    expect(expectedEffects(a, 'home', true, true)).toMatchObject({
      kick: 'account_locked',
      email: 0,
      message: 0,
    });
  });
});

describe('the chaos ledger', () => {
  let plan: Plan;
  let logins: PlannedLogin[];
  let obs: Observation;
  beforeEach(() => {
    ({ plan, logins } = planWithIds());
    obs = perfect(plan, logins);
  });
  const first = (pred: (l: PlannedLogin) => boolean) => logins.find(pred)!;
  const kickLogin = () => first((l) => l.expected.kick === 'foreign_login');

  test('a flawless observation balances', () => {
    const row = judge(plan, logins, obs);
    expect(clean(row)).toEqual(ZERO);
    expect(row.problems).toEqual([]);
    expect(row.recorded).toBe(logins.length);
    expect(row.assessed).toBe(logins.length);
    expect(row.effectsDone).toBe(row.expectedEffects);
  });

  test('a second kick with a new id is a duplicate effect', () => {
    obs.messages.push(msg('session.kick', kickLogin().id!, { reason: 'foreign_login' }));
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateEffects: 1 });
  });

  test('the same kick delivered twice is a duplicate delivery, not a duplicate effect', () => {
    const kick = obs.messages.find((m) => m.routingKey === 'session.kick')!;
    obs.messages.push({ ...kick });
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateDeliveries: 1 });
  });

  test('a missing lock is lost', () => {
    const l = first((x) => x.expected.lock === 1);
    obs.messages = obs.messages.filter(
      (m) => !(m.routingKey === 'account.locked' && m.correlationId === l.id),
    );
    const row = judge(plan, logins, obs);
    expect(clean(row)).toEqual({ ...ZERO, lost: 1 });
    expect(row.effectsDone).toBe(row.expectedEffects - 1);
  });

  test('a kick for a home login is unexpected', () => {
    const l = first((x) => x.place === 'home' && x.expected.kick === null);
    obs.messages.push(msg('session.kick', l.id!, { reason: 'foreign_login' }));
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, unexpectedEffects: 1 });
  });

  test('a kick with the wrong reason is unexpected, and the right one missing', () => {
    const l = kickLogin();
    const kick = obs.messages.find((m) => m.routingKey === 'session.kick' && m.correlationId === l.id)!;
    kick.data = { reason: 'account_locked' };
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, unexpectedEffects: 1, lost: 1 });
  });

  test('a kick for a login nobody sent is unexpected', () => {
    obs.messages.push(msg('session.kick', randomUUID(), { reason: 'foreign_login' }));
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, unexpectedEffects: 1 });
  });

  test('a wrong verdict is unexpected, even when no action follows', () => {
    const l = first((x) => plan.accounts.get(x.account)!.policy === null && x.expected.verdict === 'trusted');
    obs.messages.find((m) => m.routingKey === 'login.assessed' && m.correlationId === l.id)!.data = {
      verdict: 'suspicious',
    };
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, unexpectedEffects: 1 });
  });

  test('a second history row is a duplicate effect; none is lost', () => {
    const [a, b] = logins;
    obs.historyRows.set(a!.tag, 2);
    obs.historyRows.delete(b!.tag);
    const row = judge(plan, logins, obs);
    expect(clean(row)).toEqual({ ...ZERO, duplicateEffects: 1, lost: 1 });
    expect(row.recorded).toBe(logins.length - 2);
  });

  test('a second login.assessed with a new id is a duplicate effect', () => {
    obs.messages.push(msg('login.assessed', logins[5]!.id!, { verdict: logins[5]!.expected.verdict }));
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateEffects: 1 });
  });

  test('a dead-lettered valid login is booked as such', () => {
    obs.deadLettered.set(logins[3]!.id!, 'account-guard.login.recorded: invalid_data');
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, deadLetteredValid: 1 });
  });

  test('a second email after the lease, same Message-ID: a re-sent delivery, reported', () => {
    obs.emails.push({ ...obs.emails[0]! });
    const row = judge(plan, logins, obs);
    expect(clean(row)).toEqual({ ...ZERO, duplicateDeliveries: 1 });
    expect(row.noticesResent).toBe(1);
  });

  test('a second email with a new Message-ID is a duplicate effect; to an account due none, unexpected', () => {
    obs.emails.push({ messageId: `<${randomUUID()}@account-guard>`, to: obs.emails[0]!.to });
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateEffects: 1 });
    const quiet = [...plan.accounts.values()].find((a) => a.policy === 'none')!;
    obs.emails.push({ messageId: `<${randomUUID()}@account-guard>`, to: [quiet.email!] });
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateEffects: 1, unexpectedEffects: 1 });
  });

  test('a missing email is lost', () => {
    obs.emails.shift();
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, lost: 1 });
  });

  test('SMS: the same text again is a re-sent delivery, a missing one is lost, one to a number due none unexpected', () => {
    obs.sms.push({ ...obs.sms[0]! });
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateDeliveries: 1 });
    expect(judge(plan, logins, obs).noticesResent).toBe(1);
    obs.sms.splice(0, 2);
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, lost: 1 });
    obs.sms.push({ to: '+821099999999', body: 'stray' });
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, lost: 1, unexpectedEffects: 1 });
  });

  test('a lock SMS sent again with a fresh one-time link is the same notice re-sent; a different text is a second notice', () => {
    const first = obs.sms[0]!;
    first.body = 'Account locked. Unlock: https://guard.example.test/v1/unlock/AAAA';
    obs.sms.push({ to: first.to, body: 'Account locked. Unlock: https://guard.example.test/v1/unlock/BBBB' });
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateDeliveries: 1 });
    obs.sms.push({ to: first.to, body: 'Account locked from another place.' });
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, duplicateDeliveries: 1, duplicateEffects: 1 });
  });

  test('an unlock not carried out is lost; an unlock nobody asked for is unexpected', () => {
    obs.messages = obs.messages.filter(
      (m) => m.routingKey !== 'account.unlocked' || m.data.accountId !== plan.unlocks[0],
    );
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, lost: 1 });
    obs.messages.push(msg('account.unlocked', randomUUID(), { accountId: 'unit-kick-0' }));
    expect(clean(judge(plan, logins, obs))).toEqual({ ...ZERO, lost: 1, unexpectedEffects: 1 });
  });
});

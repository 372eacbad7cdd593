/**
 * The chaos run's ledger: what was observed (raw deliveries on both exchanges, history rows
 * counted in the history table itself, dead letters, emails at the SMTP server, SMS at the
 * Twilio stand-in) judged against what the oracle (oracle.ts) says each login must cause.
 * A pure function, so each kind of failure it must catch has its own unit test with a doctored
 * observation (test/unit/chaos-ledger.test.ts).
 */
import { followUpId } from '@account-security/shared';
import type { KickReason, Plan, PlannedLogin } from './oracle';

/** One delivery the observer received (its own redeliveries of a message already seen excluded). */
export interface ObservedMessage {
  routingKey: string;
  id: string;
  correlationId: string;
  data: any;
}

export interface Observation {
  messages: ObservedMessage[];
  /** Rows in the history table per login tag (client.version), counted there, not joined. */
  historyRows: Map<string, number>;
  /** Dead letters of the work queues by the login they belong to (correlation id), with reason. */
  deadLettered: Map<string, string>;
  emails: { messageId: string; to: string[] }[];
  sms: { to: string; body: string }[];
}

export interface LedgerRow {
  sent: number;
  /** Logins with exactly one history row. */
  recorded: number;
  /** Logins with exactly one `login.assessed` (by id). */
  assessed: number;
  expectedEffects: number;
  effectsDone: number;
  /** The same message (id, Message-ID, identical SMS) delivered again: at-least-once, reported. */
  duplicateDeliveries: number;
  /**
   * Of which notices sent again: emails with the same Message-ID, SMS with the same text (its
   * one-time link aside). A notice the provider accepted before the sender could mark it sent
   * (its process or its database gone) goes out again after the outbox lease.
   */
  noticesResent: number;
  /** A second, distinct effect where one was due (a second kick id, a second history row...). */
  duplicateEffects: number;
  /** An effect the oracle does not expect (a kick for a home login, a wrong verdict...). */
  unexpectedEffects: number;
  /** Logins (and unlocks) with something missing: no history row, no assessment, an effect not done. */
  lost: number;
  deadLetteredValid: number;
  problems: string[];
}

const EFFECT_KEYS = {
  'session.kick': 'kick',
  'account.locked': 'lock',
  'player.message': 'message',
} as const;
type BrokerEffect = (typeof EFFECT_KEYS)[keyof typeof EFFECT_KEYS];

export const emailMessageId = (loginId: string) =>
  `<${followUpId(loginId, 'notification', 'email')}@account-guard>`;

export function allLogins(plan: Plan): PlannedLogin[] {
  return [...plan.setup, ...plan.stream, ...plan.afterUnlock];
}

export function judge(plan: Plan, logins: PlannedLogin[], obs: Observation): LedgerRow {
  const row: LedgerRow = {
    sent: 0,
    recorded: 0,
    assessed: 0,
    expectedEffects: 0,
    effectsDone: 0,
    duplicateDeliveries: 0,
    noticesResent: 0,
    duplicateEffects: 0,
    unexpectedEffects: 0,
    lost: 0,
    deadLetteredValid: 0,
    problems: [],
  };
  const byLogin = new Map(logins.filter((l) => l.id).map((l) => [l.id!, l]));

  // Raw deliveries: per routing key and message id, how often; per login, the distinct ones.
  const deliveries = new Map<string, number>();
  const distinct = new Map<string, Map<string, ObservedMessage[]>>(); // key -> login -> messages
  for (const m of obs.messages) {
    const k = `${m.routingKey} ${m.id}`;
    const n = (deliveries.get(k) ?? 0) + 1;
    deliveries.set(k, n);
    if (n > 1) {
      row.duplicateDeliveries++;
      continue;
    }
    const owner = m.routingKey === 'account.unlocked' ? `unlock:${m.data?.accountId}` : m.correlationId;
    if (!distinct.has(m.routingKey)) distinct.set(m.routingKey, new Map());
    const perLogin = distinct.get(m.routingKey)!;
    if (!perLogin.has(owner)) perLogin.set(owner, []);
    perLogin.get(owner)!.push(m);
  }
  const of = (key: string, owner: string) => distinct.get(key)?.get(owner) ?? [];

  // Effects nobody planned: for a login that was never sent, or an unlock nobody did.
  for (const [key, perOwner] of distinct) {
    const isEffect = key in EFFECT_KEYS || key === 'account.unlocked' || key.startsWith('login.');
    if (!isEffect) continue;
    for (const [owner, msgs] of perOwner) {
      const known = owner.startsWith('unlock:')
        ? plan.unlocks.includes(owner.slice('unlock:'.length))
        : byLogin.has(owner);
      if (known) continue;
      // Events about logins outside the plan (hostile input) are judged in dead-letter queues.
      if (key.startsWith('login.')) continue;
      row.unexpectedEffects += msgs.length;
      row.problems.push(`${key} for ${owner}, which nobody asked for`);
    }
  }

  const emailCount = new Map<string, number>();
  for (const m of obs.emails) emailCount.set(m.messageId, (emailCount.get(m.messageId) ?? 0) + 1);
  const knownEmailIds = new Set<string>();

  for (const l of logins) {
    if (!l.id) continue;
    row.sent++;
    const problems: string[] = [];
    let missing = false;
    const e = l.expected;
    const emailId = emailMessageId(l.id);
    knownEmailIds.add(emailId);
    if (obs.deadLettered.has(l.id)) {
      row.deadLetteredValid++;
      row.problems.push(`${l.id} (${l.account}): dead-lettered: ${obs.deadLettered.get(l.id)}`);
      continue;
    }
    const rows = obs.historyRows.get(l.tag) ?? 0;
    if (rows === 1) row.recorded++;
    else if (rows === 0) {
      missing = true;
      problems.push('no history row');
    } else {
      row.duplicateEffects += rows - 1;
      problems.push(`${rows} history rows`);
    }
    for (const key of ['login.geo-resolved', 'login.recorded']) {
      const n = of(key, l.id).length;
      if (n > 1) {
        row.duplicateEffects += n - 1;
        problems.push(`${n} distinct ${key}`);
      }
    }
    const assessed = of('login.assessed', l.id);
    if (assessed.length === 1) row.assessed++;
    else if (assessed.length === 0) {
      missing = true;
      problems.push('no login.assessed');
    } else {
      row.duplicateEffects += assessed.length - 1;
      problems.push(`${assessed.length} distinct login.assessed`);
    }
    if (assessed[0] && assessed[0].data?.verdict !== e.verdict) {
      row.unexpectedEffects++;
      problems.push(`verdict ${assessed[0].data?.verdict}, expected ${e.verdict}`);
    }

    const wanted: Record<BrokerEffect, number> = { kick: e.kick ? 1 : 0, lock: e.lock, message: e.message };
    for (const [key, kind] of Object.entries(EFFECT_KEYS) as [string, BrokerEffect][]) {
      let seen = of(key, l.id);
      if (kind === 'kick') {
        const wrong = seen.filter((m) => (m.data?.reason as KickReason) !== e.kick);
        if (wrong.length) {
          row.unexpectedEffects += wrong.length;
          problems.push(
            `kick (${wrong.map((m) => m.data?.reason).join(', ')}), expected ${e.kick ?? 'none'}`,
          );
        }
        seen = seen.filter((m) => !wrong.includes(m));
      }
      missing = count(row, problems, kind, wanted[kind], seen.length) || missing;
    }

    const mails = emailCount.get(emailId) ?? 0;
    if (mails > 1) {
      row.duplicateDeliveries += mails - 1;
      row.noticesResent += mails - 1;
    }
    missing = count(row, problems, 'email', e.email, Math.min(mails, 1)) || missing;

    if (missing) row.lost++;
    if (problems.length)
      row.problems.push(`${l.id} (${l.account}, ${l.phase}, ${l.place}): ${problems.join(', ')}`);
  }

  // Emails with a Message-ID no planned notice has: a second notice for an account, or one
  // for an account that should get none.
  const emailsDue = new Map<string, number>();
  for (const l of logins) if (l.id && l.expected.email) emailsDue.set(l.account, 1);
  for (const m of obs.emails) {
    if (knownEmailIds.has(m.messageId)) continue;
    const account = [...plan.accounts.values()].find((a) => a.email && m.to.includes(a.email));
    if (account && emailsDue.has(account.id)) row.duplicateEffects++;
    else row.unexpectedEffects++;
    row.problems.push(`email ${m.messageId} to ${m.to.join(', ')} matches no planned notice`);
  }

  // SMS carry no id: per number, the distinct texts against the notices due; the same text
  // again is a re-sent delivery (the provider-accept window, as for email). A lock notice's
  // one-time link is minted when it is sent, so a re-sent one differs only in its link.
  const smsDue = new Map<string, number>();
  for (const l of logins) {
    if (!l.id || !l.expected.sms) continue;
    const phone = plan.accounts.get(l.account)!.phone!;
    smsDue.set(phone, (smsDue.get(phone) ?? 0) + l.expected.sms);
  }
  const smsSeen = new Map<string, Map<string, number>>();
  for (const s of obs.sms) {
    if (!smsSeen.has(s.to)) smsSeen.set(s.to, new Map());
    const bodies = smsSeen.get(s.to)!;
    const text = s.body.replace(/https?:\/\/\S+/g, '<link>');
    bodies.set(text, (bodies.get(text) ?? 0) + 1);
  }
  for (const phone of new Set([...smsDue.keys(), ...smsSeen.keys()])) {
    const due = smsDue.get(phone) ?? 0;
    const bodies = smsSeen.get(phone) ?? new Map<string, number>();
    for (const n of bodies.values()) {
      row.duplicateDeliveries += n - 1;
      row.noticesResent += n - 1;
    }
    const problems: string[] = [];
    if (count(row, problems, 'sms', due, bodies.size)) row.lost++;
    if (problems.length) row.problems.push(`SMS to ${phone}: ${problems.join(', ')}`);
  }

  for (const account of plan.unlocks) {
    const problems: string[] = [];
    if (count(row, problems, 'account.unlocked', 1, of('account.unlocked', `unlock:${account}`).length))
      row.lost++;
    if (problems.length) row.problems.push(`${account}: ${problems.join(', ')}`);
  }
  return row;
}

/** Books `seen` distinct effects of one kind against `due`; true when one is missing. */
function count(row: LedgerRow, problems: string[], kind: string, due: number, seen: number): boolean {
  row.expectedEffects += due;
  row.effectsDone += Math.min(due, seen);
  if (seen > due) {
    if (due === 0) row.unexpectedEffects += seen;
    else row.duplicateEffects += seen - due;
    problems.push(`${kind}: ${seen}, expected ${due}`);
  }
  if (seen < due) {
    problems.push(`${kind}: ${seen}, expected ${due}`);
    return true;
  }
  return false;
}

import { EventOf, LOGIN_ASSESSED, LOGIN_REPORTED, PermanentError } from '@account-security/shared';
import type { AnswerEntry, AssessmentEntry } from '../../domain/outcomes';
import { recordIdOf } from '../record-logins/prepare.step';

/** An outcome stamped further ahead of our clock would pin itself as the newest: refused. */
const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

function timeOf(what: string, iso: string, now: Date): Date {
  const at = new Date(iso);
  if (at.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    throw new PermanentError(`${what} ${iso} is more than a day in the future`, 'invalid_data');
  }
  return at;
}

/**
 * The login the outcome is of: `data.loginEventId`, which SPEC §3 makes the event's
 * `correlationid` too. An event naming two different logins is refused rather than guessed at.
 */
function loginIdOf(event: { correlationid?: string; data: { loginEventId: string } }): string {
  const loginId = event.data.loginEventId;
  if (event.correlationid !== undefined && event.correlationid !== loginId) {
    throw new PermanentError(
      `data.loginEventId ${loginId.slice(0, 128)} is not the event's correlationid ${event.correlationid.slice(0, 128)}`,
      'invalid_data',
    );
  }
  return loginId;
}

export function toAssessmentEntry(event: EventOf<typeof LOGIN_ASSESSED>, now: Date): AssessmentEntry {
  const loginId = loginIdOf(event);
  const d = event.data;
  return {
    eventId: event.id,
    loginId,
    recordId: recordIdOf(loginId),
    accountId: d.accountId,
    at: timeOf('assessment time', event.time, now),
    verdict: d.verdict,
    risk: d.risk,
    reasons: d.reasons,
    signals: d.signals,
    actions: d.actions.map((a) => ({
      type: a.type,
      ...(a.channel !== undefined && { channel: a.channel }),
      status: a.status,
    })),
    ...(d.shadow !== undefined && { shadow: d.shadow }),
  };
}

export function toAnswerEntry(event: EventOf<typeof LOGIN_REPORTED>, now: Date): AnswerEntry {
  const loginId = loginIdOf(event);
  const d = event.data;
  return {
    eventId: event.id,
    loginId,
    recordId: recordIdOf(loginId),
    accountId: d.accountId,
    answer: d.answer,
    at: timeOf('answer time', d.at, now),
    ...(d.by !== undefined && { by: d.by }),
  };
}

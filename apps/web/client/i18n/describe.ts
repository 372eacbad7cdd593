/** Words for the codes the services use (lock reasons, audit actions, actors), with the code as fallback. */
import { countryName } from '../lib/geo';
import { Lang, MessageKey, en, translate } from './messages';

const isKey = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(en, key);

/** account-guard writes lock reasons as `suspicious login from JP: foreign_country`. */
export function describeLockReason(reason: string | null | undefined, lang: Lang): string {
  if (!reason) return '—';
  const notMe = notMeReporter(reason);
  if (notMe === 'player') return translate(lang, 'reasonNotMe');
  if (notMe) return translate(lang, 'reasonNotMeBy', { who: describeActor(notMe, lang) });
  const m = /^suspicious login(?: from ([A-Z]{2}))?: (.+)$/.exec(reason);
  if (!m) return reason;
  const why = m[2]!
    .split(/,\s*/)
    .map((r) => {
      const key = `why_${r}`;
      return isKey(key) ? translate(lang, key) : r;
    })
    .join(', ');
  return m[1]
    ? translate(lang, 'reasonSuspicious', { country: countryName(m[1], lang), why })
    : translate(lang, 'reasonSuspiciousNoCountry', { why });
}

/**
 * SPEC §8: account-guard locks on "not me" with `reported by player: not me`-style reasons
 * (`reported by the player: not me`, `reported by support:<id>: not me`); who reported it, or null.
 */
export function notMeReporter(reason: string | null | undefined): string | null {
  if (!reason) return null;
  if (reason === 'reported by the player: not me') return 'player';
  const m = /^reported by (.+): not me$/.exec(reason);
  return m ? m[1]! : null;
}

export function describeAction(action: string, lang: Lang): string {
  const key = `action_${action}`;
  return isKey(key) ? translate(lang, key) : action;
}

export function describeActor(actor: string, lang: Lang): string {
  if (actor === 'system') return translate(lang, 'actor_system');
  if (actor === 'player') return translate(lang, 'actor_player');
  const staff = /^support:(.+)$/.exec(actor);
  return staff ? translate(lang, 'actor_support', { id: staff[1]! }) : actor;
}

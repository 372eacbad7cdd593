import type { Db } from '../../src/data-access/db';
import { defaultSettings } from '../../src/domain/settings';
import { Replay, ReplayReport } from './engine';
import { ExportSource, exportPages } from './export-client';
import { factsOf } from './facts';
import { actualOf, answersOf, settingsOf } from './reads';
import type { ReplaySettings } from './settings';

export interface ReplayOptions {
  source: ExportSource;
  db: Db;
  settings: ReplaySettings;
  /** Where the settings came from, as the report names it. */
  settingsSource: string;
  /** Examples kept per list (changed logins per signal, locked accounts). */
  maxExamples: number;
  progress?: (p: { logins: number; at: string; heldLocks: number }) => void;
}

export const NOTES = [
  "Each login's history facts (previous login, counts, travel, failures) are login-history's as it recorded them then.",
  "Protection settings are the accounts' as they are now (the defaults from the settings given); logins were judged against the settings of their time.",
  "Known devices, known networks and reported IPs are account-guard's tables as they are now, less what was added after a login was judged; answers removed or reports replaced since are not seen.",
  'A lock the replay makes holds to the end of the window (nobody unlocks in a replay); a login account-guard refused as locked stays refused, unless that lock came from a login of the window the replay does not lock.',
];

/**
 * SPEC §10 replay: the window's logins from login-history's export, page by page, each judged
 * by account-guard's assessment and policy with `settings` and compared with what was decided.
 * Reads only; carries nothing out. Memory: one page, the counters, the examples and one entry per
 * account the replay holds locked.
 */
export async function runReplay(o: ReplayOptions): Promise<ReplayReport> {
  const replay = new Replay(o.settings, o.maxExamples, {
    from: o.source.from,
    to: o.source.to,
    source: o.settingsSource,
  });
  const defaults = defaultSettings({
    policy: o.settings.defaultPolicy,
    channels: o.settings.defaultChannels,
    locale: o.settings.defaultLocale,
  });
  for await (const page of exportPages(o.source)) {
    const accountIds = [...new Set(page.map((l) => l.data.accountId))];
    const [settings, actual] = await Promise.all([
      settingsOf(o.db, accountIds),
      actualOf(
        o.db,
        page.map((l) => l.loginEventId),
      ),
    ]);
    const facts = page.map((l) => factsOf(l, o.settings.homeCountry));
    const answers = await answersOf(
      o.db,
      facts.map((f) => {
        const a = actual.get(f.loginId);
        return {
          accountId: f.accountId,
          ip: f.ip,
          ...(f.asn !== undefined ? { asn: f.asn } : {}),
          deviceKey: a?.deviceKey ?? null,
          asOf: a?.decidedAt ?? new Date(f.at),
        };
      }),
    );
    page.forEach((line, i) => {
      const f = facts[i]!;
      const a = answers[i]!;
      replay.add({
        facts: Object.keys(a).length > 0 ? { ...f, answers: a } : f,
        settings: settings.get(f.accountId) ?? defaults,
        actual: actual.get(f.loginId)?.decision ?? null,
        partial: line.partial === true,
      });
    });
    o.progress?.({
      logins: replay.report.logins.total,
      at: page.at(-1)!.loggedInAt,
      heldLocks: replay.heldLocks,
    });
  }
  replay.report.notes = [...NOTES];
  if (replay.report.logins.partial > 0)
    replay.report.notes.push(
      `${replay.report.logins.partial} logins were recorded before login-history kept their event data: judged without ASN, network or home country (HOME_COUNTRY).`,
    );
  return replay.report;
}

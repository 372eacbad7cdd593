/**
 * History facts of a login (SPEC §3 `login.recorded`): its previous login and whether its country
 * is new for the account. Both are defined by logged-in time, not by arrival: `previous` is the
 * account's latest login before this one, and a country is new when no earlier login of the
 * account came from it. Logins of one account are ordered by (time, record id), a total order,
 * so two logins in the same millisecond still have a well-defined previous.
 */

import {
  CountedKind,
  FEATURE_KINDS,
  FeatureValues,
  LOGINS_KEY,
  Place,
  Travel,
  featureKey,
  travelBetween,
} from './features';

export interface HistoryKey {
  loggedInAt: Date;
  recordId: string;
}

export interface PastLogin extends HistoryKey {
  ip: string;
  country: string | null;
  /** Where it was (SPEC §7 travel); null when unknown. */
  place?: Place | null;
}

export interface LoginToRecord extends PastLogin {
  loginId: string;
  accountId: string;
  /** SPEC §7 features (device as its keyed hash); absent in callers that want no §7 facts. */
  features?: FeatureValues;
}

export interface CountrySeen {
  first: HistoryKey;
  lastLoggedInAt: Date;
}

/** What is already recorded for an account: its latest login and, per country, its first and last. */
export interface AccountHistory {
  latest: PastLogin | null;
  countries: Map<string, CountrySeen>;
  /** Counts of this batch's feature values (by featureKey) on the account's recorded logins. */
  features?: Map<string, number>;
}

/** Everyone's counts, as recorded before the batch (by featureKey; LOGINS_KEY = all logins). */
export interface Population {
  features: Map<string, number>;
}

export interface FailureCounts {
  windowMinutes: number;
  ipAccounts: number;
  account: number;
}

export interface FeatureCount {
  account: number;
  global: number;
}

/** The SPEC §7 facts of `login.recorded.data.history`, as published and stored. */
export interface HistoryExtra {
  logins: number;
  globalLogins: number;
  features: Partial<Record<'device' | 'asn' | 'country', FeatureCount>> & {
    prefix: FeatureCount & { prefix: string };
  };
  travel?: Travel;
  failures?: FailureCounts;
}

/** A count change of one feature value (kind `logins`: the logins). */
export interface FeatureIncrement {
  kind: CountedKind;
  value: string;
  count: number;
}

/** What `login.recorded` tells of the previous login. */
export interface PreviousLogin {
  loggedInAt: Date;
  ip: string;
  country: string | null;
}

export interface HistoryFacts {
  newCountry: boolean;
  previous: PreviousLogin | null;
  /** Null for logins recorded before SPEC §7 (their republished event has none). */
  extra?: HistoryExtra | null;
}

/** A login as this service stores it: its history key and place, and the client it came from. */
export interface LoginEntry {
  login: LoginToRecord;
  platform: string;
  version: string;
  /** The event's data as published (client.deviceId left out: the raw id is never kept), for the export. */
  eventData?: Record<string, unknown>;
}

/** A login already recorded, with the facts published for it (a redelivery republishes exactly them). */
export interface RecordedLogin extends HistoryFacts {
  loginId: string;
  accountId: string;
  recordId: string;
  loggedInAt: Date;
}

/** One line of an account's history as the API shows it. */
export interface HistoryItem {
  /** The record id: with the time, the history's order and the cursor's position. */
  id: string;
  /** The login's id (SPEC §3), the item's `id` in the API; null only on rows older than it. */
  loginId: string | null;
  loggedInAt: Date;
  ip: string;
  country: string | null;
  platform: string;
  version: string;
  result: 'succeeded' | 'failed';
  /** The login server's reason, for a failure. */
  reason: string | null;
}

export interface HistoryPlan {
  /** By login id. */
  facts: Map<string, HistoryFacts>;
  /** Accounts whose latest login changed, with the new latest. */
  latest: Map<string, PastLogin>;
  /** (account, country) entries that changed. */
  countries: { accountId: string; country: string; seen: CountrySeen }[];
  /** Per account: how much each feature value's count grows, and when it was first and last seen. */
  accountFeatures: (FeatureIncrement & { accountId: string; firstSeenAt: Date; lastSeenAt: Date })[];
  /** Everyone's counts' growth, sorted by (kind, value): upserted in this order, so never deadlocking. */
  globalFeatures: FeatureIncrement[];
}

export function isBefore(a: HistoryKey, b: HistoryKey): boolean {
  const at = a.loggedInAt.getTime();
  const bt = b.loggedInAt.getTime();
  return at < bt || (at === bt && a.recordId < b.recordId);
}

const emptyHistory = (): AccountHistory => ({ latest: null, countries: new Map(), features: new Map() });

/** The counted (kind, value) pairs of a login: its features and the login itself. */
export function countedOf(f: FeatureValues): { kind: CountedKind; value: string }[] {
  const out: { kind: CountedKind; value: string }[] = [{ kind: 'logins', value: '' }];
  for (const kind of FEATURE_KINDS) {
    const value = f[kind];
    if (value !== undefined) out.push({ kind, value });
  }
  return out;
}

/**
 * Logins that precede their account's latest recorded login: the summary cannot tell their
 * previous login, so it has to be looked up in the history itself.
 */
export function arrivingLate(
  logins: LoginToRecord[],
  histories: Map<string, AccountHistory>,
): LoginToRecord[] {
  return logins.filter((l) => {
    const latest = histories.get(l.accountId)?.latest;
    return latest != null && isBefore(l, latest);
  });
}

/**
 * Computes the facts of new logins of any accounts, in any order, given what is recorded
 * (`histories`) and, for late arrivals, the latest recorded login before each (`earlier`, by
 * record id). Logins of one account are taken in time order, so several in one batch see each
 * other exactly as if they had been recorded one by one in time order.
 */
export function planHistory(
  logins: LoginToRecord[],
  histories: Map<string, AccountHistory>,
  earlier: Map<string, PastLogin | null>,
  context?: { population: Population; failures: Map<string, FailureCounts> },
): HistoryPlan {
  const plan: HistoryPlan = {
    facts: new Map(),
    latest: new Map(),
    countries: [],
    accountFeatures: [],
    globalFeatures: [],
  };
  const globalGrowth = new Map<string, FeatureIncrement>();
  const byAccount = new Map<string, LoginToRecord[]>();
  for (const l of logins) {
    const list = byAccount.get(l.accountId);
    if (list) list.push(l);
    else byAccount.set(l.accountId, [l]);
  }

  for (const [accountId, list] of byAccount) {
    list.sort((a, b) => (isBefore(a, b) ? -1 : isBefore(b, a) ? 1 : 0));
    const recorded = histories.get(accountId) ?? emptyHistory();
    const countries = new Map(recorded.countries);
    const changedCountries = new Set<string>();
    let latest = recorded.latest;
    let sibling: PastLogin | null = null;
    // Counts as recorded plus this batch's earlier logins of the account (in time order).
    const counts = new Map(recorded.features ?? []);
    const growth = new Map<
      string,
      FeatureIncrement & { accountId: string; firstSeenAt: Date; lastSeenAt: Date }
    >();

    for (const login of list) {
      let previous: PastLogin | null;
      if (latest === null || isBefore(latest, login)) {
        previous = latest;
      } else {
        // Later logins are already recorded: the previous one is the latest recorded before this
        // one, or the batch's own login just before it, whichever is later.
        const found = earlier.get(login.recordId) ?? null;
        previous = found && (!sibling || isBefore(sibling, found)) ? found : sibling;
      }

      let newCountry = false;
      if (login.country !== null) {
        const seen = countries.get(login.country);
        newCountry = !seen || !isBefore(seen.first, login);
        countries.set(login.country, {
          first: seen && isBefore(seen.first, login) ? seen.first : keyOf(login),
          lastLoggedInAt:
            seen && seen.lastLoggedInAt.getTime() > login.loggedInAt.getTime()
              ? seen.lastLoggedInAt
              : login.loggedInAt,
        });
        changedCountries.add(login.country);
      }

      let extra: HistoryExtra | undefined;
      if (context && login.features) {
        const f = login.features;
        const countOf = (kind: CountedKind, value: string): FeatureCount => ({
          account: counts.get(featureKey(kind, value)) ?? 0,
          global: context.population.features.get(featureKey(kind, value)) ?? 0,
        });
        const travel = previous
          ? travelBetween(
              { loggedInAt: previous.loggedInAt, country: previous.country, place: previous.place ?? null },
              { loggedInAt: login.loggedInAt, country: login.country, place: login.place ?? null },
            )
          : undefined;
        const failures = context.failures.get(login.loginId);
        extra = {
          logins: counts.get(LOGINS_KEY) ?? 0,
          globalLogins: context.population.features.get(LOGINS_KEY) ?? 0,
          features: {
            ...(f.device !== undefined && { device: countOf('device', f.device) }),
            ...(f.asn !== undefined && { asn: countOf('asn', f.asn) }),
            ...(f.country !== undefined && { country: countOf('country', f.country) }),
            prefix: { ...countOf('prefix', f.prefix), prefix: f.prefix },
          },
          ...(travel && { travel }),
          ...(failures && { failures }),
        };
        for (const { kind, value } of countedOf(f)) {
          const key = featureKey(kind, value);
          counts.set(key, (counts.get(key) ?? 0) + 1);
          const g = growth.get(key);
          if (g) {
            g.count += 1;
            g.lastSeenAt = login.loggedInAt; // logins come in time order
          } else {
            growth.set(key, {
              accountId,
              kind,
              value,
              count: 1,
              firstSeenAt: login.loggedInAt,
              lastSeenAt: login.loggedInAt,
            });
          }
          const gg = globalGrowth.get(key);
          if (gg) gg.count += 1;
          else globalGrowth.set(key, { kind, value, count: 1 });
        }
      }

      plan.facts.set(login.loginId, {
        newCountry,
        previous: previous && { loggedInAt: previous.loggedInAt, ip: previous.ip, country: previous.country },
        ...(extra && { extra }),
      });
      if (latest === null || isBefore(latest, login)) {
        latest = pastOf(login);
        plan.latest.set(accountId, latest);
      }
      sibling = pastOf(login);
    }

    for (const country of changedCountries) {
      plan.countries.push({ accountId, country, seen: countries.get(country)! });
    }
    plan.accountFeatures.push(...growth.values());
  }
  plan.globalFeatures = [...globalGrowth.values()].sort((a, b) =>
    a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.value < b.value ? -1 : a.value > b.value ? 1 : 0,
  );
  return plan;
}

const keyOf = (k: HistoryKey): HistoryKey => ({ loggedInAt: k.loggedInAt, recordId: k.recordId });
const pastOf = (l: PastLogin): PastLogin => ({
  loggedInAt: l.loggedInAt,
  recordId: l.recordId,
  ip: l.ip,
  country: l.country,
  ...(l.place !== undefined && { place: l.place }),
});

/** A failed login (SPEC §7) as stored: listed in the history, counted for the failure signals. */
export interface FailureEntry {
  loginId: string;
  accountId: string;
  recordId: string;
  loggedInAt: Date;
  ip: string;
  country: string | null;
  reason: string;
  platform: string;
  version: string;
}

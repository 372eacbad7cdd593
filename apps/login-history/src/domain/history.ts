/**
 * History facts of a login (SPEC §3 `login.recorded`): its previous login and whether its country
 * is new for the account. Both are defined by logged-in time, not by arrival: `previous` is the
 * account's latest login before this one, and a country is new when no earlier login of the
 * account came from it. Logins of one account are ordered by (time, record id), a total order,
 * so two logins in the same millisecond still have a well-defined previous.
 */

export interface HistoryKey {
  loggedInAt: Date;
  recordId: string;
}

export interface PastLogin extends HistoryKey {
  ip: string;
  country: string | null;
}

export interface LoginToRecord extends PastLogin {
  loginId: string;
  accountId: string;
}

export interface CountrySeen {
  first: HistoryKey;
  lastLoggedInAt: Date;
}

/** What is already recorded for an account: its latest login and, per country, its first and last. */
export interface AccountHistory {
  latest: PastLogin | null;
  countries: Map<string, CountrySeen>;
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
}

/** A login as this service stores it: its history key and place, and the client it came from. */
export interface LoginEntry {
  login: LoginToRecord;
  platform: string;
  version: string;
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
  id: string;
  loggedInAt: Date;
  ip: string;
  country: string | null;
  platform: string;
  version: string;
}

export interface HistoryPlan {
  /** By login id. */
  facts: Map<string, HistoryFacts>;
  /** Accounts whose latest login changed, with the new latest. */
  latest: Map<string, PastLogin>;
  /** (account, country) entries that changed. */
  countries: { accountId: string; country: string; seen: CountrySeen }[];
}

export function isBefore(a: HistoryKey, b: HistoryKey): boolean {
  const at = a.loggedInAt.getTime();
  const bt = b.loggedInAt.getTime();
  return at < bt || (at === bt && a.recordId < b.recordId);
}

const emptyHistory = (): AccountHistory => ({ latest: null, countries: new Map() });

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
): HistoryPlan {
  const plan: HistoryPlan = { facts: new Map(), latest: new Map(), countries: [] };
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

      plan.facts.set(login.loginId, {
        newCountry,
        previous: previous && { loggedInAt: previous.loggedInAt, ip: previous.ip, country: previous.country },
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
  }
  return plan;
}

const keyOf = (k: HistoryKey): HistoryKey => ({ loggedInAt: k.loggedInAt, recordId: k.recordId });
const pastOf = (l: PastLogin): PastLogin => ({
  loggedInAt: l.loggedInAt,
  recordId: l.recordId,
  ip: l.ip,
  country: l.country,
});

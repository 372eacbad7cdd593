/**
 * The chaos run's independent oracle: a workload of logins over accounts of every policy, and,
 * computed from the policy table and SPEC §4 alone (never from what the services report), what
 * each login must cause. The ledger (ledger.ts) compares this with what was observed.
 *
 * The workload is built so that the expected effects do not depend on delivery order, which
 * faults scramble: an account whose lock state changes during the run gets exactly one login
 * after the change is in force (fresh `lock` accounts get one login, the one that locks them;
 * accounts unlocked by support get one login after the unlock has returned), and accounts locked
 * before the stream stay locked for all of it.
 */
export type Policy = 'none' | 'notify' | 'kick' | 'block' | 'lock';
export type Channel = 'email' | 'sms' | 'in_game';
export type KickReason = 'foreign_login' | 'region_blocked' | 'account_locked';

/** Where each address of the workload is, as the shipped GeoIP data says. */
export const PLACES = {
  home: { ip: '211.234.10.5', country: 'KR' },
  home6: { ip: '2001:e60:1234::5', country: 'KR' },
  /** A Korean cloud network (AWS ap-northeast-2): a hosting address in the home country. */
  hosting: { ip: '13.124.63.251', country: 'KR' },
  foreign: { ip: '8.8.8.8', country: 'US' },
  trusted: { ip: '133.0.0.5', country: 'JP' },
} as const;
export type Place = keyof typeof PLACES;
export const HOME_COUNTRY = 'KR';

export interface AccountPlan {
  id: string;
  /** null: no settings stored; the deployment's DEFAULT_POLICY (`none` in these runs) applies. */
  policy: Policy | null;
  channels: Channel[];
  email: string | null;
  phone: string | null;
  trustedCountries: string[];
  /** Locked before the stream by a setup login (its own entry in the plan). */
  preLocked: boolean;
  /** Unlocked by support mid-run; its stream logins come after the unlock. */
  unlockedMidRun: boolean;
}

export interface ExpectedEffects {
  verdict: 'trusted' | 'suspicious';
  kick: KickReason | null;
  lock: number;
  message: number;
  email: number;
  sms: number;
}

export interface PlannedLogin {
  /** Set when the login is published (the event id). */
  id?: string;
  account: string;
  place: Place;
  /** Unique per login: sent as client.version, and how history rows are counted. */
  tag: string;
  phase: 'setup' | 'stream' | 'after-unlock' | 'sentinel';
  expected: ExpectedEffects;
}

export interface Plan {
  accounts: Map<string, AccountPlan>;
  setup: PlannedLogin[];
  stream: PlannedLogin[];
  afterUnlock: PlannedLogin[];
  /** Accounts support unlocks mid-run: one `account.unlocked` each. */
  unlocks: string[];
  smsEnabled: boolean;
}

/** SPEC §4: suspicious when the country is neither home nor trusted; then the policy's actions. */
export function expectedEffects(
  account: AccountPlan,
  place: Place,
  lockedAtLogin: boolean,
  smsEnabled: boolean,
): ExpectedEffects {
  const country = PLACES[place].country;
  const verdict =
    country === HOME_COUNTRY || account.trustedCountries.includes(country) ? 'trusted' : 'suspicious';
  const none: ExpectedEffects = { verdict, kick: null, lock: 0, message: 0, email: 0, sms: 0 };
  // A locked account's every login is refused, and the lock notice already went out.
  if (lockedAtLogin) return { ...none, kick: 'account_locked' };
  const policy = account.policy ?? 'none';
  if (verdict === 'trusted' || policy === 'none') return none;
  const notices = {
    message: account.channels.includes('in_game') ? 1 : 0,
    email: account.channels.includes('email') && account.email ? 1 : 0,
    sms: account.channels.includes('sms') && account.phone && smsEnabled ? 1 : 0,
  };
  const kick: Record<Policy, KickReason | null> = {
    none: null,
    notify: null,
    kick: 'foreign_login',
    block: 'region_blocked',
    lock: 'account_locked',
  };
  return { ...none, ...notices, kick: kick[policy], lock: policy === 'lock' ? 1 : 0 };
}

/** mulberry32: the workload is generated from a seed, the same for the same scenario. */
export function random(seed: string): () => number {
  let a = 0;
  for (const c of seed) a = (Math.imul(a ^ c.charCodeAt(0), 2654435761) + 1) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The policy table of one run: how many accounts of each kind. */
export const ACCOUNT_MIX = {
  none: 10,
  notify: 20,
  kick: 20,
  block: 10,
  /** `kick` accounts that trust JP: their JP logins are trusted. */
  trusting: 6,
  /** Fresh `lock` accounts: one login each, the foreign one that locks them. */
  lock: 20,
  /** Locked before the stream; every stream login is refused. */
  locked: 10,
  /** Locked before the stream, unlocked by support mid-run, then one login each. */
  unlocked: 6,
  /** No settings stored: DEFAULT_POLICY (`none`). */
  plain: 200,
};

/** Most logins a single account may get that notify: below the hourly notice cap (10). */
const MAX_NOTIFYING_PER_ACCOUNT = 4;

export function buildPlan(opts: { prefix: string; count: number; smsEnabled: boolean }): Plan {
  const rnd = random(opts.prefix);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const accounts = new Map<string, AccountPlan>();
  const add = (
    kind: string,
    n: number,
    a: Omit<AccountPlan, 'id' | 'email' | 'phone'>,
    withPhone = false,
  ) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `${opts.prefix}-${kind}-${i}`;
      accounts.set(id, {
        id,
        email: a.policy ? `${id}@example.test` : null,
        phone: withPhone ? `+8210${String(5000_0000 + accounts.size).padStart(8, '0')}` : null,
        ...a,
      });
      ids.push(id);
    }
    return ids;
  };
  const base = {
    channels: ['email', 'in_game'] as Channel[],
    trustedCountries: [],
    preLocked: false,
    unlockedMidRun: false,
  };
  const withSms = { ...base, channels: ['email', 'sms', 'in_game'] as Channel[] };
  const none = add('none', ACCOUNT_MIX.none, { ...base, policy: 'none' });
  const notify = add('notify', ACCOUNT_MIX.notify, { ...base, policy: 'notify' });
  const kick = add('kick', ACCOUNT_MIX.kick, { ...base, policy: 'kick' });
  const block = add('block', ACCOUNT_MIX.block, { ...base, policy: 'block' });
  const trusting = add('trusting', ACCOUNT_MIX.trusting, {
    ...base,
    policy: 'kick',
    trustedCountries: ['JP'],
  });
  const lock = add('lock', ACCOUNT_MIX.lock, { ...withSms, policy: 'lock' }, true);
  const locked = add('locked', ACCOUNT_MIX.locked, { ...base, policy: 'lock', preLocked: true });
  const unlocked = add(
    'unlocked',
    ACCOUNT_MIX.unlocked,
    { ...withSms, policy: 'lock', preLocked: true, unlockedMidRun: true },
    true,
  );
  const plain = add('plain', ACCOUNT_MIX.plain, { ...base, policy: null });
  const stateless = [...none, ...notify, ...kick, ...block, ...trusting];

  let seq = 0;
  const login = (account: string, place: Place, phase: PlannedLogin['phase'], lockedAtLogin: boolean) => ({
    account,
    place,
    tag: `c.${seq++}`,
    phase,
    expected: expectedEffects(accounts.get(account)!, place, lockedAtLogin, opts.smsEnabled),
  });

  const setup = [...locked, ...unlocked].map((a) => login(a, 'foreign', 'setup', false));

  // The stream: the fresh lock accounts' one login each at random places in it; the rest drawn.
  const stream: PlannedLogin[] = [];
  const lockSlots = new Set<number>();
  while (lockSlots.size < lock.length) lockSlots.add(Math.floor(rnd() * opts.count));
  const lockQueue = [...lock];
  const notifying = new Map<string, number>();
  for (let i = 0; i < opts.count; i++) {
    if (lockSlots.has(i)) {
      stream.push(login(lockQueue.shift()!, pick(['foreign', 'trusted'] as const), 'stream', false));
      continue;
    }
    const r = rnd();
    let entry: PlannedLogin;
    if (r < 0.12) {
      // A login the policy acts on, spread so that no account reaches the hourly notice cap.
      const candidates = stateless.filter((a) => (notifying.get(a) ?? 0) < MAX_NOTIFYING_PER_ACCOUNT);
      const account = pick(candidates.length ? candidates : plain);
      entry = login(account, pick(['foreign', 'trusted'] as const), 'stream', false);
      if (entry.expected.email || entry.expected.message)
        notifying.set(account, (notifying.get(account) ?? 0) + 1);
    } else if (r < 0.3) {
      entry = login(pick(stateless), pick(['home', 'home6', 'hosting'] as const), 'stream', false);
    } else if (r < 0.35) {
      entry = login(pick(locked), pick(['home', 'foreign', 'hosting'] as const), 'stream', true);
    } else if (r < 0.38) {
      entry = login(pick(plain), pick(['foreign', 'trusted'] as const), 'stream', false);
    } else {
      entry = login(
        pick(plain),
        pick(['home', 'home', 'home', 'home6', 'hosting'] as const),
        'stream',
        false,
      );
    }
    stream.push(entry);
  }
  // One login each after the unlock: half of them home (proves the lock is gone), half from
  // another foreign place than the setup login's (locks the account again, with a fresh lock
  // notice whose text differs from the first one's, so the two are told apart).
  const afterUnlock = unlocked.map((a, i) => login(a, i % 2 ? 'trusted' : 'home', 'after-unlock', false));
  return { accounts, setup, stream, afterUnlock, unlocks: unlocked, smsEnabled: opts.smsEnabled };
}

/** A login added outside the generated stream (hostile-looking account ids, the sentinel). */
export function extraLogin(
  plan: Plan,
  account: AccountPlan,
  place: Place,
  phase: PlannedLogin['phase'],
): PlannedLogin {
  if (!plan.accounts.has(account.id)) plan.accounts.set(account.id, account);
  const n = plan.setup.length + plan.stream.length + plan.afterUnlock.length;
  return {
    account: account.id,
    place,
    tag: `x.${n}.${Math.floor(Math.random() * 1e9).toString(36)}`,
    phase,
    expected: expectedEffects(account, place, false, plan.smsEnabled),
  };
}

export const plainAccount = (id: string): AccountPlan => ({
  id,
  policy: null,
  channels: ['email', 'in_game'],
  email: null,
  phone: null,
  trustedCountries: [],
  preLocked: false,
  unlockedMidRun: false,
});

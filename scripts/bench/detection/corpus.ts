/**
 * The labelled corpus of `pnpm bench:detection`, generated from a seed. Each account gets a few
 * weeks of ordinary play drawn from how players behave (a home ISP, a mobile carrier, one to three
 * devices, re-leased home addresses, typos, trips, new phones, carrier switches), then exactly one
 * labelled login: harmless, or an attack of one kind. Nothing here knows the engine's thresholds:
 * attack sizes and timings come from what such attacks look like (dozens of accounts per
 * stuffing IP, many guesses before a brute-forced success, a trusted country minutes after home).
 */
import { createRng, Rng } from './prng';
import {
  FLIGHT_HOURS,
  FOREIGN_ACCESS,
  FOREIGN_HOSTING,
  KR_HOSTING,
  KR_ISPS,
  KR_MOBILE,
  Network,
  TRAVEL_COUNTRIES,
  addressIn,
} from './networks';

export const HARMLESS = [
  'home_known',
  'mobile_known',
  'new_phone',
  'carrier_switch',
  'typo_then_success',
  'travel_with_pass',
  'travel_without_pass',
] as const;
export const ATTACKS = [
  'foreign_hosting',
  'domestic_hosting',
  'copied_device_hosting',
  'copied_device_residential',
  'impossible_travel',
  'credential_stuffing',
  'brute_force',
] as const;
export type Harmless = (typeof HARMLESS)[number];
export type Attack = (typeof ATTACKS)[number];
export type Scenario = Harmless | Attack;
export const isAttack = (s: Scenario): s is Attack => (ATTACKS as readonly string[]).includes(s);

/** The signal that is each attack's own reason (it must fire, and the verdict be suspicious). */
export const OWN_REASON: Record<Attack, string> = {
  foreign_hosting: 'foreign_country',
  domestic_hosting: 'hosting_network',
  copied_device_hosting: 'hosting_network',
  copied_device_residential: 'new_network',
  impossible_travel: 'impossible_travel',
  credential_stuffing: 'credential_stuffing_ip',
  brute_force: 'brute_force',
};

/** Shares of the labelled logins (one per account). */
export const SCENARIO_WEIGHTS: [Scenario, number][] = [
  ['home_known', 22],
  ['mobile_known', 10],
  ['new_phone', 6],
  ['carrier_switch', 4],
  ['typo_then_success', 5],
  ['travel_with_pass', 4],
  ['travel_without_pass', 3],
  ['foreign_hosting', 6],
  ['domestic_hosting', 6],
  ['copied_device_hosting', 6],
  ['copied_device_residential', 4],
  ['impossible_travel', 6],
  ['credential_stuffing', 6],
  ['brute_force', 6],
];

export interface Client {
  platform: string;
  version: string;
  deviceId?: string;
}

export interface CorpusEvent {
  type: 'login.succeeded' | 'login.failed';
  id: string;
  accountId: string;
  /** Epoch ms: the event's `time`. */
  time: number;
  ip: string;
  client: Client;
  reason?: 'bad_password' | 'unknown_account' | 'second_factor_failed' | 'other';
  /** Labelled logins only. */
  scenario?: Scenario;
}

export interface TravelPass {
  country: string;
  from: string;
  until: string;
}

export interface AccountPlan {
  id: string;
  trustedCountries: string[];
  travelPasses: TravelPass[];
}

export interface Corpus {
  seed: number;
  accounts: AccountPlan[];
  /** Ordinary play (successes and the players' own typos), every account, in time order. */
  history: CorpusEvent[];
  /** Failed logins before the labelled ones (attacks' guesses, players' typos), in time order. */
  prelude: CorpusEvent[];
  /** One labelled login per account, in time order. */
  tests: CorpusEvent[];
}

export interface CorpusOptions {
  seed: number;
  accounts: number;
  /** Epoch ms the corpus ends at (labelled logins fall in the 24 hours before it). */
  now: number;
  /** Weeks of history, at least (each account draws 3 to 6). */
  minWeeks?: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const VERSIONS = ['3.2.0', '3.2.1', '3.3.0'];

function uuid(rng: Rng): string {
  const h = Array.from({ length: 32 }, () => Math.floor(rng.next() * 16).toString(16));
  h[12] = '4';
  h[16] = '89ab'[Math.floor(rng.next() * 4)]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

interface Device {
  kind: 'pc' | 'phone' | 'tablet';
  client: Client;
}

function newDevice(rng: Rng, kind: Device['kind']): Device {
  const platform = kind === 'pc' ? 'pc' : rng.chance(0.7) ? 'android' : 'ios';
  return { kind, client: { platform, version: rng.pick(VERSIONS), deviceId: rng.id(`${kind}-`) } };
}

const weightedNet = (rng: Rng, xs: [Network, number][]) => rng.weighted(xs);

/** An attacker's address for stuffing and guessing: proxies and servers at home and abroad. */
function attackerNetwork(rng: Rng): Network {
  const r = rng.next();
  if (r < 0.4) return rng.pick(KR_HOSTING);
  if (r < 0.7) return rng.pick(FOREIGN_HOSTING);
  return weightedNet(rng, KR_ISPS); // a residential proxy in Korea
}

const attackerClient = (rng: Rng): Client => ({
  platform: rng.pick(['pc', 'android']),
  version: rng.pick(VERSIONS),
  deviceId: rng.id('tool-'),
});

export function generateCorpus(opts: CorpusOptions): Corpus {
  const rng = createRng(opts.seed);
  const minWeeks = opts.minWeeks ?? 3;
  const accounts: AccountPlan[] = [];
  const history: CorpusEvent[] = [];
  const prelude: CorpusEvent[] = [];
  const tests: CorpusEvent[] = [];
  const ids = Array.from({ length: opts.accounts }, () => rng.id('det-'));

  for (const accountId of ids) {
    const scenario = rng.weighted(SCENARIO_WEIGHTS);
    const plan: AccountPlan = { id: accountId, trustedCountries: [], travelPasses: [] };
    accounts.push(plan);
    const testTime = opts.now - Math.round((1 + rng.next() * 22) * HOUR);
    const start = testTime - Math.round((minWeeks + rng.next() * 3) * 7 * DAY);
    // Devices: nearly everyone plays on a phone, many on a PC, a few on a tablet.
    const devices: Device[] = [];
    if (rng.chance(0.9)) devices.push(newDevice(rng, 'phone'));
    if (rng.chance(0.55) || devices.length === 0) devices.push(newDevice(rng, 'pc'));
    if (rng.chance(0.12)) devices.push(newDevice(rng, 'tablet'));
    const isp = weightedNet(rng, KR_ISPS);
    let mobile = weightedNet(rng, KR_MOBILE);
    let homeIp = addressIn(isp, rng);
    const wifiShare = 0.3 + rng.next() * 0.5;
    if (rng.chance(0.1)) plan.trustedCountries.push(rng.weighted(TRAVEL_COUNTRIES));
    // Life events in the history window.
    const span = testTime - 2 * HOUR - start;
    const newPhoneAt = rng.chance(0.08) ? start + span * (0.3 + 0.6 * rng.next()) : Infinity;
    const switchAt = rng.chance(0.05) ? start + span * (0.3 + 0.6 * rng.next()) : Infinity;
    let trip: { country: string; from: number; until: number; roaming: boolean } | undefined;
    if (rng.chance(0.1)) {
      const from = Math.round(start + span * (0.2 + 0.5 * rng.next()));
      const country = rng.weighted(TRAVEL_COUNTRIES);
      trip = { country, from, until: from + (3 + rng.next() * 7) * DAY, roaming: rng.chance(0.3) };
      if (rng.chance(0.5))
        plan.travelPasses.push({
          country,
          from: new Date(from - DAY).toISOString(),
          until: new Date(trip.until + DAY).toISOString(),
        });
    }
    const perDay = Math.min(4, Math.max(0.4, rng.logNormal(1.1, 0.6)));
    let t = start;
    let lastKrLogin = -Infinity;
    let switched = false;
    let phoneReplaced = false;
    const emit = (time: number, ip: string, client: Client) => {
      // Some logins come after a mistyped password or two, from the same place.
      if (rng.chance(0.03)) {
        const n = rng.int(1, 3);
        for (let i = n; i >= 1; i--)
          history.push({
            type: 'login.failed',
            id: uuid(rng),
            accountId,
            time: time - i * rng.int(10, 90) * 1000,
            ip,
            client,
            reason: 'bad_password',
          });
      }
      history.push({ type: 'login.succeeded', id: uuid(rng), accountId, time, ip, client });
    };
    // A traveller's last login at home is a flight (and the airports) before the first abroad.
    const travelling = scenario === 'travel_with_pass' || scenario === 'travel_without_pass';
    const destination = travelling ? rng.weighted(TRAVEL_COUNTRIES) : undefined;
    const historyEnd = testTime - (destination ? FLIGHT_HOURS[destination]! + 3 : 2) * HOUR;
    for (;;) {
      t += Math.round(Math.max(20 * MIN, rng.exp(DAY / perDay)));
      if (t >= historyEnd) break;
      if (!phoneReplaced && t >= newPhoneAt) {
        const i = devices.findIndex((d) => d.kind === 'phone');
        if (i >= 0) devices[i] = newDevice(rng, 'phone');
        phoneReplaced = true;
      }
      if (!switched && t >= switchAt) {
        mobile = weightedNet(
          rng,
          KR_MOBILE.filter(([n]) => n !== mobile),
        );
        switched = true;
      }
      if (rng.chance(0.02)) homeIp = addressIn(isp, rng); // the home router re-leased
      const device = rng.pick(devices);
      if (trip && t >= trip.from && t <= trip.until) {
        // Abroad: the first login after the flight, then the phone on local networks or roaming.
        if (t < lastKrLogin + (FLIGHT_HOURS[trip.country]! + 3) * HOUR) continue;
        const phone = devices.find((d) => d.kind === 'phone') ?? device;
        const ip =
          trip.roaming && rng.chance(0.7)
            ? addressIn(mobile, rng)
            : addressIn(rng.pick(FOREIGN_ACCESS[trip.country]!), rng);
        emit(t, ip, phone.client);
        continue;
      }
      if (trip && t > trip.until && t < trip.until + (FLIGHT_HOURS[trip.country]! + 3) * HOUR) continue;
      const ip = device.kind === 'phone' && !rng.chance(wifiShare) ? addressIn(mobile, rng) : homeIp;
      emit(t, ip, device.client);
      lastKrLogin = t;
    }
    const phone = devices.find((d) => d.kind === 'phone');
    const known = rng.pick(devices);
    const test = (ip: string, client: Client, time = testTime) =>
      tests.push({ type: 'login.succeeded', id: uuid(rng), accountId, time, ip, client, scenario });
    const failures = (n: number, ip: string, client: Client, overMinutes: number, name = accountId) => {
      for (let i = 0; i < n; i++)
        prelude.push({
          type: 'login.failed',
          id: uuid(rng),
          accountId: name,
          time: testTime - Math.round((1 + (overMinutes - 1) * (1 - i / n)) * MIN),
          ip,
          client,
          reason: 'bad_password',
        });
    };
    switch (scenario) {
      case 'home_known':
        test(homeIp, known.client);
        break;
      case 'mobile_known':
        test(addressIn(mobile, rng), (phone ?? known).client);
        break;
      case 'new_phone':
        test(homeIp, newDevice(rng, 'phone').client);
        break;
      case 'carrier_switch': {
        const next = weightedNet(
          rng,
          KR_MOBILE.filter(([n]) => n !== mobile),
        );
        test(addressIn(next, rng), (phone ?? known).client);
        break;
      }
      case 'typo_then_success': {
        const ip = known.kind === 'phone' && rng.chance(0.5) ? addressIn(mobile, rng) : homeIp;
        failures(rng.int(1, 4), ip, known.client, 3);
        test(ip, known.client);
        break;
      }
      case 'travel_with_pass':
      case 'travel_without_pass': {
        const country = destination!;
        if (scenario === 'travel_with_pass')
          plan.travelPasses.push({
            country,
            from: new Date(testTime - 2 * DAY).toISOString(),
            until: new Date(testTime + 7 * DAY).toISOString(),
          });
        test(addressIn(rng.pick(FOREIGN_ACCESS[country]!), rng), (phone ?? known).client);
        break;
      }
      case 'foreign_hosting':
        test(addressIn(rng.pick(FOREIGN_HOSTING), rng), attackerClient(rng));
        break;
      case 'domestic_hosting':
        test(addressIn(rng.pick(KR_HOSTING), rng), attackerClient(rng));
        break;
      case 'copied_device_hosting':
        test(addressIn(rng.pick(KR_HOSTING), rng), { ...known.client });
        break;
      case 'copied_device_residential':
        test(addressIn(weightedNet(rng, KR_ISPS), rng), { ...known.client });
        break;
      case 'impossible_travel': {
        const country = rng.weighted(TRAVEL_COUNTRIES);
        if (!plan.trustedCountries.includes(country)) plan.trustedCountries.push(country);
        // The player at home minutes before; the thief "in" the trusted country.
        const gap = Math.round((5 + rng.next() * 35) * MIN);
        history.push({
          type: 'login.succeeded',
          id: uuid(rng),
          accountId,
          time: testTime - gap,
          ip: homeIp,
          client: known.client,
        });
        const client = rng.chance(0.8) ? attackerClient(rng) : { ...known.client };
        test(addressIn(rng.pick(FOREIGN_ACCESS[country]!), rng), client);
        break;
      }
      case 'credential_stuffing': {
        const ip = addressIn(attackerNetwork(rng), rng);
        const client = attackerClient(rng);
        const n = Math.max(24, Math.round(rng.logNormal(50, 0.6)));
        const over = 10 + rng.next() * 40;
        for (let i = 0; i < n; i++) {
          const other = rng.chance(0.5) ? rng.pick(ids) : rng.id('user');
          const time = testTime - Math.round((1 + (over - 1) * (1 - i / n)) * MIN);
          prelude.push({
            type: 'login.failed',
            id: uuid(rng),
            accountId: other === accountId ? rng.id('user') : other,
            time,
            ip,
            client,
            reason: ids.includes(other) ? 'bad_password' : 'unknown_account',
          });
        }
        test(ip, client);
        break;
      }
      case 'brute_force': {
        const ip = addressIn(attackerNetwork(rng), rng);
        const client = attackerClient(rng);
        failures(Math.max(12, Math.round(rng.logNormal(40, 0.8))), ip, client, 5 + rng.next() * 45);
        test(ip, client);
        break;
      }
    }
  }
  const byTime = (a: CorpusEvent, b: CorpusEvent) => a.time - b.time;
  return {
    seed: opts.seed,
    accounts,
    history: history.sort(byTime),
    prelude: prelude.sort(byTime),
    tests: tests.sort(byTime),
  };
}

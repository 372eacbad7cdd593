/**
 * `pnpm simulate`: plays the game side. As a login server it emits `login.succeeded` at --rate
 * for --duration over --accounts accounts (mostly home-country public IPs, --foreign-ratio foreign
 * ones, some IPv6, a few private addresses), after setting some accounts' protection policies
 * through account-guard's API. `--via http` sends the logins to ip-checker's HTTP ingress
 * (`POST /v1/events`, CloudEvents batches, a `service` token) instead of AMQP. As a game server
 * it consumes `game.commands` and prints each kick and message. It ends with a summary and exits non-zero if a login was not recorded or assessed.
 *
 * SPEC §7's cases ride along: each account has a home ISP, a mobile carrier and one or two
 * devices (real address ranges of real Korean networks, scripts/bench/detection/networks.ts);
 * some logins come from a new device, a Korean cloud/hosting network, or the account's trusted
 * country right after a home login (impossible travel); before the run one address fails
 * (`login.failed`) on --stuffing-accounts accounts and another guesses one account's password
 * --brute-force-failures times, and both succeed after the run's logins (credential stuffing,
 * brute force). The summary counts the `login.assessed` per signal and verdict.
 *
 * SPEC §8's answers close the run: as the players, it answers "not me" for --not-me suspicious
 * logins and "it was me" for --me unusual ones (with a token issued before the run, as the `iat`
 * rule asks). As the game server it obeys `account.sessions-revoke` (ends every session it holds
 * for that account) and as the login server `account.password-reset` (the account must set a new
 * password before its next login), and prints both.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import amqplib from 'amqplib';
import jwt from 'jsonwebtoken';
import {
  COMMANDS_EXCHANGE,
  EVENTS_EXCHANGE,
  LOGIN_FAILED,
  LOGIN_SUCCEEDED,
  createEvent,
} from '@account-security/shared/contracts';
import {
  FOREIGN_ACCESS,
  FOREIGN_HOSTING,
  KR_HOSTING,
  KR_ISPS,
  KR_MOBILE,
  addressIn,
} from './bench/detection/networks';
import { createRng } from './bench/detection/prng';
import { devAuthSecret } from './suite';

// Networks checked against the shipped DB-IP country database.
const HOME_V4 = [
  '211.234.10',
  '175.223.10',
  '121.134.5',
  '1.224.0',
  '59.5.1',
  '58.120.1',
  '49.142.1',
  '101.79.1',
  '112.169.1',
];
const HOME_V6 = ['2001:e60:1234:'];
const FOREIGN_V4: [string, string][] = [
  ['US', '8.8.8'],
  ['JP', '133.0.0'],
  ['JP', '126.0.0'],
  ['GB', '81.2.69'],
  ['NL', '91.198.174'],
  ['DE', '46.4.1'],
  ['BR', '186.192.1'],
  ['ZA', '41.0.0'],
  ['CN', '110.76.1'],
];
const FOREIGN_V6 = ['2400:2410:1:'];
const PRIVATE = ['10.1.2', '192.168.0', '100.64.3'];
const PLATFORMS = ['pc', 'ios', 'android', 'console'];

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const octet = () => 1 + Math.floor(Math.random() * 250);
const hex = () => Math.floor(Math.random() * 0xffff).toString(16);

export function randomIp(kind: 'home' | 'foreign' | 'private', ipv6Ratio: number): string {
  if (kind === 'private') return `${pick(PRIVATE)}.${octet()}`;
  const v6 = Math.random() < ipv6Ratio;
  if (kind === 'home') return v6 ? `${pick(HOME_V6)}:${hex()}` : `${pick(HOME_V4)}.${octet()}`;
  return v6 ? `${pick(FOREIGN_V6)}:${hex()}` : `${pick(FOREIGN_V4)[1]}.${octet()}`;
}

function parsePolicies(spec: string): [string, number][] {
  return spec
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const [policy, share] = part.split('=');
      const n = Number(share);
      if (!['none', 'notify', 'kick', 'block', 'lock'].includes(policy!) || !(n >= 0 && n <= 1)) {
        throw new Error(`--policies: "${part}" is not policy=share (e.g. lock=0.1)`);
      }
      return [policy!, n];
    });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '20' },
      duration: { type: 'string', default: '10' },
      accounts: { type: 'string', default: '200' },
      'foreign-ratio': { type: 'string', default: '0.05' },
      'ipv6-ratio': { type: 'string', default: '0.1' },
      'private-ratio': { type: 'string', default: '0.02' },
      'new-device-ratio': { type: 'string', default: '0.03' },
      'hosting-ratio': { type: 'string', default: '0.02' },
      'travel-ratio': { type: 'string', default: '0.01' },
      'stuffing-accounts': { type: 'string', default: '30' },
      'brute-force-failures': { type: 'string', default: '15' },
      'not-me': { type: 'string', default: '3' },
      me: { type: 'string', default: '3' },
      policies: { type: 'string', default: 'lock=0.1,kick=0.1,block=0.05,none=0.05' },
      'home-country': { type: 'string', default: 'KR' },
      amqp: { type: 'string', default: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672' },
      guard: { type: 'string', default: process.env.ACCOUNT_GUARD_URL ?? 'http://127.0.0.1:3003' },
      via: { type: 'string', default: 'amqp' },
      'ip-checker': { type: 'string', default: process.env.IP_CHECKER_URL ?? 'http://127.0.0.1:3001' },
      wait: { type: 'string', default: '30' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`usage: pnpm simulate [--rate 20] [--duration 10] [--accounts 200] [--foreign-ratio 0.05]
  [--ipv6-ratio 0.1] [--private-ratio 0.02] [--new-device-ratio 0.03] [--hosting-ratio 0.02]
  [--travel-ratio 0.01] [--stuffing-accounts 30] [--brute-force-failures 15] [--not-me 3] [--me 3]
  [--policies lock=0.1,kick=0.1,block=0.05,none=0.05]
  [--home-country KR] [--amqp URL] [--guard URL] [--via amqp|http] [--ip-checker URL] [--wait 30] [--quiet]`);
    return 0;
  }
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  const accounts = Number(values.accounts);
  const foreignRatio = Number(values['foreign-ratio']);
  const ipv6Ratio = Number(values['ipv6-ratio']);
  const privateRatio = Number(values['private-ratio']);
  const newDeviceRatio = Number(values['new-device-ratio']);
  const hostingRatio = Number(values['hosting-ratio']);
  const travelRatio = Number(values['travel-ratio']);
  const stuffingAccounts = Number(values['stuffing-accounts']);
  const bruteForceFailures = Number(values['brute-force-failures']);
  const notMeAnswers = Number(values['not-me']);
  const meAnswers = Number(values.me);
  for (const [k, v] of Object.entries({ rate, duration, accounts }))
    if (!(v > 0)) throw new Error(`--${k} must be a positive number`);
  for (const [k, v] of Object.entries({ 'not-me': notMeAnswers, me: meAnswers }))
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`--${k} must be a whole number, 0 or more`);
  if (values.via !== 'amqp' && values.via !== 'http') throw new Error('--via must be amqp or http');
  const runId = randomUUID().slice(0, 8);
  const accountIds = Array.from({ length: accounts }, (_, i) => `sim-${runId}-${i}`);

  // Protection settings first, as players (or support) would set them.
  const secret = process.env.AUTH_JWT_SECRET ?? devAuthSecret();
  const support = jwt.sign({ roles: ['support'] }, secret, {
    subject: 'simulator',
    expiresIn: '1h',
    algorithm: 'HS256',
  });
  const service = jwt.sign({ roles: ['service'] }, secret, {
    subject: 'simulator/login-server',
    expiresIn: '1h',
    algorithm: 'HS256',
  });
  // The players' own tokens, issued ten minutes before the run's logins: SPEC §8's `iat` rule
  // (with account-guard's FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS margin) lets such a token answer "it was me".
  const issuedBeforeRun = Math.floor(Date.now() / 1000) - 600;
  const playerToken = (accountId: string) =>
    jwt.sign({ sub: accountId, iat: issuedBeforeRun }, secret, { expiresIn: '1h', algorithm: 'HS256' });
  // Every fifth account trusts Japan (where impossible travel is tried): set with a policy.
  const trusts = (id: string) => accountIds.indexOf(id) % 5 === 0;
  const policyOf = new Map<string, string>();
  let cursor = 0;
  for (const [policy, share] of parsePolicies(values.policies!)) {
    for (const id of accountIds.slice(cursor, cursor + Math.round(share * accounts)))
      policyOf.set(id, policy);
    cursor += Math.round(share * accounts);
  }
  for (const id of accountIds) if (trusts(id) && !policyOf.has(id)) policyOf.set(id, 'notify');
  let set = 0;
  for (const [id, policy] of policyOf) {
    const res = await fetch(`${values.guard}/v1/accounts/${encodeURIComponent(id)}/protection`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${support}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        policy,
        channels: ['in_game'],
        trustedCountries: trusts(id) ? ['JP'] : [],
        locale: 'en',
      }),
    });
    if (!res.ok) throw new Error(`setting ${policy} on ${id}: ${res.status} ${await res.text()}`);
    set++;
  }
  console.log(
    `simulate: ${accounts} accounts, ${set} with settings (policies ${values.policies}; every fifth account trusts JP, as notify unless chosen); others use DEFAULT_POLICY`,
  );

  const conn = await amqplib.connect(values.amqp!, { noDelay: true });
  const observe = await conn.createChannel();
  const { queue } = await observe.assertQueue('', { exclusive: true, autoDelete: true });
  await observe.bindQueue(queue, EVENTS_EXCHANGE, 'login.recorded');
  await observe.bindQueue(queue, EVENTS_EXCHANGE, 'login.assessed');
  await observe.bindQueue(queue, EVENTS_EXCHANGE, 'account.locked');
  await observe.bindQueue(queue, EVENTS_EXCHANGE, 'account.unlocked');
  await observe.bindQueue(queue, EVENTS_EXCHANGE, 'login.reported');
  await observe.bindQueue(queue, COMMANDS_EXCHANGE, '#');

  const sentAt = new Map<string, number>();
  const recorded = new Set<string>();
  const assessed = new Set<string>();
  const latencies: number[] = [];
  const commands: Record<string, number> = {};
  let locks = 0;
  const verdicts: Record<string, number> = {};
  /** signal code → verdict → login.assessed count. */
  const bySignal = new Map<string, Record<string, number>>();
  /** The game server's live sessions per account, and the login server's must-reset accounts. */
  const sessionsOf = new Map<string, Set<string>>();
  const mustResetPassword = new Set<string>();
  const answerable: { accountId: string; loginEventId: string; verdict: string; signals: string[] }[] = [];
  let unlocks = 0;
  let reports = 0;
  await observe.consume(
    queue,
    (m) => {
      if (!m) return;
      const e = JSON.parse(m.content.toString());
      const loginId = e.correlationid as string;
      const ours = typeof e.data?.accountId === 'string' && e.data.accountId.startsWith(`sim-${runId}-`);
      // Commands about an account carry no login: they are ours when the account is.
      if (!sentAt.has(loginId) && !ours) return; // another producer's traffic
      switch (m.fields.routingKey) {
        case 'login.recorded':
          recorded.add(loginId);
          break;
        case 'login.assessed':
          if (!assessed.has(loginId)) latencies.push(Date.now() - sentAt.get(loginId)!);
          assessed.add(loginId);
          verdicts[e.data.verdict] = (verdicts[e.data.verdict] ?? 0) + 1;
          if (e.data.verdict !== 'trusted')
            answerable.push({
              accountId: e.data.accountId,
              loginEventId: e.data.loginEventId,
              verdict: e.data.verdict,
              signals: (e.data.signals ?? []).map((x: { code: string }) => x.code),
            });
          for (const code of new Set<string>(
            (e.data.signals ?? [])
              .map((x: { code: string }) => x.code)
              .concat(e.data.signals?.length ? [] : ['(none)']),
          )) {
            const row = bySignal.get(code) ?? {};
            row[e.data.verdict] = (row[e.data.verdict] ?? 0) + 1;
            bySignal.set(code, row);
          }
          if (!values.quiet && e.data.verdict !== 'trusted' && (e.data.signals ?? []).length)
            console.log(
              `  ${e.data.verdict.padEnd(8)} ${e.data.accountId} risk ${e.data.risk}: ${(e.data.signals as { code: string }[]).map((x) => x.code).join(', ')}`,
            );
          break;
        case 'account.locked':
          locks++;
          if (!values.quiet) console.log(`  lock     ${e.data.accountId}: ${e.data.reason}`);
          break;
        case 'account.unlocked':
          unlocks++;
          if (!values.quiet) console.log(`  unlock   ${e.data.accountId} by ${e.data.by}: ${e.data.reason}`);
          break;
        case 'login.reported':
          reports++;
          if (!values.quiet)
            console.log(`  reported ${e.data.accountId} login ${e.data.loginEventId}: ${e.data.answer}`);
          break;
        case 'account.sessions-revoke': {
          // As the game server: every session this account holds ends now.
          const ended = sessionsOf.get(e.data.accountId)?.size ?? 0;
          sessionsOf.delete(e.data.accountId);
          commands.revoke = (commands.revoke ?? 0) + 1;
          if (!values.quiet)
            console.log(`  revoke   ${e.data.accountId}: ${ended} session(s) ended (${e.data.reason})`);
          break;
        }
        case 'account.password-reset':
          // As the login server: the next login of this account asks for a new password first.
          mustResetPassword.add(e.data.accountId);
          commands['password-reset'] = (commands['password-reset'] ?? 0) + 1;
          if (!values.quiet)
            console.log(
              `  pw-reset ${e.data.accountId}: a new password is required at the next login (${e.data.reason})`,
            );
          break;
        case 'session.kick':
          sessionsOf.get(e.data.accountId)?.delete(e.data.sessionId);
          commands[`kick:${e.data.reason}`] = (commands[`kick:${e.data.reason}`] ?? 0) + 1;
          if (!values.quiet)
            console.log(`  kick     ${e.data.accountId} session ${e.data.sessionId} (${e.data.reason})`);
          break;
        case 'player.message':
          commands.message = (commands.message ?? 0) + 1;
          if (!values.quiet)
            console.log(`  message  ${e.data.accountId}: ${String(e.data.text).split('\n')[0]}`);
          break;
      }
    },
    { noAck: true },
  );

  const publish = await conn.createConfirmChannel();
  const total = Math.round(rate * duration);
  const started = Date.now();
  let sent = 0;
  const ingress = `${values['ip-checker']}/v1/events`;
  console.log(
    `simulate: sending ${total} logins at ${rate}/s for ${duration}s ` +
      (values.via === 'http'
        ? `via HTTP (POST ${ingress}, CloudEvents batches, service token)`
        : `via AMQP (${EVENTS_EXCHANGE} on ${values.amqp!.replace(/\/\/[^@/]*@/, '//')})`),
  );
  /** One ingress request per 100 logins; the 202 means the broker confirmed them all. */
  const sendHttp = async (events: object[]) => {
    for (let i = 0; i < events.length; i += 100) {
      const res = await fetch(ingress, {
        method: 'POST',
        headers: { authorization: `Bearer ${service}`, 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(events.slice(i, i + 100)),
      });
      if (res.status !== 202) throw new Error(`POST ${ingress}: ${res.status} ${await res.text()}`);
    }
  };
  // Each account's own places and devices: a home ISP address, a mobile carrier, a phone and maybe a PC.
  const rng = createRng(Math.floor(Math.random() * 2 ** 32));
  interface Player {
    homeIp: string;
    mobile: (typeof KR_MOBILE)[number][0];
    devices: { platform: string; version: string; deviceId: string }[];
    lastHomeAt: number;
  }
  const players = new Map<string, Player>();
  const playerOf = (accountId: string): Player => {
    let p = players.get(accountId);
    if (!p) {
      p = {
        homeIp: addressIn(rng.weighted(KR_ISPS), rng),
        mobile: rng.weighted(KR_MOBILE),
        devices: [
          { platform: rng.chance(0.7) ? 'android' : 'ios', version: '1.0.0', deviceId: rng.id('phone-') },
        ],
        lastHomeAt: 0,
      };
      if (rng.chance(0.5))
        p.devices.push({ platform: pick(PLATFORMS), version: '1.0.0', deviceId: rng.id('pc-') });
      players.set(accountId, p);
    }
    return p;
  };
  const cases: Record<string, number> = {};
  let batch: object[] = [];
  const emit = (type: typeof LOGIN_SUCCEEDED | typeof LOGIN_FAILED, data: Record<string, unknown>) => {
    const event = createEvent({
      type,
      source: 'simulator/login-server',
      subject: String(data.accountId),
      data,
    } as Parameters<typeof createEvent>[0]);
    if (type === LOGIN_SUCCEEDED) sentAt.set(event.id, Date.now());
    if (values.via === 'http') batch.push(event);
    else
      publish.publish(EVENTS_EXCHANGE, type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: 'application/cloudevents+json',
        messageId: event.id,
        type: event.type,
        correlationId: event.id,
      });
  };
  const flush = async () => {
    if (batch.length) await sendHttp(batch);
    batch = [];
    await publish.waitForConfirms();
  };
  const success = (accountId: string, ip: string, client: object, kind: string) => {
    cases[kind] = (cases[kind] ?? 0) + 1;
    const sessionId = randomUUID();
    // As the game server: the session is live until kicked or revoked.
    sessionsOf.set(accountId, (sessionsOf.get(accountId) ?? new Set()).add(sessionId));
    emit(LOGIN_SUCCEEDED, {
      accountId,
      sessionId,
      ip,
      client,
      homeCountry: values['home-country'],
    });
  };
  // Before the run: one address fails on many accounts (stuffing), another guesses one password.
  const stuffingIp = addressIn(rng.pick(KR_HOSTING), rng);
  const bruteIp = addressIn(rng.pick(FOREIGN_HOSTING.concat(KR_HOSTING)), rng);
  const tool = { platform: 'pc', version: '1.0.0', deviceId: rng.id('tool-') };
  const stuffingVictim = accountIds[accountIds.length - 1]!;
  const bruteVictim = accountIds[accountIds.length - 2]!;
  let failed = 0;
  for (let i = 0; i < stuffingAccounts; i++, failed++)
    emit(LOGIN_FAILED, {
      accountId: i % 2 ? pick(accountIds) : `sim-${runId}-nobody-${i}`,
      ip: stuffingIp,
      client: tool,
      reason: i % 2 ? 'bad_password' : 'unknown_account',
    });
  for (let i = 0; i < bruteForceFailures; i++, failed++)
    emit(LOGIN_FAILED, { accountId: bruteVictim, ip: bruteIp, client: tool, reason: 'bad_password' });
  await flush();
  if (failed)
    console.log(
      `simulate: sent ${failed} failed logins (stuffing from ${stuffingIp}, brute force from ${bruteIp})`,
    );

  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const accountId = pick(accountIds);
      const p = playerOf(accountId);
      const known = pick(p.devices);
      let r = Math.random();
      const next = (share: number) => (r -= share) < 0;
      if (next(privateRatio)) success(accountId, randomIp('private', ipv6Ratio), known, 'private address');
      else if (next(foreignRatio)) success(accountId, randomIp('foreign', ipv6Ratio), known, 'foreign');
      else if (next(hostingRatio))
        success(
          accountId,
          addressIn(rng.pick(KR_HOSTING), rng),
          { ...tool, deviceId: rng.id('vm-') },
          'domestic hosting',
        );
      else if (next(newDeviceRatio)) {
        const device = { platform: 'android', version: '1.0.0', deviceId: rng.id('phone-') };
        p.devices.push(device);
        success(accountId, p.homeIp, device, 'new device');
      } else if (next(travelRatio) && trusts(accountId) && p.lastHomeAt > 0)
        success(accountId, addressIn(rng.pick(FOREIGN_ACCESS.JP!), rng), known, 'impossible travel');
      else if (known.deviceId.startsWith('phone-') && rng.chance(0.5))
        success(accountId, addressIn(p.mobile, rng), known, 'mobile carrier');
      else {
        success(accountId, p.homeIp, known, 'home');
        p.lastHomeAt = Date.now();
      }
    }
    await flush();
    await new Promise((r) => setTimeout(r, 10));
  }
  // After the run's logins (the failures long recorded): the stuffing and brute-force successes.
  if (stuffingAccounts > 0) {
    success(stuffingVictim, stuffingIp, tool, 'credential stuffing');
    sent++;
  }
  if (bruteForceFailures > 0) {
    success(bruteVictim, bruteIp, tool, 'brute force');
    sent++;
  }
  await flush();
  console.log(
    `simulate: sent ${sent} in ${((Date.now() - started) / 1000).toFixed(1)}s; waiting for the pipeline…`,
  );
  const deadline = Date.now() + Number(values.wait) * 1000;
  while ((recorded.size < sent || assessed.size < sent) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // late commands of the last logins

  // SPEC §8: the players answer. "Not me" for suspicious logins (one per account), "it was me"
  // for unusual ones, each through the bearer route with the player's own token.
  const answered: Record<string, number> = {};
  const answer = async (a: (typeof answerable)[number], reply: 'me' | 'not_me') => {
    const url = `${values.guard}/v1/accounts/${encodeURIComponent(a.accountId)}/logins/${encodeURIComponent(a.loginEventId)}/feedback`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${playerToken(a.accountId)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ answer: reply }),
    });
    const body = (await res.json()) as { effects?: Record<string, unknown>; error?: { code: string } };
    const key = `${reply}:${res.status}`;
    answered[key] = (answered[key] ?? 0) + 1;
    if (!values.quiet)
      console.log(
        `  answer   ${a.accountId} ${a.verdict} (${a.signals.join(', ')}): ${reply} → ${res.status} ${
          res.ok
            ? Object.entries(body.effects ?? {})
                .filter(([, v]) => v)
                .map(([k]) => k)
                .join(', ')
            : body.error?.code
        }`,
      );
  };
  const seen = new Set<string>();
  const pickAnswers = (verdict: string, n: number) =>
    answerable
      .filter((a) => a.verdict === verdict && !seen.has(a.accountId) && seen.add(a.accountId))
      .slice(0, n);
  for (const a of pickAnswers('suspicious', notMeAnswers)) await answer(a, 'not_me');
  for (const a of pickAnswers('unusual', meAnswers)) await answer(a, 'me');
  if (Object.keys(answered).length) await new Promise((r) => setTimeout(r, 1500)); // their commands and events
  await conn.close();

  latencies.sort((a, b) => a - b);
  const cmd = Object.entries(commands)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log('\nsummary');
  console.log(`  sent       ${sent}`);
  console.log(`  recorded   ${recorded.size}`);
  console.log(
    `  assessed   ${assessed.size} (${['trusted', 'unusual', 'suspicious'].map((v) => `${verdicts[v] ?? 0} ${v}`).join(', ')})`,
  );
  console.log(
    `  cases      ${Object.entries(cases)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log('  verdicts per signal (login.assessed carrying the signal):');
  console.log(
    `    ${'signal'.padEnd(24)} ${'trusted'.padStart(8)} ${'unusual'.padStart(8)} ${'suspicious'.padStart(10)}`,
  );
  for (const [code, row] of [...bySignal].sort()) {
    console.log(
      `    ${code.padEnd(24)} ${String(row.trusted ?? 0).padStart(8)} ${String(row.unusual ?? 0).padStart(8)} ${String(row.suspicious ?? 0).padStart(10)}`,
    );
  }
  console.log(`  locks      ${locks} (unlocks ${unlocks})`);
  console.log(
    `  answers    ${
      Object.entries(answered)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'none'
    } (login.reported ${reports}; accounts that must reset their password ${mustResetPassword.size})`,
  );
  console.log(`  commands   ${Object.values(commands).reduce((a, b) => a + b, 0)} ${cmd ? `(${cmd})` : ''}`);
  console.log(
    `  latency    p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms (sent → assessed)`,
  );
  const ok = recorded.size === sent && assessed.size === sent;
  console.log(
    ok
      ? '  every sent login was recorded and assessed'
      : '  SOME LOGINS WERE NOT RECORDED OR ASSESSED IN TIME',
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`simulate: ${(err as Error).message}`);
    process.exit(1);
  },
);

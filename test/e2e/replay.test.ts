/**
 * SPEC §10 replay through the three services: logins go the whole way (ip-checker, login-history,
 * account-guard), then `pnpm replay` reads the window back from login-history's export and judges
 * it again with account-guard's assessment and policy. With the deployment's own settings it
 * reproduces what was decided, login for login; with a stricter settings file it reports exactly
 * the extra unusual logins and locks worked out below by hand.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitUntil } from '@account-security/shared/testing';
import { Harness, IPS, startHarness, supportToken } from '../support/harness';

jest.setTimeout(240_000);

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const MINUTE = 60_000;

let h: Harness;
// 13 hours between logins: no two of them close enough for impossible travel (KR–US is ~10,000 km).
const STEP = 13 * 60 * MINUTE;
const start = Date.now() - 18 * STEP;
const window = {
  from: new Date(start - MINUTE).toISOString(),
  to: new Date(Date.now() + 10 * MINUTE).toISOString(),
};
const dir = mkdtempSync(path.join(tmpdir(), 'replay-'));
/** Login ids by name (A1…), in the order they were sent. */
const ids = new Map<string, string>();
const assessed = new Map<
  string,
  { verdict: string; risk: number; actions: { type: string; channel?: string; status: string }[] }
>();

async function replay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'apps/account-guard/scripts/replay.ts',
        '--from',
        window.from,
        '--to',
        window.to,
        '--history',
        h.suite.url('login-history'),
        ...args,
      ],
      { cwd: ROOT, env: h.env, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  h = await startHarness('replay', { TEST_LOG_LEVEL: 'warn' });
  const support = supportToken();
  // A: its own policy lock, in-game notices only. B and C: the defaults (notify; email and
  // in-game, and no email address on file, so the email is skipped).
  const put = await h.api('account-guard', 'PUT', '/v1/accounts/rp-A/protection', support, {
    policy: 'lock',
    channels: ['in_game'],
    email: null,
    phone: null,
    trustedCountries: [],
    locale: 'en',
  });
  expect(put.status).toBe(200);

  let step = 0;
  const send = async (name: string, accountId: string, ip: string) => {
    const id = await h.login(accountId, ip, {}, { time: new Date(start + step++ * STEP).toISOString() });
    ids.set(name, id);
    // One at a time: each login is judged after the one before it, as the lock story needs.
    await waitUntil(() => h.events.of('login.assessed').some((m) => m.body.correlationid === id), 30_000);
    const m = h.events.of('login.assessed').find((x) => x.body.correlationid === id)!;
    assessed.set(name, m.body.data);
  };
  for (const n of [1, 2, 3]) await send(`A${n}`, 'rp-A', IPS.KR);
  await send('A4', 'rp-A', IPS.US); // foreign: locked (A's policy)
  await send('A5', 'rp-A', IPS.KR); // refused: account_locked
  const unlock = await h.api('account-guard', 'POST', '/v1/accounts/rp-A/unlock', support, {
    reason: 'checked with the player',
  });
  expect(unlock.status).toBe(200);
  await send('A6', 'rp-A', IPS.KR);
  for (const n of [1, 2, 3, 4]) await send(`B${n}`, 'rp-B', IPS.KR);
  await send('B5', 'rp-B', IPS.JP); // foreign: notified (the default policy)
  await send('B6', 'rp-B', IPS.KR);
  for (const n of [1, 2, 3, 4, 5]) await send(`C${n}`, 'rp-C', IPS.KR);
  // Every action recorded (the email skips included) before the replay compares with them.
  await new Promise((r) => setTimeout(r, 1000));
});
afterAll(async () => {
  await h?.stop();
});

test('the logins were decided as the scenario says (the premises of the expectations below)', () => {
  const verdicts = Object.fromEntries([...assessed].map(([n, a]) => [n, a.verdict]));
  expect(verdicts).toEqual({
    A1: 'trusted',
    A2: 'trusted',
    A3: 'trusted',
    A4: 'suspicious',
    A5: 'trusted',
    A6: 'trusted',
    B1: 'trusted',
    B2: 'trusted',
    B3: 'trusted',
    B4: 'trusted',
    B5: 'suspicious',
    B6: 'trusted',
    C1: 'trusted',
    C2: 'trusted',
    C3: 'trusted',
    C4: 'trusted',
    C5: 'trusted',
  });
  expect(
    assessed
      .get('A4')!
      .actions.map((a) => a.type)
      .sort(),
  ).toEqual(['kick', 'lock', 'notify']);
  expect(assessed.get('A5')!.actions.map((a) => a.type)).toEqual(['kick']);
  expect(assessed.get('A6')!.actions).toEqual([]);
});

test('when replayed with the current settings, then it reproduces every decision (difference: none)', async () => {
  const { code, stdout, stderr } = await replay('--json');
  expect({ code, stderr: code ? stderr : '' }).toEqual({ code: 0, stderr: '' });
  const r = JSON.parse(stdout);
  expect(r.logins).toEqual({ total: 17, decided: 17, undecided: 0, partial: 0, shadowDecided: 0 });
  expect(r.verdicts.replay).toEqual(r.verdicts.actual);
  expect(r.verdicts.replay).toEqual({ trusted: 15, suspicious: 2 });
  expect(r.signals.replay).toEqual(r.signals.actual);
  expect(r.actions.replay).toEqual(r.actions.actual);
  expect(r.actions.replay).toEqual({ 'notify:in_game': 2, kick: 2, lock: 1 });
  expect(r.locks).toMatchObject({ accounts: 1, logins: 1, extra: 0, refusedLocked: 1, examples: ['rp-A'] });
  expect(r.difference).toEqual({
    logins: 0,
    verdictChanged: 0,
    actionsChanged: 0,
    transitions: {},
    bySignal: {},
  });
  expect(r.notes.join(' ')).toMatch(/as they are now/);

  const text = await replay();
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('difference from what was decided: none');
  expect(text.stdout).toMatch(/verdict\s+replay\s+actual\s+change/);
});

test('when replayed with a stricter settings file, then it reports exactly the extra unusual logins and locks', async () => {
  const file = path.join(dir, 'strict.json');
  writeFileSync(file, JSON.stringify({ DEFAULT_POLICY: 'lock', RISK_UNUSUAL_THRESHOLD: 0 }));
  const { code, stdout, stderr } = await replay('--json', '--settings', file, '--max-memory-logins', '3');
  expect({ code, stderr: code ? stderr : '' }).toEqual({ code: 0, stderr: '' });
  const r = JSON.parse(stdout);

  // By hand. Threshold 0: every login with at least 3 earlier ones (SIGNAL_MIN_HISTORY) that was
  // trusted is unusual: A5, A6, B4, B6, C4, C5. DEFAULT_POLICY lock: B's foreign login B5 now
  // kicks and locks B, so B6 is refused (kick, account_locked). A's own policy was lock already;
  // A5 was refused then as now (same kick), and A6 came after support's unlock, so it is let in
  // and, unusual, told in-game. Unusual logins of B and C: in-game notice (no email on file).
  expect(r.settings.overrides).toEqual({ DEFAULT_POLICY: 'lock', RISK_UNUSUAL_THRESHOLD: '0' });
  expect(r.verdicts.replay).toEqual({ trusted: 9, unusual: 6, suspicious: 2 });
  expect(r.locks).toEqual({ logins: 2, accounts: 2, refusedLocked: 2, examples: ['rp-A', 'rp-B'], extra: 1 });
  expect(r.actions.replay).toEqual({ 'notify:in_game': 2 + 4, kick: 2 + 2, lock: 2 });
  const d = r.difference;
  expect({ logins: d.logins, verdictChanged: d.verdictChanged, actionsChanged: d.actionsChanged }).toEqual({
    logins: 7,
    verdictChanged: 6,
    actionsChanged: 6,
  });
  expect(d.transitions).toEqual({ 'trusted→unusual': 6, 'suspicious→suspicious': 1 });
  expect(Object.fromEntries(Object.entries(d.bySignal).map(([k, g]: [string, any]) => [k, g.count]))).toEqual(
    {
      risk: 6,
      policy: 1,
    },
  );
  // At most --max-memory-logins examples per list.
  expect(d.bySignal.risk.examples).toHaveLength(3);
  expect(d.bySignal.policy.examples).toEqual([
    {
      loginEventId: ids.get('B5'),
      accountId: 'rp-B',
      at: expect.any(String),
      actual: { verdict: 'suspicious', actions: ['notify:in_game'], signals: ['foreign_country'] },
      replay: {
        verdict: 'suspicious',
        signals: ['foreign_country'],
        actions: ['notify:in_game', 'kick', 'lock'],
        risk: expect.any(Number),
      },
    },
  ]);
  expect(d.bySignal.risk.examples.map((e: any) => e.loginEventId)).toEqual(
    ['A5', 'A6', 'B4'].map((n) => ids.get(n)),
  );
});

test('when the settings file names an unknown setting or a bad value, then one line says which and nothing runs', async () => {
  const unknown = path.join(dir, 'unknown.json');
  writeFileSync(unknown, JSON.stringify({ RISK_THRESHOLD: 40 }));
  const a = await replay('--settings', unknown);
  expect(a.code).toBe(2);
  expect(a.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/RISK_THRESHOLD is not a setting the replay uses/),
  ]);

  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ DEFAULT_POLICY: 'explode' }));
  const b = await replay('--settings', bad);
  expect(b.code).toBe(2);
  expect(b.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/bad\.json: configuration error: DEFAULT_POLICY is invalid/),
  ]);
  expect(b.stdout).toBe('');
});

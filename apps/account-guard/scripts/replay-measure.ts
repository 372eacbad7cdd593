/**
 * The replay's time and memory over 100,000 logins (README "Replay"; not part of `pnpm test`):
 * `node --import tsx apps/account-guard/scripts/replay-measure.ts [--logins 100000] [--accounts 10000]`.
 *
 * In throwaway databases and a throwaway vhost: records the logins with login-history's own
 * recording use case (recordLogins, the consumer's transaction: the history facts are computed as
 * in production, written straight into the database instead of arriving through the broker),
 * starts login-history (the tables not analyzed since the load: the planner's worst case) for its export route, then runs `pnpm replay` on the window as a child
 * process (against an empty account-guard database: every login is "not decided") and prints its
 * elapsed time and peak RSS (process.resourceUsage().maxRSS). Everything is dropped at the end.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { LOGIN_GEO_RESOLVED, createEvent, followUpId } from '@account-security/shared';
import type { LoginGeoResolvedEvent } from '@account-security/shared';
import {
  TEST_JWT_SECRET,
  createTestDatabase,
  createTestVhost,
  signToken,
  testEnv,
} from '@account-security/shared/testing';
import { start as startLoginHistory } from '../../login-history/src/main';
import { toLoginEntry } from '../../login-history/src/application/record-logins/prepare.step';
import { recordLogins } from '../../login-history/src/application/record-logins/record.step';
import type { DB as HistoryDB } from '../../login-history/src/data-access/tables';
import { exportPages } from './replay/export-client';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const { values } = parseArgs({
  options: {
    logins: { type: 'string', default: '100000' },
    accounts: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '300' },
  },
});
const LOGINS = Number(values.logins);
const ACCOUNTS = Number(values.accounts);
const BATCH = Number(values.batch);
const log = (s: string) => process.stderr.write(`[replay-measure] ${s}\n`);

/** Deterministic traffic: mostly Korean ISPs, some mobile, 4% abroad, a few cloud addresses. */
function loginAt(i: number, at: Date): LoginGeoResolvedEvent {
  const a = i % ACCOUNTS;
  const accountId = `m-${a}`;
  const loginId = randomUUID();
  const r = (i * 2654435761) % 100;
  const geo =
    r < 4
      ? { country: 'US', asn: 7922, asOrg: 'COMCAST', network: 'other' as const }
      : r < 6
        ? { country: 'KR', asn: 16509, asOrg: 'AMAZON-02', network: 'hosting' as const }
        : r < 30
          ? { country: 'KR', asn: 9644, asOrg: 'SK Telecom', network: 'other' as const }
          : { country: 'KR', asn: 4766, asOrg: 'Korea Telecom', network: 'other' as const };
  return createEvent({
    type: LOGIN_GEO_RESOLVED,
    source: 'ip-checker',
    subject: accountId,
    id: followUpId(loginId, LOGIN_GEO_RESOLVED),
    correlationid: loginId,
    time: at.toISOString(),
    data: {
      accountId,
      sessionId: `s-${loginId}`,
      ip: `${r < 4 ? '23.24' : '1.96'}.${(a >> 8) & 255}.${a & 255}`,
      client: { platform: 'pc', version: '2.1.0', deviceId: `dev-${a}-${r < 10 ? 'b' : 'a'}` },
      geo: { ...geo, database: 'measure 2026-12-01' },
    },
  }) as LoginGeoResolvedEvent;
}

async function main() {
  const vhost = await createTestVhost('replay_measure');
  const lh = await createTestDatabase<HistoryDB>('login-history');
  const ag = await createTestDatabase('account-guard');
  let svc: Awaited<ReturnType<typeof startLoginHistory>> | undefined;
  try {
    const from = new Date('2026-11-01T00:00:00.000Z');
    const spanMs = 30 * 24 * 3600_000;
    const now = new Date();
    const t0 = Date.now();
    for (let i = 0; i < LOGINS; i += BATCH) {
      const events = Array.from({ length: Math.min(BATCH, LOGINS - i) }, (_, k) =>
        loginAt(i + k, new Date(from.getTime() + Math.floor(((i + k) * spanMs) / LOGINS))),
      );
      await recordLogins(
        lh.db,
        events.map((e) => toLoginEntry(e, now, { deviceIdKey: 'measure-key' })),
      );
      if ((i / BATCH) % 50 === 0) log(`recorded ${i + events.length} logins`);
    }
    log(`recorded ${LOGINS} logins in ${((Date.now() - t0) / 1000).toFixed(1)} s (setup, not measured)`);

    svc = await startLoginHistory(
      testEnv({ AMQP_URL: vhost.url, DATABASE_URL: lh.url, LOG_LEVEL: 'warn', MIGRATE_ON_START: 'false' }),
    );
    const history = `http://127.0.0.1:${svc.port}`;
    const to = new Date(from.getTime() + spanMs + 1);
    const token = signToken({ sub: 'replay-measure', roles: ['service'] });
    // The export alone, for comparison: what reading the window costs without judging it.
    const exportStarted = Date.now();
    let exported = 0;
    for await (const page of exportPages({
      url: history,
      token,
      from: from.toISOString(),
      to: to.toISOString(),
      pageSize: 1000,
    }))
      exported += page.length;
    const exportSeconds = (Date.now() - exportStarted) / 1000;
    const started = Date.now();
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'apps/account-guard/scripts/replay.ts',
        '--from',
        from.toISOString(),
        '--to',
        to.toISOString(),
        '--history',
        history,
        '--token',
        token,
        '--json',
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ACCOUNT_GUARD_DATABASE_URL: ag.url,
          AUTH_JWT_SECRET: TEST_JWT_SECRET,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const wall = (Date.now() - started) / 1000;
    const report = JSON.parse(stdout) as {
      logins: { total: number };
      verdicts: { replay: Record<string, number> };
    };
    const done = stderr.trim().split('\n').at(-1);
    process.stdout.write(
      `export alone: ${exported} logins in ${exportSeconds.toFixed(1)} s\n` +
        `replay of ${report.logins.total} logins: ${wall.toFixed(1)} s wall (child process, start-up included)\n` +
        `${done}\nverdicts: ${JSON.stringify(report.verdicts.replay)}\n`,
    );
  } finally {
    await svc?.stop();
    await ag.drop();
    if (process.env.REPLAY_MEASURE_KEEP_DB) log(`kept ${lh.url}`);
    else await lh.drop();
    await vhost.delete();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});

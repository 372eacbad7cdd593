import { randomUUID } from 'node:crypto';
import {
  EVENTS_EXCHANGE,
  EventOf,
  FeedbackAnswer,
  LOGIN_REPORTED,
  createEvent,
  followUpId,
  listDeadLetters,
} from '@account-security/shared';
import { barrier, inFlightAt, publishRaw, waitUntil } from '@account-security/shared/testing';
import { setUpBrokerUsers, urlAs } from '@account-security/shared/testing/broker-users';
import { deviceKey } from '../../src/domain/known';
import { LOGIN_REPORTED_QUEUE } from '../../src/entry-points/login-reported.consumer';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness } from '../support/harness';

const DAY = 86_400_000;

/** An account with three earlier logins on one device, network, country and /24: nothing fires. */
const known = {
  logins: 3,
  globalLogins: 1000,
  features: {
    device: { account: 3, global: 3 },
    asn: { account: 3, global: 300 },
    country: { account: 3, global: 900 },
    prefix: { account: 3, global: 10, prefix: '198.51.100.0/24' },
  },
};

/** A fresh documentation-range address per use, so tests never share a reported IP. */
let lastOctet = 10;
const freshIp = () => `198.51.100.${lastOctet++}`;

/** A login.reported as account-guard publishes it when a player answers (SPEC §8). */
function loginReported(spec: {
  accountId: string;
  ip: string;
  answer: FeedbackAnswer;
  at: string;
}): EventOf<typeof LOGIN_REPORTED> {
  const loginId = randomUUID();
  return createEvent({
    type: LOGIN_REPORTED,
    source: 'account-guard',
    subject: spec.accountId,
    id: followUpId(loginId, LOGIN_REPORTED, spec.answer),
    correlationid: loginId,
    data: {
      accountId: spec.accountId,
      loginEventId: loginId,
      ip: spec.ip,
      answer: spec.answer,
      at: spec.at,
      by: 'player',
    },
  });
}

describe('account-guard counts "not me" answers against their IP (reported_ip) and takes "it was me" devices and networks as known (SPEC §7, §8)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-reported-ip');
    await setUpBrokerUsers(h.vhost.name);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Published as the account-guard broker user (the only user definitions.json lets publish it). */
  const publishReport = (event: EventOf<typeof LOGIN_REPORTED>) =>
    publishRaw(urlAs('account-guard', h.vhost.name), EVENTS_EXCHANGE, LOGIN_REPORTED, event, {
      userId: 'account-guard',
    });

  const reportRow = (ip: string) =>
    h.db.db.selectFrom('reported_ip').selectAll().where('ip', '=', ip).executeTakeFirst();

  /** Returns once every report published so far has been handled (a sentinel report behind them). */
  const reportsHandled = () =>
    barrier.afterQueue({
      vhost: h.vhost,
      queue: {
        name: LOGIN_REPORTED_QUEUE.name,
        inFlight: inFlightAt([h.svc], LOGIN_REPORTED_QUEUE.name),
      },
      sentinel: () => {
        const ip = freshIp();
        return {
          what: `the sentinel report of ${ip}`,
          send: () =>
            publishReport(
              loginReported({
                accountId: accountIdFor('sentinel'),
                ip,
                answer: 'not_me',
                at: new Date().toISOString(),
              }),
            ),
          seen: async () => (await reportRow(ip)) !== undefined,
        };
      },
    });

  const signal = (data: { signals: { code: string }[] }, code: string) =>
    data.signals.find((s) => s.code === code);

  test('when a player answers "not me" for a login from an IP, then a login of ANOTHER account from that IP is suspicious with reported_ip, and its policy acts', async () => {
    const ip = freshIp();
    const reporter = accountIdFor('reporter');
    const at = new Date(Date.now() - 2 * DAY).toISOString();
    const report = loginReported({ accountId: reporter, ip, answer: 'not_me', at });
    await publishReport(report);
    await waitUntil(async () => (await reportRow(ip)) !== undefined, 20000, 'the report kept');
    expect(await reportRow(ip)).toMatchObject({
      ip,
      reported_at: new Date(at),
      account_id: reporter,
      login_id: report.data.loginEventId,
    });

    const other = accountIdFor('victim');
    await h.protect(other, 'kick', { channels: ['in_game'] });
    const login = loginRecorded({ accountId: other, country: 'KR', ip, deviceId: 'phone-1', history: known });
    await h.publish(login);
    const { data } = await h.assessed(login.correlationid!);
    expect(data.verdict).toBe('suspicious');
    expect(data.reasons).toEqual(['reported_ip']);
    expect(signal(data, 'reported_ip')).toEqual({
      code: 'reported_ip',
      level: 'suspicious',
      detail: { reportedAt: at, days: 30 },
    });
    expect(data.actions.map((a: { type: string }) => a.type).sort()).toEqual(['kick', 'notify']);
    await h.waitAbout('session.kick', other);

    // The same IP on an account's very first login counts too (it needs no past).
    const newcomer = accountIdFor('newcomer');
    const first = loginRecorded({ accountId: newcomer, country: 'KR', ip, history: { logins: 0 } });
    await h.publish(first);
    const { data: d2 } = await h.assessed(first.correlationid!);
    expect(d2.verdict).toBe('suspicious');
    expect(d2.reasons).toEqual(['reported_ip']);
  });

  test('when reports of an IP are redelivered or arrive out of order, then the newest one is kept; "it was me" keeps nothing', async () => {
    const ip = freshIp();
    const newer = loginReported({
      accountId: accountIdFor('r1'),
      ip,
      answer: 'not_me',
      at: new Date(Date.now() - DAY).toISOString(),
    });
    const older = loginReported({
      accountId: accountIdFor('r2'),
      ip,
      answer: 'not_me',
      at: new Date(Date.now() - 5 * DAY).toISOString(),
    });
    const meIp = freshIp();
    const me = loginReported({
      accountId: accountIdFor('r3'),
      ip: meIp,
      answer: 'me',
      at: new Date().toISOString(),
    });
    await publishReport(newer);
    await waitUntil(async () => (await reportRow(ip)) !== undefined, 20000, 'the newer report kept');
    await publishReport(older);
    await publishReport(newer);
    await publishReport(me);
    await reportsHandled();
    const rows = await h.db.db.selectFrom('reported_ip').selectAll().where('ip', 'in', [ip, meIp]).execute();
    expect(rows).toEqual([
      {
        ip,
        reported_at: new Date(newer.data.at),
        account_id: newer.data.accountId,
        login_id: newer.data.loginEventId,
      },
    ]);
    const { data } = await (async () => {
      const login = loginRecorded({
        accountId: accountIdFor('me-ip'),
        country: 'KR',
        ip: meIp,
        history: known,
      });
      await h.publish(login);
      return h.assessed(login.correlationid!);
    })();
    expect(data).toMatchObject({ verdict: 'trusted', signals: [], reasons: [] });
  });

  test('when a report is older than 30 days, then it does not count: a report arriving that old is not kept, and a kept row past the window neither fires nor survives the next report', async () => {
    const lateIp = freshIp();
    await publishReport(
      loginReported({
        accountId: accountIdFor('late'),
        ip: lateIp,
        answer: 'not_me',
        at: new Date(Date.now() - 31 * DAY).toISOString(),
      }),
    );
    await reportsHandled();
    expect(await reportRow(lateIp)).toBeUndefined();

    // A row kept from 31 days ago (written before the window passed, not pruned yet).
    const staleIp = freshIp();
    await h.db.db
      .insertInto('reported_ip')
      .values({
        ip: staleIp,
        reported_at: new Date(Date.now() - 31 * DAY),
        account_id: accountIdFor('stale'),
        login_id: randomUUID(),
      })
      .execute();
    for (const ip of [lateIp, staleIp]) {
      const login = loginRecorded({ accountId: accountIdFor('clean'), country: 'KR', ip, history: known });
      await h.publish(login);
      const { data } = await h.assessed(login.correlationid!);
      expect(data).toMatchObject({ verdict: 'trusted', reasons: [] });
      expect(signal(data, 'reported_ip')).toBeUndefined();
    }
    await reportsHandled();
    expect(await reportRow(staleIp)).toBeUndefined();
  });

  test('when a report is dated in the future (a skewed clock), then it is kept as of its arrival, so it counts and is pruned in its time', async () => {
    const ip = freshIp();
    const report = loginReported({
      accountId: accountIdFor('future'),
      ip,
      answer: 'not_me',
      at: new Date(Date.now() + 365 * DAY).toISOString(),
    });
    const sent = Date.now();
    await publishReport(report);
    await waitUntil(async () => (await reportRow(ip)) !== undefined, 20000, 'the future report kept');
    const row = (await reportRow(ip))!;
    expect(row.reported_at.getTime()).toBeGreaterThanOrEqual(sent - 1000);
    expect(row.reported_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(row.login_id).toBe(report.data.loginEventId);
    const login = loginRecorded({ accountId: accountIdFor('future-ip'), country: 'KR', ip, history: known });
    await h.publish(login);
    expect(signal((await h.assessed(login.correlationid!)).data, 'reported_ip')).toBeDefined();
  });

  test('when a login.reported fails its schema, then it is dead-lettered with the reason, keeps nothing, and the reports after it flow on', async () => {
    const ip = freshIp();
    const bad = loginReported({
      accountId: accountIdFor('bad'),
      ip,
      answer: 'not_me',
      at: new Date().toISOString(),
    });
    await publishReport({ ...bad, data: { ...bad.data, answer: 'maybe' as FeedbackAnswer } });
    await reportsHandled();
    const dead = await listDeadLetters(h.vhost.url, LOGIN_REPORTED_QUEUE.name);
    expect(dead.find((d) => d.messageId === bad.id)).toMatchObject({
      reason: 'invalid_data',
      error: expect.stringContaining('answer'),
    });
    expect(await reportRow(ip)).toBeUndefined();
  });

  test('when the player confirmed the device and the network ("it was me"), then new_device, new_network and hosting_network stay silent and confirmed_by_player says so', async () => {
    const acc = accountIdFor('confirmed');
    await h.protect(acc, 'lock', { channels: ['in_game'] });
    const confirmedFrom = randomUUID();
    await h.db.db
      .insertInto('known_device')
      .values({ account_id: acc, device_key: deviceKey('phone-9'), login_id: confirmedFrom })
      .execute();
    await h.db.db
      .insertInto('known_network')
      .values({ account_id: acc, asn: 16509, login_id: confirmedFrom })
      .execute();
    // login-history has never seen this device or this ASN on the account.
    const unseen = {
      ...known,
      features: { ...known.features, device: { account: 0, global: 0 }, asn: { account: 0, global: 40 } },
    };
    const geo = { asn: 16509, asOrg: 'Amazon', network: 'hosting' as const };
    const login = loginRecorded({ accountId: acc, country: 'KR', deviceId: 'phone-9', geo, history: unseen });
    await h.publish(login);
    const { data } = await h.assessed(login.correlationid!);
    expect(data.verdict).toBe('trusted');
    expect(data.reasons).toEqual(['confirmed_by_player']);
    expect(data.signals).toEqual([
      { code: 'confirmed_by_player', level: 'info', detail: { device: true, network: true } },
    ]);
    expect(data.actions).toEqual([]);

    // Another account with the same device and network has confirmed neither.
    const stranger = accountIdFor('stranger');
    await h.protect(stranger, 'none');
    const theirs = loginRecorded({
      accountId: stranger,
      country: 'KR',
      deviceId: 'phone-9',
      geo,
      history: unseen,
    });
    await h.publish(theirs);
    const { data: d2 } = await h.assessed(theirs.correlationid!);
    expect(d2.verdict).toBe('suspicious');
    expect(d2.reasons).toEqual(['hosting_network', 'new_device', 'new_network']);
    expect(signal(d2, 'confirmed_by_player')).toBeUndefined();
  });

  test('when a login is decided, then its decision row keeps the device key (never the raw id) and the ASN', async () => {
    const acc = accountIdFor('rowkeys');
    const login = loginRecorded({
      accountId: acc,
      country: 'KR',
      deviceId: 'raw-device-id-77',
      geo: { asn: 9644, asOrg: 'SK Telecom', network: 'other' },
      history: known,
    });
    const bare = loginRecorded({ accountId: acc, country: 'KR', history: known });
    await h.publish(login);
    await h.publish(bare);
    await h.assessed(login.correlationid!);
    await h.assessed(bare.correlationid!);
    const rows = await h.db.db
      .selectFrom('login_decision')
      .select(['login_id', 'device_key', 'asn'])
      .where('account_id', '=', acc)
      .execute();
    const byId = new Map(rows.map((r) => [r.login_id, r]));
    expect(byId.get(login.correlationid!)).toMatchObject({
      device_key: deviceKey('raw-device-id-77'),
      asn: 9644,
    });
    expect(byId.get(bare.correlationid!)).toMatchObject({ device_key: null, asn: null });
  });
});

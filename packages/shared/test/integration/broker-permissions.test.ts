import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import amqplib from 'amqplib';
import {
  Broker,
  COMMANDS_EXCHANGE,
  Consumer,
  EVENTS_EXCHANGE,
  LOGIN_FAILED,
  LOGIN_FAILED_GEO_RESOLVED,
  LOGIN_GEO_RESOLVED,
  LOGIN_RECORDED,
  LOGIN_SUCCEEDED,
  PermanentError,
  SESSION_KICK,
  TransientError,
  WorkQueue,
  connectBroker,
  createEvent,
  createLogger,
  listDeadLetters,
  queueArgumentsCheck,
  replayDeadLetters,
  retryQueueName,
  serviceQueue,
  startConsumer,
} from '../../src';
import { TestVhost, createTestVhost, waitUntil } from '../../src/testing';
import {
  MANAGEMENT_URL,
  attempt,
  passwordEnv,
  publishAttempt,
  setUpBrokerUsers,
  urlAs,
} from '../../src/testing/broker-users';

const ROOT = path.resolve(__dirname, '../../../..');
const SETUP_CLI = path.join(ROOT, 'packages/shared/src/cli/broker-setup.ts');

const QUEUES: Record<'ip-checker' | 'login-history' | 'account-guard', WorkQueue> = {
  'ip-checker': serviceQueue('ip-checker', LOGIN_SUCCEEDED),
  'login-history': serviceQueue('login-history', LOGIN_GEO_RESOLVED),
  'account-guard': serviceQueue('account-guard', LOGIN_RECORDED),
};

const login = (platform: string, i = 0) =>
  createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'game-login/test',
    subject: `acc-${i}`,
    data: { accountId: `acc-${i}`, sessionId: `s-${i}`, ip: '1.2.3.4', client: { platform, version: '1.0' } },
  });

/** As a login server must publish: user_id set (RabbitMQ checks it; consumers trust only it). */
const props = (e: { id: string; type: string }, userId = 'login-server') => ({
  userId,
  messageId: e.id,
  type: e.type,
  contentType: 'application/cloudevents+json',
});

const REFUSED = /ACCESS_REFUSED/;

function serviceBroker(
  service: keyof typeof QUEUES,
  vhost: string,
  extra: { trustedPublishers?: boolean; retryDelaysMs?: number[] } = {},
): Broker {
  return connectBroker({
    url: urlAs(service, vhost),
    name: service,
    logger: createLogger(service, process.env.TEST_LOG_LEVEL ?? 'silent'),
    queues: [QUEUES[service]],
    topology: { queueType: 'quorum', retryDelaysMs: extra.retryDelaysMs ?? [200, 400], deliveryLimit: 20 },
    publishTimeoutMs: 10000,
    trustedPublishers: extra.trustedPublishers,
  });
}

/** waitForReady retries a refused setup forever: a permission gap must fail the test instead. */
async function ready(broker: Broker, what: string) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    broker.waitForReady(),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: topology not declared within 10 s`)), 10000);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function depth(url: string, queue: string): Promise<number> {
  const conn = await amqplib.connect(url);
  try {
    return (await (await conn.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await conn.close();
  }
}

describe('broker users and their permissions (deploy/rabbitmq/definitions.json)', () => {
  let vhost: TestVhost;
  beforeAll(async () => {
    vhost = await createTestVhost('broker-permissions');
    await setUpBrokerUsers(vhost.name);
    // Every service declares its own topology as its own user; the exchanges then exist.
    for (const service of Object.keys(QUEUES) as (keyof typeof QUEUES)[]) {
      const b = serviceBroker(service, vhost.name);
      try {
        await ready(b, service);
        queueArgumentsCheck(b).check();
      } finally {
        await b.close();
      }
    }
  });
  afterAll(async () => {
    await vhost?.delete();
  });

  test('when each service connects as its own user, then its whole topology is declared: work, delay and dead-letter queues behind its own exchange', async () => {
    const guest = vhost.url;
    for (const [service, q] of Object.entries(QUEUES)) {
      expect(await depth(guest, q.name)).toBe(0);
      expect(await depth(guest, retryQueueName(q.name, 400))).toBe(0);
      expect(await depth(guest, `${q.name}.dead-letter`)).toBe(0);
      const probe = await attempt(guest, (ch) => ch.checkExchange(`${service}.retry`));
      expect(probe).toBe('ok');
    }
  });

  test('when the game-server user publishes login.recorded or session.kick, then the broker refuses both', async () => {
    const url = urlAs('game-server', vhost.name);
    expect(await publishAttempt(url, EVENTS_EXCHANGE, LOGIN_RECORDED)).toMatch(REFUSED);
    expect(await publishAttempt(url, COMMANDS_EXCHANGE, SESSION_KICK)).toMatch(REFUSED);
    expect(await publishAttempt(url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED)).toMatch(REFUSED);
  });

  test('when the game-server user binds its own queue, then only the commands for game servers are allowed', async () => {
    const url = urlAs('game-server', vhost.name);
    const own = 'game-server.kr-1';
    expect(await attempt(url, (ch) => ch.assertQueue(own, { durable: true }))).toBe('ok');
    expect(await attempt(url, (ch) => ch.bindQueue(own, COMMANDS_EXCHANGE, SESSION_KICK))).toBe('ok');
    expect(await attempt(url, (ch) => ch.bindQueue(own, COMMANDS_EXCHANGE, 'player.message'))).toBe('ok');
    expect(await attempt(url, (ch) => ch.bindQueue(own, COMMANDS_EXCHANGE, 'account.locked'))).toBe('ok');
    expect(await attempt(url, (ch) => ch.consume(own, () => undefined))).toBe('ok');
    // Every command at once, the domain events, another service's queue: refused.
    expect(await attempt(url, (ch) => ch.bindQueue(own, COMMANDS_EXCHANGE, '#'))).toMatch(REFUSED);
    expect(await attempt(url, (ch) => ch.bindQueue(own, EVENTS_EXCHANGE, LOGIN_SUCCEEDED))).toMatch(REFUSED);
    expect(await attempt(url, (ch) => ch.consume(QUEUES['ip-checker'].name, () => undefined))).toMatch(
      REFUSED,
    );
    expect(await attempt(url, (ch) => ch.assertQueue('account-guard.login.recorded.x'))).toMatch(REFUSED);
  });

  test('when the login-server user publishes, then login.succeeded is accepted and routed, login.recorded refused, and a user_id other than its own refused', async () => {
    const url = urlAs('login-server', vhost.name);
    const queue = QUEUES['ip-checker'].name;
    const before = await depth(vhost.url, queue);
    const e = login('pc');
    expect(await publishAttempt(url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, props(e), e)).toBe('ok');
    await waitUntil(
      async () => (await depth(vhost.url, queue)) === before + 1,
      5000,
      'login routed to ip-checker',
    );
    expect(await publishAttempt(url, EVENTS_EXCHANGE, LOGIN_RECORDED)).toMatch(REFUSED);
    expect(await publishAttempt(url, EVENTS_EXCHANGE, 'login.failed')).toBe('ok');
    expect(await publishAttempt(url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, { userId: 'login-history' })).toMatch(
      /PRECONDITION_FAILED.*user_id/,
    );
    expect(
      await attempt(url, (ch) => ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true })),
    ).toMatch(REFUSED);
  });

  test('when any suite user publishes to the default exchange, then the broker refuses it', async () => {
    for (const user of [
      'ip-checker',
      'login-history',
      'account-guard',
      'login-server',
      'game-server',
    ] as const) {
      const outcome = await publishAttempt(urlAs(user, vhost.name), '', QUEUES['account-guard'].name);
      expect(`${user}: ${outcome}`).toMatch(new RegExp(`^${user}: .*ACCESS_REFUSED`));
    }
  });

  test("when a service publishes what another produces, or into another service's retry exchange, then the broker refuses it", async () => {
    const ipChecker = urlAs('ip-checker', vhost.name);
    expect(await publishAttempt(ipChecker, EVENTS_EXCHANGE, LOGIN_RECORDED)).toMatch(REFUSED);
    expect(await publishAttempt(ipChecker, EVENTS_EXCHANGE, LOGIN_GEO_RESOLVED)).toBe('ok');
    expect(await publishAttempt(ipChecker, COMMANDS_EXCHANGE, SESSION_KICK)).toMatch(REFUSED);
    const history = urlAs('login-history', vhost.name);
    expect(await publishAttempt(history, 'account-guard.retry', QUEUES['account-guard'].name)).toMatch(
      REFUSED,
    );
    expect(await publishAttempt(history, 'login-history.retry', QUEUES['login-history'].name)).toBe('ok');
    const guard = urlAs('account-guard', vhost.name);
    expect(await publishAttempt(guard, COMMANDS_EXCHANGE, SESSION_KICK)).toBe('ok');
    expect(await publishAttempt(guard, EVENTS_EXCHANGE, LOGIN_SUCCEEDED)).toMatch(REFUSED);
  });

  test("when a message keeps crashing consumers past the delivery limit, then the broker dead-letters it through the service's own exchange", async () => {
    const queue = QUEUES['account-guard'].name;
    const e = { id: 'crash-1', type: LOGIN_RECORDED };
    await publishAttempt(vhost.url, EVENTS_EXCHANGE, LOGIN_RECORDED, props(e, 'guest'), e);
    const conn = await amqplib.connect(urlAs('account-guard', vhost.name));
    try {
      const ch = await conn.createChannel();
      // A consumer that dies on the message: delivered and returned, over and over.
      for (let i = 0; i <= 20; i++) {
        let m: amqplib.GetMessage | false = false;
        await waitUntil(async () => (m = await ch.get(queue)) !== false, 5000, `delivery ${i + 1}`);
        ch.nack(m as unknown as amqplib.GetMessage, false, true);
      }
      let dead: amqplib.GetMessage | false = false;
      await waitUntil(
        async () => (dead = await ch.get(`${queue}.dead-letter`)) !== false,
        5000,
        'dead letter',
      );
      const letter = dead as unknown as amqplib.GetMessage;
      expect(letter.fields.exchange).toBe('account-guard.retry');
      expect(letter.properties.headers?.['x-first-death-reason']).toBe('delivery_limit');
      ch.ack(letter);
    } finally {
      await conn.close();
    }
  });

  test('when failed logins flow (SPEC §7), then ip-checker declares and binds its login.failed queue and publishes login.failed.geo-resolved, login-history may bind to that, and no one else may publish either', async () => {
    const failedQueue = serviceQueue('ip-checker', LOGIN_FAILED);
    const b = connectBroker({
      url: urlAs('ip-checker', vhost.name),
      name: 'ip-checker',
      logger: createLogger('ip-checker', process.env.TEST_LOG_LEVEL ?? 'silent'),
      queues: [QUEUES['ip-checker'], failedQueue],
      topology: { queueType: 'quorum', retryDelaysMs: [200, 400], deliveryLimit: 20 },
      publishTimeoutMs: 10000,
    });
    try {
      await ready(b, 'ip-checker with its login.failed queue');
      queueArgumentsCheck(b).check();
    } finally {
      await b.close();
    }
    expect(await depth(vhost.url, failedQueue.name)).toBe(0);
    expect(await depth(vhost.url, `${failedQueue.name}.dead-letter`)).toBe(0);

    const before = await depth(vhost.url, failedQueue.name);
    const loginServer = urlAs('login-server', vhost.name);
    const e = { id: 'failed-1', type: LOGIN_FAILED };
    expect(await publishAttempt(loginServer, EVENTS_EXCHANGE, LOGIN_FAILED, props(e), e)).toBe('ok');
    await waitUntil(
      async () => (await depth(vhost.url, failedQueue.name)) === before + 1,
      5000,
      'login.failed routed to ip-checker',
    );

    const ipChecker = urlAs('ip-checker', vhost.name);
    expect(await publishAttempt(ipChecker, EVENTS_EXCHANGE, LOGIN_FAILED_GEO_RESOLVED)).toBe('ok');
    expect(await publishAttempt(ipChecker, EVENTS_EXCHANGE, LOGIN_FAILED)).toMatch(REFUSED);
    for (const user of ['login-history', 'account-guard', 'login-server', 'game-server'] as const) {
      const outcome = await publishAttempt(
        urlAs(user, vhost.name),
        EVENTS_EXCHANGE,
        LOGIN_FAILED_GEO_RESOLVED,
      );
      expect(`${user}: ${outcome}`).toMatch(new RegExp(`^${user}: .*ACCESS_REFUSED`));
    }

    const history = urlAs('login-history', vhost.name);
    const own = serviceQueue('login-history', LOGIN_FAILED_GEO_RESOLVED).name;
    expect(await attempt(history, (ch) => ch.assertQueue(own, { durable: true }))).toBe('ok');
    expect(
      await attempt(history, (ch) => ch.bindQueue(own, EVENTS_EXCHANGE, LOGIN_FAILED_GEO_RESOLVED)),
    ).toBe('ok');
    // The attempt itself is ip-checker's to read, not login-history's, nor account-guard's.
    expect(await attempt(history, (ch) => ch.bindQueue(own, EVENTS_EXCHANGE, LOGIN_FAILED))).toMatch(REFUSED);
    const guard = urlAs('account-guard', vhost.name);
    const guardOwn = 'account-guard.probe';
    expect(await attempt(guard, (ch) => ch.assertQueue(guardOwn, { durable: true }))).toBe('ok');
    expect(
      await attempt(guard, (ch) => ch.bindQueue(guardOwn, EVENTS_EXCHANGE, LOGIN_FAILED_GEO_RESOLVED)),
    ).toMatch(REFUSED);
  });

  test('when broker:setup runs without a password in the environment, then it stops with one line naming the variable; with all of them it applies the file again', async () => {
    const run = async (env: Record<string, string>) => {
      const child = spawn(process.execPath, ['--import', 'tsx', SETUP_CLI, '--vhost', vhost.name], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, RABBITMQ_MANAGEMENT_URL: MANAGEMENT_URL, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const [code] = await once(child, 'exit');
      return { code, out: out.trim(), err: err.trim() };
    };
    const { BROKER_GAME_SERVER_PASSWORD: _left, ...incomplete } = passwordEnv();
    const missing = await run(incomplete);
    expect(missing.code).toBe(1);
    expect(missing.err.split('\n')).toEqual([
      'broker-setup: configuration error: BROKER_GAME_SERVER_PASSWORD is required but not set (the password of broker user game-server)',
    ]);
    const again = await run(passwordEnv());
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(again.out).toMatch(new RegExp(`^broker-setup: vhost ${vhost.name}: applied \\d+ definitions$`));
    // Still the same users and rights after a second run.
    expect(await publishAttempt(urlAs('game-server', vhost.name), COMMANDS_EXCHANGE, SESSION_KICK)).toMatch(
      REFUSED,
    );
  });
});

describe('a consumer with TRUSTED_PUBLISHERS on, as its own broker user', () => {
  let vhost: TestVhost;
  let broker: Broker;
  let consumer: Consumer;
  const handled: { id: string; attempt: number }[] = [];
  const rejectOnce = new Set<string>();
  const queue = QUEUES['ip-checker'].name;

  beforeAll(async () => {
    vhost = await createTestVhost('trusted-consumer');
    await setUpBrokerUsers(vhost.name);
    broker = serviceBroker('ip-checker', vhost.name, { trustedPublishers: true, retryDelaysMs: [200] });
    await ready(broker, 'ip-checker');
    consumer = startConsumer(broker, {
      queue: QUEUES['ip-checker'],
      types: [LOGIN_SUCCEEDED],
      prefetch: 10,
      handle: async (event, ctx) => {
        if (event.data.client.platform === 'flaky' && ctx.attempt === 1) throw new TransientError('db down');
        if (rejectOnce.delete(event.id)) throw new PermanentError('not now', 'rejected');
        handled.push({ id: event.id, attempt: ctx.attempt });
      },
    });
    await waitUntil(() => consumer.isConnected(), 10000, 'consuming');
  });
  afterAll(async () => {
    await consumer?.stop(5000);
    await broker?.close();
    await vhost?.delete();
  });

  const deadLetters = () => listDeadLetters(urlAs('ip-checker', vhost.name), queue);

  test('when a login comes from a user other than its producer, then it is dead-lettered as untrusted_publisher and the next login is handled', async () => {
    const forged = login('pc', 1);
    // guest may write anything in the test vhost: the stand-in for a user with too wide rights.
    expect(
      await publishAttempt(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, props(forged, 'guest'), forged),
    ).toBe('ok');
    const loginServer = urlAs('login-server', vhost.name);
    // Even the right user must say who it is: RabbitMQ fills in no user_id by itself.
    const anonymous = login('pc', 5);
    const { userId: _none, ...withoutUserId } = props(anonymous);
    expect(
      await publishAttempt(loginServer, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, withoutUserId, anonymous),
    ).toBe('ok');
    const real = login('pc', 2);
    expect(await publishAttempt(loginServer, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, props(real), real)).toBe('ok');
    await waitUntil(() => handled.some((h) => h.id === real.id), 10000, 'the real login handled');
    await waitUntil(
      async () =>
        (await deadLetters()).filter((d) => [forged.id, anonymous.id].includes(d.messageId!)).length === 2,
      10000,
      'both dead-lettered',
    );
    const letter = (await deadLetters()).find((d) => d.messageId === forged.id)!;
    expect(letter).toMatchObject({
      reason: 'untrusted_publisher',
      error: expect.stringContaining('published by "guest"; only login-server may publish it'),
    });
    expect((await deadLetters()).find((d) => d.messageId === anonymous.id)).toMatchObject({
      reason: 'untrusted_publisher',
      error: expect.stringContaining('published by a publisher without user_id'),
    });
    expect(handled.map((h) => h.id)).not.toContain(forged.id);
    expect(handled.map((h) => h.id)).not.toContain(anonymous.id);
  });

  test('when a retry copy returns from the delay queue, then it is still trusted: the original publisher travels with it', async () => {
    const e = login('flaky', 3);
    await publishAttempt(urlAs('login-server', vhost.name), EVENTS_EXCHANGE, LOGIN_SUCCEEDED, props(e), e);
    await waitUntil(() => handled.some((h) => h.id === e.id), 10000, 'handled after the retry');
    expect(handled.filter((h) => h.id === e.id)).toEqual([{ id: e.id, attempt: 2 }]);
    expect((await deadLetters()).map((d) => d.messageId)).not.toContain(e.id);
  });

  test("when dead letters are replayed as the service's user, then a trusted one is handled and an untrusted one stays untrusted", async () => {
    const legit = login('pc', 4);
    rejectOnce.add(legit.id);
    await publishAttempt(
      urlAs('login-server', vhost.name),
      EVENTS_EXCHANGE,
      LOGIN_SUCCEEDED,
      props(legit),
      legit,
    );
    await waitUntil(
      async () => (await deadLetters()).some((d) => d.messageId === legit.id),
      10000,
      'rejected',
    );
    const forgedIds = (await deadLetters())
      .filter((d) => d.reason === 'untrusted_publisher')
      .map((d) => d.messageId!);
    expect(forgedIds.length).toBeGreaterThan(0);

    const replayed = await replayDeadLetters(urlAs('ip-checker', vhost.name), queue);
    expect(replayed).toBe(forgedIds.length + 1);
    await waitUntil(() => handled.some((h) => h.id === legit.id), 10000, 'the replayed login handled');
    await waitUntil(
      async () =>
        (await deadLetters()).filter((d) => d.reason === 'untrusted_publisher').length === forgedIds.length,
      10000,
      'the forged ones dead-lettered again',
    );
    expect(handled.map((h) => h.id)).not.toEqual(expect.arrayContaining(forgedIds));
  });
});

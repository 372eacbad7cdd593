import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import {
  BrokerUrlError,
  ConfigError,
  brokerUserOfUrls,
  commonConfigShape,
  loadConfig,
  parseBrokerUrls,
  redactUrl,
  vhostOf,
} from '../../src';
import { applyDefinitions } from '../../src/cli/broker-setup';
import { dlqBrokerUrls } from '../../src/cli/dlq';

const node = (n: number, user = 'ip-checker', vhost = 'prod') =>
  `amqp://${user}:s3cret-${n}@rabbit-${n}:5672/${vhost}`;
const CLUSTER = [node(1), node(2), node(3)];

describe('AMQP_URL with several brokers', () => {
  test('a single URL is one broker, as it is', () => {
    expect(parseBrokerUrls('amqp://guest:guest@127.0.0.1:5672')).toEqual([
      'amqp://guest:guest@127.0.0.1:5672',
    ]);
  });

  test('a comma-separated list is the brokers in the order given, spaces around commas dropped', () => {
    expect(parseBrokerUrls(CLUSTER.join(','))).toEqual(CLUSTER);
    expect(parseBrokerUrls(` ${CLUSTER.join(' , ')} `)).toEqual(CLUSTER);
    expect(parseBrokerUrls(CLUSTER)).toEqual(CLUSTER);
  });

  test('amqps and amqp may be mixed; the user and vhost are what must agree', () => {
    const list = [node(1), node(2).replace('amqp:', 'amqps:')];
    expect(parseBrokerUrls(list.join(','))).toEqual(list);
  });

  test.each([
    ['an entry that is not a URL', `${node(1)},rabbit-2:5672`, /entry 2 of 2 is not an amqp: or amqps: URL/],
    [
      'the host-list form',
      'amqp://u:p@rabbit-1:5672,rabbit-2:5672/vh',
      /entry 2 of 2 is not an amqp: or amqps: URL/,
    ],
    ['another scheme', `${node(1)},http://rabbit-2:15672`, /entry 2 of 2 is not an amqp: or amqps: URL/],
    ['an empty entry', `${node(1)},,${node(2)}`, /entry 2 of 3 is empty/],
    ['a trailing comma', `${node(1)},`, /entry 2 of 2 is empty/],
    ['a single non-URL', 'not a url', /^it is not a URL/],
    [
      'different users',
      `${node(1)},${node(2, 'account-guard')}`,
      /different users \(entry 1: "ip-checker", entry 2: "account-guard"\)/,
    ],
    [
      'different vhosts',
      `${node(1)},${node(2)},${node(3, 'ip-checker', 'staging')}`,
      /different vhosts \(entry 1: "prod", entry 3: "staging"\)/,
    ],
  ])('%s is refused', (_what, value, message) => {
    expect(() => parseBrokerUrls(value)).toThrow(BrokerUrlError);
    expect(() => parseBrokerUrls(value)).toThrow(message);
  });

  test('no user means guest, and no path means the vhost "/", as amqplib reads them', () => {
    expect(() =>
      parseBrokerUrls(
        'amqp://rabbit-1:5672,amqp://guest:guest@rabbit-2:5672/,amqp://guest:guest@rabbit-3/%2F',
      ),
    ).not.toThrow();
    expect(vhostOf('amqp://rabbit-1:5672')).toBe('/');
    expect(vhostOf('amqp://rabbit-1:5672/%2F')).toBe('/');
    expect(vhostOf('amqp://rabbit-1:5672/t_a%2Fb')).toBe('t_a/b');
    expect(brokerUserOfUrls('amqp://rabbit-1:5672,amqp://guest:x@rabbit-2')).toBe('guest');
  });

  test('the broker user is the one every entry names (the trusted-publisher check uses it)', () => {
    expect(brokerUserOfUrls(CLUSTER.join(','))).toBe('ip-checker');
    expect(brokerUserOfUrls('amqp://login%2Dhistory:p@h1/vh,amqp://login-history:p@h2/vh')).toBe(
      'login-history',
    );
  });
});

describe('AMQP_URL at start-up', () => {
  const load = (AMQP_URL: string) => loadConfig('ip-checker', commonConfigShape, { AMQP_URL });

  test('a list is accepted and kept as the list', () => {
    expect(load(CLUSTER.join(', ')).AMQP_URL).toBe(CLUSTER.join(','));
    expect(load(node(1)).AMQP_URL).toBe(node(1));
  });

  test.each([
    [`${node(1)},${node(2, 'guest')}`, 'entries name different users'],
    [`${node(1)},${node(2, 'ip-checker', 'other')}`, 'entries name different vhosts'],
    [`${node(1)},rabbit-2:5672`, 'entry 2 of 2 is not an amqp: or amqps: URL'],
  ])('a bad list stops start-up with one line naming AMQP_URL, without a password', (value, problem) => {
    let error: unknown;
    try {
      load(value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).variable).toBe('AMQP_URL');
    expect(message.startsWith(`configuration error: AMQP_URL is invalid: ${problem}`)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('s3cret');
  });

  test('the dlq tool names where its bad list came from', () => {
    expect(dlqBrokerUrls(undefined, { AMQP_URL: CLUSTER.join(',') })).toEqual(CLUSTER);
    expect(dlqBrokerUrls(undefined, {})).toEqual(['amqp://guest:guest@127.0.0.1:5672']);
    expect(() => dlqBrokerUrls(undefined, { AMQP_URL: `${node(1)},x` })).toThrow(
      /^configuration error: AMQP_URL is invalid: entry 2 of 2/,
    );
    expect(() => dlqBrokerUrls(`${node(1)},${node(2, 'guest')}`, { AMQP_URL: node(1) })).toThrow(
      /^configuration error: --url is invalid: entries name different users/,
    );
  });
});

describe('a logged broker URL', () => {
  test('every entry of a list has its password replaced', () => {
    const logged = redactUrl(CLUSTER.join(','));
    expect(logged).toBe(
      'amqp://ip-checker:***@rabbit-1:5672/prod,amqp://ip-checker:***@rabbit-2:5672/prod,amqp://ip-checker:***@rabbit-3:5672/prod',
    );
    expect(logged).not.toContain('s3cret');
  });

  test('one URL as before', () => {
    expect(redactUrl('amqp://guest:secret@host:5672/vh')).toBe('amqp://guest:***@host:5672/vh');
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/db')).toBe('postgres://postgres@127.0.0.1:5432/db');
  });

  test('a comma in a password does not split the URL and print the rest of it', () => {
    expect(redactUrl('amqp://guest:pa,ss@host:5672/vh')).toBe('amqp://guest:***@host:5672/vh');
  });

  test('nothing unparsable is printed', () => {
    expect(redactUrl('amqp://u:secret@host:notaport')).toBe('<invalid url>');
    expect(redactUrl('amqp://u:secret@h1:5672,amqp://u:secret@h2:notaport')).toBe('<invalid url>');
  });
});

describe('broker:setup given several management URLs', () => {
  let server: Server;
  let port: number;
  const seen: { method: string; path: string; authorization?: string }[] = [];
  let status = 204;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization });
      req.resume();
      req.on('end', () => res.writeHead(status).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    status = 204;
  });

  const unused = async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const p = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return p;
  };
  const definitions = {
    users: [{ name: 'ip-checker', tags: [] }],
    permissions: [],
    topic_permissions: [],
    policies: [],
  };

  test('a node that cannot be reached is passed over: the next one applies the definitions', async () => {
    const managementUrl = `http://admin:pw@127.0.0.1:${await unused()},http://admin:pw@127.0.0.1:${port}`;
    const { applied } = await applyDefinitions({
      managementUrl,
      vhost: 'prod',
      passwords: new Map([['ip-checker', 'x']]),
      definitions,
    });
    expect(applied).toEqual(['user ip-checker']);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /api/vhosts/prod',
      'PUT /api/users/ip-checker',
    ]);
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
  });

  test("an HTTP error is the cluster's answer: it is not sent to another node", async () => {
    status = 401;
    const managementUrl = `http://admin:pw@127.0.0.1:${port},http://admin:pw@127.0.0.1:${port}`;
    await expect(
      applyDefinitions({ managementUrl, vhost: 'prod', passwords: new Map(), definitions }),
    ).rejects.toThrow(/^PUT \/api\/vhosts\/prod → 401/);
    expect(seen).toHaveLength(1);
  });

  test('when no node answers, the error names each, without its password', async () => {
    const managementUrl = `http://admin:pw@127.0.0.1:${await unused()},http://admin:pw@127.0.0.1:${await unused()}`;
    const failure = await applyDefinitions({
      managementUrl,
      vhost: 'prod',
      passwords: new Map(),
      definitions,
    }).then(
      () => 'applied',
      (err: Error) => err.message,
    );
    expect(failure).toMatch(
      /^PUT \/api\/vhosts\/prod: no management API answered \(http:\/\/127\.0\.0\.1:\d+\/api: /,
    );
    expect(failure).not.toContain('pw');
  });

  test('a bad entry names RABBITMQ_MANAGEMENT_URL and its position', async () => {
    await expect(
      applyDefinitions({
        managementUrl: `http://admin:pw@127.0.0.1:${port},amqp://rabbit-2`,
        vhost: 'prod',
        passwords: new Map(),
        definitions,
      }),
    ).rejects.toThrow(
      'configuration error: RABBITMQ_MANAGEMENT_URL is invalid: must be an http(s) URL (entry 2 of 2)',
    );
  });
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { parseMessage } from '@account-security/shared';
import { configShape as accountGuard } from '../../apps/account-guard/src/config';
import { configShape as ipChecker } from '../../apps/ip-checker/src/config';
import { configShape as loginHistory } from '../../apps/login-history/src/config';
import { webConfigShape as web } from '../../apps/web/server/config';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const composeText = readFileSync(COMPOSE_FILE, 'utf8');
const shapes: Record<string, object> = {
  'ip-checker': ipChecker,
  'login-history': loginHistory,
  'account-guard': accountGuard,
  web,
};

const SECRETS = [
  'AUTH_JWT_SECRET',
  'POSTGRES_PASSWORD',
  'POSTGRES_LOGIN_HISTORY_PASSWORD',
  'POSTGRES_ACCOUNT_GUARD_PASSWORD',
  'RABBITMQ_ADMIN_PASSWORD',
  'BROKER_IP_CHECKER_PASSWORD',
  'BROKER_LOGIN_HISTORY_PASSWORD',
  'BROKER_ACCOUNT_GUARD_PASSWORD',
  'BROKER_LOGIN_SERVER_PASSWORD',
  'BROKER_GAME_SERVER_PASSWORD',
  'DEVICE_ID_KEY',
];
/** A distinct value per secret, so the test can tell which one landed where. */
const secretValues = Object.fromEntries(SECRETS.map((s) => [s, `v-${s.toLowerCase().replace(/_/g, '-')}`]));
secretValues.AUTH_JWT_SECRET = 'x'.repeat(32);

// An empty env file: a developer's own .env beside the compose file must not satisfy the tests.
const EMPTY_ENV_FILE = path.join(mkdtempSync(path.join(tmpdir(), 'compose-test-')), 'empty.env');
writeFileSync(EMPTY_ENV_FILE, '');

/** `docker-compose config` (no engine needed) with exactly `vars` set among the compose file's variables. */
async function composeConfig(
  vars: Record<string, string>,
  envFile = EMPTY_ENV_FILE,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of variablesOf(composeText)) delete env[name];
  try {
    const { stdout, stderr } = await exec(
      'docker-compose',
      ['-f', COMPOSE_FILE, '--env-file', envFile, 'config'],
      { env: { ...env, ...vars } },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{(\w+)/g)].map((m) => m[1]!))].sort();
}

interface Published {
  service: string;
  hostIp: string;
  published: number;
}

/** Published ports in either output form: v1's `ip:host:container/proto` strings or v2's long syntax. */
function publishedPorts(config: { services: Record<string, { ports?: unknown[] }> }, services: string[]) {
  const out: Published[] = [];
  for (const service of services) {
    for (const p of config.services[service]!.ports ?? []) {
      if (typeof p === 'string') {
        const parts = p.replace(/\/\w+$/, '').split(':');
        if (parts.length < 2) continue; // a container port only: not published
        out.push({
          service,
          hostIp: parts.length === 3 ? parts[0]! : '0.0.0.0',
          published: Number(parts.at(-2)),
        });
      } else {
        const long = p as { host_ip?: string; published?: string | number };
        if (long.published === undefined) continue;
        out.push({ service, hostIp: long.host_ip ?? '0.0.0.0', published: Number(long.published) });
      }
    }
  }
  return out;
}

const byProfile = (config: { services: Record<string, { profiles?: string[] }> }, inDefault: boolean) =>
  Object.keys(config.services).filter((s) => !config.services[s]!.profiles?.length === inDefault);

describe('docker-compose.yml', () => {
  test('when validated by docker-compose (no engine needed) with every secret set, then it is a valid compose file', async () => {
    const { code, stderr } = await composeConfig(secretValues);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  test('when its required variables are listed, then they are exactly the secrets, and nothing else is required', () => {
    const required = [...new Set([...composeText.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!))].sort();
    expect(required).toEqual([...SECRETS].sort());
    // A secret with a fallback would be a default password.
    for (const s of SECRETS) expect(composeText).not.toMatch(new RegExp(`\\$\\{${s}:?-`));
  });

  test('when no secret is set, then config fails with one line that names a missing secret', async () => {
    const { code, stderr } = await composeConfig({});
    expect(code).not.toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`set (${SECRETS.join('|')}) `));
  });

  // Compose stops at the first missing variable, so each secret is proven on its own.
  test.each(SECRETS)('when only %s is missing, then config fails with one line naming it', async (secret) => {
    const { [secret]: _missing, ...others } = secretValues;
    const { code, stderr } = await composeConfig(others);
    expect(code).not.toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`set ${secret} `);
  });

  test('when the secrets are set, then only 3003 and 3004 are published, on 127.0.0.1; with BIND=0.0.0.0 on all interfaces', async () => {
    for (const [bind, hostIp] of [
      [undefined, '127.0.0.1'],
      ['0.0.0.0', '0.0.0.0'],
    ] as const) {
      const { stdout } = await composeConfig(bind ? { ...secretValues, BIND: bind } : secretValues);
      const config = parse(stdout);
      expect(
        publishedPorts(config, byProfile(config, true)).sort((a, b) => a.published - b.published),
      ).toEqual([
        { service: 'account-guard', hostIp, published: 3003 },
        { service: 'web', hostIp, published: 3004 },
      ]);
      // Opt-in extras (Mailpit's caught mail, the RabbitMQ UI) stay on loopback whatever BIND says.
      const extras = publishedPorts(config, byProfile(config, false));
      expect(extras.map((p) => p.hostIp)).toEqual(extras.map(() => '127.0.0.1'));
    }
  });

  test('when the secrets are set, then each service connects to the broker and its database as its own user, never an admin', async () => {
    const config = parse((await composeConfig(secretValues)).stdout);
    const env = (s: string) => config.services[s].environment as Record<string, string>;
    const amqp = (user: string, secret: string) => `amqp://${user}:${secretValues[secret]}@rabbitmq:5672`;
    expect(env('ip-checker').AMQP_URL).toBe(amqp('ip-checker', 'BROKER_IP_CHECKER_PASSWORD'));
    expect(env('login-history').AMQP_URL).toBe(amqp('login-history', 'BROKER_LOGIN_HISTORY_PASSWORD'));
    expect(env('account-guard').AMQP_URL).toBe(amqp('account-guard', 'BROKER_ACCOUNT_GUARD_PASSWORD'));
    expect(env('login-history').DATABASE_URL).toBe(
      `postgres://login_history:${secretValues.POSTGRES_LOGIN_HISTORY_PASSWORD}@postgres:5432/login_history`,
    );
    expect(env('account-guard').DATABASE_URL).toBe(
      `postgres://account_guard:${secretValues.POSTGRES_ACCOUNT_GUARD_PASSWORD}@postgres:5432/account_guard`,
    );
    for (const s of ['ip-checker', 'login-history', 'account-guard']) {
      expect(env(s).TRUSTED_PUBLISHERS).toBe('true');
      expect(env(s).ADMIN_HOST).toBe('0.0.0.0');
    }
    expect(env('rabbitmq')).toMatchObject({
      RABBITMQ_DEFAULT_USER: 'admin',
      RABBITMQ_DEFAULT_PASS: secretValues.RABBITMQ_ADMIN_PASSWORD,
    });
    expect(env('broker-setup').RABBITMQ_MANAGEMENT_URL).toBe(
      `http://admin:${secretValues.RABBITMQ_ADMIN_PASSWORD}@rabbitmq:15672`,
    );
    for (const s of SECRETS.filter((n) => n.startsWith('BROKER_')))
      expect(env('broker-setup')[s]).toBe(secretValues[s]);
  });

  test('when the broker users are set up, then by a one-shot job from the ip-checker image that every broker client waits for', () => {
    const compose = parse(composeText, { merge: true });
    const setup = compose.services['broker-setup'];
    expect(setup.build.dockerfile).toBe('apps/ip-checker/Dockerfile');
    expect(setup.command.join(' ')).toContain('packages/shared/src/cli/broker-setup.ts');
    expect(setup.depends_on.rabbitmq.condition).toBe('service_healthy');
    for (const name of ['ip-checker', 'login-history', 'account-guard'])
      expect(compose.services[name].depends_on['broker-setup'].condition).toBe(
        'service_completed_successfully',
      );
    // The job reads the definitions from the image.
    expect(readFileSync(path.join(ROOT, 'apps/ip-checker/Dockerfile'), 'utf8')).toMatch(
      /^COPY deploy\/rabbitmq\/definitions\.json /m,
    );
  });

  test('when .env.example is used as the env file, then config accepts it and it lists every variable the compose file reads', async () => {
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^(\w+)=/gm)].map((m) => m[1]!).sort();
    expect(listed).toEqual(variablesOf(composeText));
    const { code, stderr } = await composeConfig({}, path.join(ROOT, '.env.example'));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  test('when Mailpit runs, then only in the dev profile, and no default service depends on an opt-in one', () => {
    const compose = parse(composeText, { merge: true });
    expect(compose.services.mailpit.profiles).toEqual(['dev']);
    const optIn = new Set(Object.keys(compose.services).filter((s) => compose.services[s].profiles));
    for (const [name, service] of Object.entries(compose.services) as [
      string,
      { profiles?: string[]; depends_on?: object },
    ][]) {
      if (service.profiles) continue;
      expect({ name, deps: Object.keys(service.depends_on ?? {}).filter((d) => optIn.has(d)) }).toEqual({
        name,
        deps: [],
      });
    }
  });

  test('when the observability profile runs, then Prometheus and Grafana on loopback, with the rules, the scrape config and the dashboard from deploy/', async () => {
    const { code, stdout } = await composeConfig(secretValues);
    expect(code).toBe(0);
    const config = parse(stdout);
    for (const name of ['prometheus', 'grafana'])
      expect(config.services[name].profiles).toEqual(['observability']);
    expect(publishedPorts(config, ['prometheus', 'grafana'])).toEqual([
      { service: 'prometheus', hostIp: '127.0.0.1', published: 9090 },
      { service: 'grafana', hostIp: '127.0.0.1', published: 3000 },
    ]);
    const compose = parse(composeText);
    const mounts: string[] = [...compose.services.prometheus.volumes, ...compose.services.grafana.volumes];
    for (const m of mounts.filter((v) => v.startsWith('./')))
      expect(existsSync(path.join(ROOT, m.split(':')[0]!))).toBe(true);
    expect(mounts).toEqual(
      expect.arrayContaining([
        './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    // No admin password to set or leak: anonymous read-only viewers, no login at all.
    expect(compose.services.grafana.environment).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_AUTH_DISABLE_LOGIN_FORM: 'true',
      GF_AUTH_BASIC_ENABLED: 'false',
    });
  });

  test('when RabbitMQ starts, then with the suite message limit and the management plugin from deploy/rabbitmq', () => {
    const conf = readFileSync(path.join(ROOT, 'deploy/rabbitmq/rabbitmq.conf'), 'utf8');
    const limit = Number(/^max_message_size\s*=\s*(\d+)$/m.exec(conf)?.[1]);
    // The broker's limit is the consumers' limit: one byte more is what parseMessage refuses.
    expect(parseMessage(Buffer.alloc(limit), ['login.succeeded'])).not.toMatchObject({ reason: 'too_large' });
    expect(parseMessage(Buffer.alloc(limit + 1), ['login.succeeded'])).toMatchObject({ reason: 'too_large' });
    expect(readFileSync(path.join(ROOT, 'deploy/rabbitmq/enabled_plugins'), 'utf8')).toMatch(
      /rabbitmq_management/,
    );
    const volumes: string[] = parse(composeText).services.rabbitmq.volumes;
    expect(volumes).toContain(
      './deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-account-security.conf:ro',
    );
    expect(volumes).toContain('./deploy/rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins:ro');
  });

  test('when an image is named, then at an exact version, and every Node image is the same even-numbered (LTS) release', () => {
    const compose = parse(composeText);
    const images = Object.values(compose.services as Record<string, { image?: string }>)
      .map((s) => s.image)
      .filter((i): i is string => Boolean(i));
    // PostgreSQL's releases are MAJOR.MINOR (16.10); everything else here is MAJOR.MINOR.PATCH.
    for (const image of images)
      expect(image).toMatch(
        image.startsWith('postgres:')
          ? /^postgres:\d+\.\d+(-\w+)?$/
          : /^[\w./-]+:v?\d+\.\d+\.\d+(-[\w.-]+)?$/,
      );
    const froms = Object.keys(shapes).flatMap((name) =>
      [...readFileSync(path.join(ROOT, `apps/${name}/Dockerfile`), 'utf8').matchAll(/^FROM (\S+)/gm)].map(
        (m) => m[1]!,
      ),
    );
    const nodeImages = new Set([...froms, ...images.filter((i) => i.startsWith('node:'))]);
    expect(nodeImages.size).toBe(1);
    const [nodeImage] = [...nodeImages];
    const major = Number(/^node:(\d+)\.\d+\.\d+-/.exec(nodeImage!)?.[1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(24);
  });

  test('when it sets a variable on a service, then that service reads it', () => {
    const compose = parse(composeText, { merge: true });
    for (const [name, shape] of Object.entries(shapes)) {
      const service = compose.services[name];
      expect(service).toBeDefined();
      const unknown = Object.keys(service.environment ?? {}).filter((v) => !(v in shape));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
  });

  test('when a service is built, then from its own Dockerfile, healthy on /readyz and after its dependencies are healthy', () => {
    const compose = parse(composeText, { merge: true });
    for (const name of Object.keys(shapes)) {
      const service = compose.services[name];
      expect(service.build.dockerfile).toBe(`apps/${name}/Dockerfile`);
      expect(service.healthcheck.test.join(' ')).toContain('/readyz');
      for (const [dep, { condition }] of Object.entries(service.depends_on) as [
        string,
        { condition: string },
      ][])
        expect(condition).toBe(dep === 'broker-setup' ? 'service_completed_successfully' : 'service_healthy');
      const dockerfile = readFileSync(path.join(ROOT, service.build.dockerfile), 'utf8');
      expect(dockerfile).toMatch(/^USER node$/m);
      expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/readyz/m);
      expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    }
  });
});

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { configShape as accountGuard } from '../../apps/account-guard/src/config';
import { configShape as ipChecker } from '../../apps/ip-checker/src/config';
import { configShape as loginHistory } from '../../apps/login-history/src/config';
import { webConfigShape as web } from '../../apps/web/server/config';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const shapes: Record<string, object> = {
  'ip-checker': ipChecker,
  'login-history': loginHistory,
  'account-guard': accountGuard,
  web,
};

describe('docker-compose.yml', () => {
  test('when validated by docker-compose (no engine needed), then it is a valid compose file', async () => {
    const { stderr } = await exec(
      'docker-compose',
      ['-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'],
      {
        env: { ...process.env, AUTH_JWT_SECRET: 'x'.repeat(32) },
      },
    );
    expect(stderr).toBe('');
  });

  test('when it sets a variable on a service, then that service reads it', () => {
    const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    for (const [name, shape] of Object.entries(shapes)) {
      const service = compose.services[name];
      expect(service).toBeDefined();
      const unknown = Object.keys(service.environment ?? {}).filter((v) => !(v in shape));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
  });

  test('when a service is built, then from its own Dockerfile, healthy on /readyz and after its dependencies are healthy', () => {
    const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    for (const name of Object.keys(shapes)) {
      const service = compose.services[name];
      expect(service.build.dockerfile).toBe(`apps/${name}/Dockerfile`);
      expect(service.healthcheck.test.join(' ')).toContain('/readyz');
      for (const dep of Object.values(service.depends_on) as { condition: string }[])
        expect(dep.condition).toBe('service_healthy');
      const dockerfile = readFileSync(path.join(ROOT, service.build.dockerfile), 'utf8');
      expect(dockerfile).toMatch(/^USER node$/m);
      expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    }
  });
});

import type { RunningService } from '@account-security/shared';
import { TestVhost, createTestVhost, testEnv, waitUntil } from '@account-security/shared/testing';
import request from 'supertest';
import { start } from '../../src/main';
import { ipCheckerRoutes } from '../../src/entry-points/openapi';
import { describeOpenApiChecks } from '@account-security/shared/testing/openapi';
import { TempDir, maxmindAsnDb, maxmindCountryDb, tempDir } from '../support/fixtures';
import { writeMmdb } from '../support/mmdb-writer';

describe('ip-checker GET /openapi.json', () => {
  let vhost: TestVhost;
  let dir: TempDir;
  let svc: RunningService;
  let doc: Record<string, any>;
  const base = () => `http://127.0.0.1:${svc.port}`;

  beforeAll(async () => {
    vhost = await createTestVhost('ip_openapi');
    dir = tempDir('openapi');
    writeMmdb(dir.file('country.mmdb'), maxmindCountryDb());
    writeMmdb(dir.file('asn.mmdb'), maxmindAsnDb());
    svc = await start(
      testEnv({
        AMQP_URL: vhost.url,
        GEOIP_DB_PATH: dir.file('country.mmdb'),
        GEOIP_ASN_DB_PATH: dir.file('asn.mmdb'),
      }),
    );
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    const res = await request(base()).get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await svc?.stop();
    await vhost?.delete();
    dir?.remove();
  });

  describeOpenApiChecks({
    doc: () => doc,
    baseUrl: () => base(),
    server: () => svc.server,
    routes: () => ipCheckerRoutes({ ingress: true }),
  });
});

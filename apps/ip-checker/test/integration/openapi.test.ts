import { COMMON_ROUTES, RunningService, documentedRoutes, registeredRoutes } from '@account-security/shared';
import { TestVhost, createTestVhost, testEnv, waitUntil } from '@account-security/shared/testing';
import request from 'supertest';
import { start } from '../../src/main';
import { ipCheckerRoutes } from '../../src/entry-points/openapi';
import { appOf, sendExamples, validateOpenApi } from '../../../../packages/shared/test/support/openapi-check';
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

  test('when the served document is checked by @seriousme/openapi-schema-validator, then it is valid OpenAPI 3.1 with no errors', () => {
    const verdict = validateOpenApi(doc);
    expect(verdict.errors).toBeUndefined();
    expect(verdict).toMatchObject({ valid: true, version: '3.1' });
  });

  test('when the routes the express app registers are listed, then the document describes exactly those', () => {
    expect(documentedRoutes(doc).sort()).toEqual(registeredRoutes(appOf(svc.server)).sort());
  });

  test('when every documented request example is sent, then each answer has its documented status and matches the schema', async () => {
    const outcomes = await sendExamples(base(), doc, [
      ...COMMON_ROUTES,
      ...ipCheckerRoutes({ ingress: true }),
    ]);
    expect(outcomes.length).toBe(documentedRoutes(doc).length);
    for (const o of outcomes) expect({ ...o, status: o.expected }).toEqual({ ...o, errors: [] });
  });
});

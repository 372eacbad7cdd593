import {
  RouteDoc,
  cloudEventEnvelope,
  geoInfo,
  ipAddress,
  loginFailedEvent,
  loginSucceededData,
  loginSucceededEvent,
  openApiDocument,
} from '@account-security/shared';
import { z } from 'zod';
import { BATCH, MAX_BATCH_EVENTS, STRUCTURED } from './events.http';

/** GET /v1/ip/{ip}: the same `ipAddress` rule the route and the events' `ip` use. */
export const IP_ROUTE: RouteDoc = {
  method: 'get',
  path: '/v1/ip/{ip}',
  summary: 'Where an IP address is (country, ASN, network type), from the GeoIP data in use',
  description: 'Open to anyone: it says where an address is, nothing about any player.',
  security: 'none',
  params: z.object({ ip: ipAddress }),
  responses: {
    200: {
      description: 'The `geo` object of `login.geo-resolved`',
      schema: geoInfo,
      example: {
        country: 'KR',
        asn: 16509,
        asOrg: 'Amazon.com, Inc.',
        network: 'hosting',
        continent: 'AS',
        database: 'DBIP-Country-Lite 2026-06-01, ip-location-db-ASN 2026-06-17',
      },
    },
  },
  requestExample: { params: { ip: '203.0.113.9' }, status: 200 },
};

/** One event the ingress takes: the contracts' `login.succeeded` or `login.failed`, as the queue consumer checks them. */
const ingressEvent = z.union([loginSucceededEvent, loginFailedEvent]);
/** What POST /v1/events answers once the broker confirmed every event. */
export const ingressAccepted = z.object({ accepted: z.number().int().min(1), ids: z.array(z.string()) });
/** Binary mode: the envelope's attributes (but `data`) as `ce-*` headers. */
const binaryHeaders = z.object(
  Object.fromEntries(
    Object.entries(cloudEventEnvelope.shape)
      .filter(([name]) => name !== 'data' && name !== 'datacontenttype')
      .map(([name, schema]) => [`ce-${name}`, (schema as z.ZodType).optional()]),
  ),
);

export const EVENTS_ROUTE: RouteDoc = {
  method: 'post',
  path: '/v1/events',
  summary: 'Publish login events over HTTP (CloudEvents HTTP binding), for login servers without AMQP',
  description: [
    `Structured mode: \`${STRUCTURED}\`, one event. Batched mode: \`${BATCH}\`, an array of at most ${MAX_BATCH_EVENTS}`,
    '(all or nothing). Binary mode: `application/json` body = the `data` of the type, attributes in `ce-*` headers',
    '(`ce-specversion`, `ce-id`, `ce-source`, `ce-type`, `ce-time`; optional `ce-subject`, `ce-correlationid`, `ce-traceparent`).',
    'Types `login.succeeded` and `login.failed` only. `202` only after the broker confirmed every event.',
    '400 names the refused field (`body.data.ip`, `body[2].id`, `header.ce-id`); 413 over 64 KiB (batch 1 MiB).',
  ].join(' '),
  security: 'bearer',
  roles: ['service'],
  headers: binaryHeaders,
  body: ingressEvent,
  bodyContentType: STRUCTURED,
  moreBodies: {
    [BATCH]: z.array(ingressEvent).min(1).max(MAX_BATCH_EVENTS),
    'application/json': z.union([loginSucceededData, loginFailedEvent.shape.data]),
  },
  responses: {
    202: {
      description: 'Published and confirmed',
      schema: ingressAccepted,
      example: { accepted: 1, ids: ['9f1c2d3e-0000-4000-8000-000000000001'] },
    },
    413: { description: 'PAYLOAD_TOO_LARGE: over 64 KiB (a batch over 1 MiB, or one event over 64 KiB)' },
    415: { description: 'UNSUPPORTED_MEDIA_TYPE: none of the three content types' },
    503: { description: 'UNAVAILABLE: the broker did not confirm; send the events again' },
  },
  requestExample: {
    headers: { 'Content-Type': STRUCTURED },
    body: {
      specversion: '1.0',
      id: 'openapi-example-1',
      source: 'game-login/kr-1',
      type: 'login.succeeded',
      time: '2026-06-01T09:30:00.000Z',
      subject: 'acc-openapi',
      data: {
        accountId: 'acc-openapi',
        sessionId: 's-openapi-1',
        ip: '203.0.113.9',
        client: { platform: 'pc', version: '1.4.2' },
      },
    },
    auth: 'service',
    status: 202,
  },
};

/** The routes main.ts registers: the ingress only when it is on (a token verifier is configured). */
export const ipCheckerRoutes = ({ ingress }: { ingress: boolean }): RouteDoc[] =>
  ingress ? [IP_ROUTE, EVENTS_ROUTE] : [IP_ROUTE];

export const ipCheckerOpenApi = (opts: { ingress: boolean }) =>
  openApiDocument(
    {
      title: 'ip-checker',
      version: '1.0.0',
      description: 'GeoIP lookups and the HTTP ingress of login events.',
    },
    ipCheckerRoutes(opts),
  );

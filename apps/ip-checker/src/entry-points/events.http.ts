import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  Broker,
  HttpError,
  Principal,
  TokenVerifier,
  badRequest,
  forbidden,
  requireAuth,
  unauthorized,
} from '@account-security/shared';
import {
  EventTooLargeError,
  InvalidEventError,
  IngressEvent,
  ingestEvents,
  validateEvent,
} from '../application/ingest-events/ingest-events.service';

export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';
export const MAX_BATCH_EVENTS = 100;
const SINGLE_LIMIT = { bytes: 64 * 1024, label: '64 KiB' };
const BATCH_LIMIT = { bytes: 1024 * 1024, label: '1 MiB' };
/** CloudEvents attribute names (lower-case letters and digits); `data` never comes from a header. */
const ATTRIBUTE = /^[a-z0-9]{1,20}$/;

export interface EventsRouteDeps {
  verify: TokenVerifier;
  publisher: Pick<Broker, 'publish'>;
}

export function assertService(p: Principal | undefined): Principal {
  if (!p) throw unauthorized();
  if (!p.roles.includes('service')) throw forbidden('the service role is required');
  return p;
}

/** The raw text of one media type, with its own limit; over it a 413 in the suite's shape. */
function textBody(type: string, limit: { bytes: number; label: string }) {
  const parse = express.text({ type, limit: limit.bytes });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(new HttpError(413, 'PAYLOAD_TOO_LARGE', `body: larger than ${limit.label}`));
      }
      next(err);
    });
}

function parseJson(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    throw badRequest('body', 'not valid JSON');
  }
}

const fieldOf = (prefix: string, path: (string | number)[]) => [prefix, ...path.map(String)].join('.');

/** Validates one candidate, naming a refused field from where it came (`body.data.ip`, `body[2].id`). */
function validated(candidate: unknown, name: (path: (string | number)[]) => string): IngressEvent {
  try {
    return validateEvent(candidate);
  } catch (err) {
    if (err instanceof InvalidEventError) throw badRequest(name(err.path), err.problem);
    if (err instanceof EventTooLargeError) {
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `${name([])}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Binary mode: the attributes are `ce-*` headers (percent-decoded, as the HTTP binding says),
 * the body is `data`, already parsed by the app's JSON parser. A refused attribute is named as
 * its header (`header.ce-id`), a refused data field from the body (`body.ip`).
 */
function binaryEvent(req: Request): IngressEvent {
  if (req.headers['ce-specversion'] === undefined) {
    throw badRequest('header.ce-specversion', 'is required in binary mode (application/json)');
  }
  const event: Record<string, unknown> = { datacontenttype: 'application/json' };
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('ce-') || typeof value !== 'string') continue;
    const attribute = name.slice(3);
    if (!ATTRIBUTE.test(attribute) || attribute === 'data') continue;
    try {
      event[attribute] = decodeURIComponent(value);
    } catch {
      throw badRequest(`header.${name}`, 'is not valid percent-encoding');
    }
  }
  event.data = req.body;
  return validated(event, (path) =>
    path[0] === 'data' ? fieldOf('body', path.slice(1)) : `header.ce-${path[0] ?? 'specversion'}`,
  );
}

function batchEvents(text: unknown): IngressEvent[] {
  const list = parseJson(text);
  if (!Array.isArray(list)) throw badRequest('body', 'must be an array of CloudEvents');
  if (list.length > MAX_BATCH_EVENTS) throw badRequest('body', `at most ${MAX_BATCH_EVENTS} events`);
  // All or nothing: every member is checked before anything is published.
  return list.map((candidate, i) => validated(candidate, (path) => fieldOf(`body[${i}]`, path)));
}

/**
 * `POST /v1/events` (SPEC §11): CloudEvents over HTTP for login servers without an AMQP client.
 * Structured (`application/cloudevents+json`), binary (`ce-*` headers, `application/json` data)
 * or batched (`application/cloudevents-batch+json`, at most 100); `login.succeeded` and
 * `login.failed` only, checked like the queue consumer checks them, published with a confirm,
 * and `202 {accepted, ids}` only after every confirm. A role `service` token is required.
 */
export function eventsRoutes(deps: EventsRouteDeps) {
  return (app: Express) => {
    app.post(
      '/v1/events',
      requireAuth(deps.verify),
      (req, _res, next) => {
        assertService(req.principal);
        next();
      },
      textBody(STRUCTURED, SINGLE_LIMIT),
      textBody(BATCH, BATCH_LIMIT),
      async (req, res) => {
        let events: IngressEvent[];
        if (req.is(STRUCTURED)) events = [validated(parseJson(req.body), (path) => fieldOf('body', path))];
        else if (req.is(BATCH)) events = batchEvents(req.body);
        else if (req.is('application/json')) events = [binaryEvent(req)];
        else {
          throw new HttpError(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            `header.content-type: must be ${STRUCTURED}, ${BATCH}, or application/json with ce-* headers`,
          );
        }
        let ids: string[];
        try {
          ids = await ingestEvents({ publisher: deps.publisher }, events);
        } catch (err) {
          req.log?.warn(
            { err: (err as Error).message, events: events.length },
            'ingress publish not confirmed',
          );
          throw new HttpError(503, 'UNAVAILABLE', 'the broker did not confirm the events; send them again');
        }
        res.status(202).json({ accepted: ids.length, ids });
      },
    );
  };
}

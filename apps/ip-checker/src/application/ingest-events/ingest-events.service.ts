import {
  Broker,
  EventOf,
  LOGIN_FAILED,
  LOGIN_SUCCEEDED,
  cloudEventEnvelope,
  dataSchemas,
} from '@account-security/shared';

/** What a login server may send through the HTTP ingress (SPEC §11). */
export const INGRESS_TYPES = [LOGIN_SUCCEEDED, LOGIN_FAILED] as const;
export type IngressType = (typeof INGRESS_TYPES)[number];
export type IngressEvent = EventOf<IngressType>;

/** The consumers' own limit (parseMessage): a bigger message would be dead-lettered as too_large. */
export const MAX_EVENT_BYTES = 64 * 1024;

/** A candidate the contracts refuse; `path` is the field inside the event (`['data', 'ip']`). */
export class InvalidEventError extends Error {
  constructor(
    readonly path: (string | number)[],
    readonly problem: string,
  ) {
    super(`${path.join('.') || '(event)'}: ${problem}`);
    this.name = 'InvalidEventError';
  }
}

/** A valid event whose serialized form is over MAX_EVENT_BYTES. */
export class EventTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`the event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}`);
    this.name = 'EventTooLargeError';
  }
}

export interface IngestEventsDeps {
  /** Resolves once the broker confirmed the event. */
  publisher: Pick<Broker, 'publish'>;
}

/**
 * The queue consumer's checks (shared parseMessage), in its order: the CloudEvents envelope, then
 * the type (only the ingress types), then the type's `data` schema. Unknown extension attributes
 * and unknown `data` fields are kept, as the consumer keeps them.
 */
export function validateEvent(candidate: unknown): IngressEvent {
  const envelope = cloudEventEnvelope.safeParse(candidate);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    throw new InvalidEventError(issue.path.map(pathPart), issue.message);
  }
  const type = envelope.data.type;
  if (!(INGRESS_TYPES as readonly string[]).includes(type)) {
    throw new InvalidEventError(['type'], `must be ${INGRESS_TYPES.join(' or ')}`);
  }
  const data = dataSchemas[type as IngressType].safeParse(envelope.data.data);
  if (!data.success) {
    const issue = data.error.issues[0]!;
    throw new InvalidEventError(['data', ...issue.path.map(pathPart)], issue.message);
  }
  const event = { ...envelope.data, type, data: data.data } as unknown as IngressEvent;
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > MAX_EVENT_BYTES) throw new EventTooLargeError(bytes);
  return event;
}

const pathPart = (p: PropertyKey): string | number => (typeof p === 'number' ? p : String(p));

/**
 * Publishes validated events on the events exchange, all at once, and resolves with their ids
 * only when the broker confirmed every one; rejects with the first failure once all have
 * settled (the ones that were confirmed stay published: a sender retrying the whole request
 * repeats their ids, which downstream deduplicates).
 */
export async function ingestEvents(deps: IngestEventsDeps, events: IngressEvent[]): Promise<string[]> {
  const results = await Promise.allSettled(events.map((e) => deps.publisher.publish(e)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return events.map((e) => e.id);
}

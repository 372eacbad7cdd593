import {
  BatchEntry,
  LOGIN_RECORDED,
  LoginGeoResolvedEvent,
  LoginRecordedEvent,
  followUp,
} from '@account-security/shared';
import { SERVICE_NAME } from '../../config';
import type { LoginEntry, RecordedLogin } from '../../domain/history';

/** Where `login.recorded` goes; resolves once the broker confirmed the event. */
export interface RecordedPublisher {
  publish(event: LoginRecordedEvent): Promise<void>;
}

function recordedEventFor(event: LoginGeoResolvedEvent, r: RecordedLogin): LoginRecordedEvent {
  const previous = r.previous && {
    country: r.previous.country,
    ip: r.previous.ip,
    loggedInAt: r.previous.loggedInAt.toISOString(),
  };
  // The stored login time, not the clock: a republished event is the same event.
  return followUp(
    event,
    LOGIN_RECORDED,
    {
      ...event.data,
      history: { recordId: r.recordId, newCountry: r.newCountry, previous, ...(r.extra ?? {}) },
    },
    { source: SERVICE_NAME, time: r.loggedInAt.toISOString() },
  );
}

/**
 * Publishes every recorded login's `login.recorded` concurrently and waits for the confirms; a
 * login whose publish failed is returned with the error, so its deliveries go the retry path,
 * where a redelivery republishes the stored facts.
 */
export async function publishRecorded(
  publisher: RecordedPublisher,
  entries: BatchEntry<{ event: LoginGeoResolvedEvent; entry: LoginEntry }, RecordedLogin>[],
): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  await Promise.all(
    entries.map(async ({ key, value, result }) => {
      try {
        await publisher.publish(recordedEventFor(value.event, result));
      } catch (err) {
        failed.set(key, err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );
  return failed;
}

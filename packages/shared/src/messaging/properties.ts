import type { Options } from 'amqplib';
import type { EventOf, MessageType } from '../contracts';

/**
 * The user a connection to `url` authenticates as, which RabbitMQ requires in `user_id`
 * (amqplib logs in as guest when the URL names no user).
 */
export function brokerUserOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'guest';
  } catch {
    return 'guest';
  }
}

export function publishProperties<T extends MessageType>(event: EventOf<T>, appId: string): Options.Publish {
  return {
    contentType: 'application/cloudevents+json',
    messageId: event.id,
    type: event.type,
    correlationId: event.correlationid,
    timestamp: Math.floor(Date.parse(event.time) / 1000),
    appId,
    persistent: true,
  };
}

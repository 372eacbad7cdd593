import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { Logger } from 'pino';
import { activeTraceId } from './tracing';

export type { Logger } from 'pino';

interface LogContext {
  eventId?: string;
  correlationId?: string;
  eventType?: string;
  queue?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/**
 * Runs `fn` so that every log line written inside it, however deep, carries the message's
 * event id and correlation id.
 */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...ctx }, fn);
}

/** Paths that never reach the logs, wherever they appear. */
const REDACT = [
  'password',
  'token',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'config.AUTH_JWT_SECRET',
  'config.TWILIO_AUTH_TOKEN',
  'config.SMTP_URL',
  'config.DATABASE_URL',
  'config.AMQP_URL',
];

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // With tracing on, the active span's trace id joins the ids of the log context.
    mixin: () => {
      const ctx = context.getStore() ?? {};
      const traceId = activeTraceId();
      return traceId ? { ...ctx, traceId } : ctx;
    },
  });
}

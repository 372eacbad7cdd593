import {
  Context,
  Link,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry tracing (W3C trace context). Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a
 * test passes an exporter): then no provider is registered, the API's tracer is the no-op one and
 * nothing below starts a span, injects a header or changes a message.
 */

const TRACER = 'account-security';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface Tracing {
  enabled: boolean;
  /** Exports what is buffered and unregisters the provider (only the last user's stop does). */
  shutdown(): Promise<void>;
}

let provider: TracerProvider | undefined;
let users = 0;
const propagator = new W3CTraceContextPropagator();

/**
 * Starts tracing for `service` when an OTLP endpoint (base URL, `/v1/traces` is appended) or an
 * exporter is given. One provider per process: services started together in one process (tests)
 * share the first one's.
 */
export function startTracing(service: string, opts: { endpoint?: string; exporter?: SpanExporter }): Tracing {
  if (!opts.endpoint && !opts.exporter) return { enabled: false, shutdown: async () => undefined };
  if (!provider) {
    let exporter = opts.exporter;
    if (!exporter) {
      // Loaded only when used: with tracing off the exporter's code is never required.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as {
        OTLPTraceExporter: new (c: { url: string }) => SpanExporter;
      };
      exporter = new OTLPTraceExporter({ url: `${opts.endpoint!.replace(/\/+$/, '')}/v1/traces` });
    }
    provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(propagator);
    trace.setGlobalTracerProvider(provider);
  }
  users++;
  let stopped = false;
  return {
    enabled: true,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      if (--users > 0 || !provider) return;
      const p = provider;
      provider = undefined;
      await p.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

export const tracer = () => trace.getTracer(TRACER);

/** The trace id of the active span, for log lines; undefined with tracing off. */
export function activeTraceId(): string | undefined {
  const span = provider ? trace.getActiveSpan() : undefined;
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/** A valid W3C traceparent, or undefined. */
export function validTraceparent(v: unknown): string | undefined {
  if (typeof v !== 'string' || !TRACEPARENT.test(v)) return undefined;
  return /^00-0{32}-|-0{16}-/.test(v) ? undefined : v;
}

function contextOf(traceparent: string | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const ctx = propagator.extract(ROOT_CONTEXT, { traceparent }, { get: (c, k) => c[k], keys: Object.keys });
  return trace.getSpanContext(ctx) ? ctx : undefined;
}

/**
 * The parent of a consumed message: the CloudEvents `traceparent` extension decides the trace,
 * else the AMQP header. When both name the same trace the header's span is the parent: it is the
 * producer's real publish span, while the envelope's span id is the deterministic one follow-ups
 * carry (see followUp), which no span has.
 */
export function messageParent(
  event: object,
  headers: Record<string, unknown> | undefined,
): Context | undefined {
  const fromEvent = validTraceparent((event as { traceparent?: unknown }).traceparent);
  const fromHeader = validTraceparent(headers?.traceparent);
  if (fromEvent && fromHeader && fromEvent.slice(3, 35) === fromHeader.slice(3, 35))
    return contextOf(fromHeader);
  return contextOf(fromEvent ?? fromHeader);
}

/** Ends a span of startSpan, marked failed when `err` is given. */
export function endSpan(span: Span | undefined, err?: unknown): void {
  if (span) endWith(span, err);
}

function endWith(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : new Error(String(err)));
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
  }
  span.end();
}

/** Runs `fn` in a span (a child of `parent`, else of the active context); plain `fn()` with tracing off. */
export async function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; parent?: Context; links?: Link[]; attributes?: Record<string, string | number> },
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!provider) return fn(undefined);
  const span = tracer().startSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, links: opts.links, attributes: opts.attributes },
    opts.parent ?? context.active(),
  );
  return context.with(trace.setSpan(opts.parent ?? context.active(), span), async () => {
    try {
      const out = await fn(span);
      endWith(span);
      return out;
    } catch (err) {
      endWith(span, err);
      throw err;
    }
  });
}

/** A span started now and ended by the caller (a batch member from arrival to its settle). */
export function startSpan(name: string, kind: SpanKind, parent?: Context): Span | undefined {
  return provider ? tracer().startSpan(name, { kind }, parent ?? context.active()) : undefined;
}

export function linkTo(span: Span | undefined): Link[] {
  return span ? [{ context: span.spanContext() }] : [];
}

/** The traceparent of the active span (to inject into a header), or undefined. */
export function currentTraceparent(): string | undefined {
  if (!provider) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(context.active(), carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier.traceparent;
}

/** Where a publish span belongs: the event's own trace when it carries one other than the active one. */
export function publishParent(event: object): Context | undefined {
  if (!provider) return undefined;
  const own = validTraceparent((event as { traceparent?: unknown }).traceparent);
  const active = trace.getActiveSpan()?.spanContext().traceId;
  if (!own || own.slice(3, 35) === active) return undefined;
  return contextOf(own);
}

export { SpanKind };

interface HttpReq {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: unknown };
}
interface HttpRes {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  on(event: 'finish' | 'close', fn: () => void): unknown;
}

/**
 * Express middleware for a server span per request: the parent from the request's `traceparent`,
 * the span's own `traceparent` in the response headers. Undefined with tracing off.
 */
export function traceRequests(): ((req: HttpReq, res: HttpRes, next: () => void) => void) | undefined {
  if (!provider) return undefined;
  return (req, res, next) => {
    const parent = contextOf(validTraceparent(req.headers.traceparent)) ?? ROOT_CONTEXT;
    const span = tracer().startSpan(req.method, { kind: SpanKind.SERVER }, parent);
    const ctx = trace.setSpan(parent, span);
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, { set: (c, k, v) => (c[k] = v) });
    if (carrier.traceparent) res.setHeader('traceparent', carrier.traceparent);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = typeof req.route?.path === 'string' ? req.route.path : undefined;
      if (route) span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.on('finish', end);
    res.on('close', end);
    context.with(ctx, next);
  };
}

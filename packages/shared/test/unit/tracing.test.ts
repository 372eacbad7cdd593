import pino from 'pino';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { LOGIN_ASSESSED, LOGIN_SUCCEEDED, createEvent, followUp } from '../../src/contracts';
import { createLogger, withLogContext } from '../../src/logger';
import {
  currentTraceparent,
  inSpan,
  messageParent,
  startTracing,
  traceRequests,
  tracingEnabled,
} from '../../src/tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const login = (traceparent?: string) =>
  createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'game-login/test',
    subject: 'acc-1',
    id: '0a1b2c3d-0000-4000-8000-000000000001',
    time: '2026-01-01T00:00:00.000Z',
    ...(traceparent ? { traceparent } : {}),
    data: { accountId: 'acc-1', sessionId: 's-1', ip: '8.8.8.8', client: { platform: 'pc', version: '1' } },
  });
const assessedOf = (from: ReturnType<typeof login>) =>
  followUp(from, LOGIN_ASSESSED, { verdict: 'trusted' } as never, { source: 'account-guard' });

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  test('nothing is registered, no span is started, no header is given', async () => {
    const t = startTracing('svc', { endpoint: undefined });
    expect(t.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    expect(traceRequests()).toBeUndefined();
    await inSpan('x', {}, async (span) => {
      expect(span).toBeUndefined();
      expect(currentTraceparent()).toBeUndefined();
      expect(trace.getActiveSpan()).toBeUndefined();
    });
    await t.shutdown();
  });

  test('a follow-up of an event without traceparent is as before: no traceparent attribute', () => {
    const out = assessedOf(login());
    expect(Object.keys(out)).toEqual([
      'specversion',
      'id',
      'source',
      'type',
      'time',
      'subject',
      'datacontenttype',
      'correlationid',
      'data',
    ]);
  });

  test("a follow-up continues the incoming event's trace, byte-identical on every rebuild", () => {
    const incoming = login(`00-${TRACE}-00f067aa0ba902b7-01`);
    const a = assessedOf(incoming);
    const b = assessedOf(JSON.parse(JSON.stringify(incoming)));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const span = a.id.replace(/-/g, '').slice(0, 16);
    expect((a as { traceparent?: string }).traceparent).toBe(`00-${TRACE}-${span}-01`);
    // Garbage in, nothing out.
    expect(assessedOf(login('00-zz-01'))).not.toHaveProperty('traceparent');
  });
});

describe('tracing on (an exporter given)', () => {
  test('spans are exported, nested, continue the incoming trace, and log lines carry traceId', async () => {
    const exporter = new InMemorySpanExporter();
    // Its own shutdown (run by the provider's) would forget the spans before they are read.
    exporter.shutdown = async () => undefined;
    const t = startTracing('svc', { exporter });
    const logger = createLogger('svc', 'info');
    // What pino's mixin adds to a line written now.
    const mixin = () => (logger as unknown as Record<symbol, () => object>)[pino.symbols.mixinSym]!();
    expect(mixin()).toEqual({});
    const parent = messageParent(login(`00-${TRACE}-00f067aa0ba902b7-01`), {
      traceparent: `00-${TRACE}-1111111111111111-01`,
    });
    let header: string | undefined;
    let logged: object = {};
    await inSpan('consume q', { parent }, () =>
      withLogContext({ eventId: 'e1' }, () =>
        inSpan('handle', {}, async () => {
          header = currentTraceparent();
          logged = mixin();
        }),
      ),
    );
    await t.shutdown();
    expect(tracingEnabled()).toBe(false);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['consume q', 'handle']);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([TRACE]));
    // The AMQP header's span is the parent when it names the envelope's trace.
    expect(spans.find((s) => s.name === 'consume q')!.parentSpanContext?.spanId).toBe('1111111111111111');
    expect(logged).toEqual({ eventId: 'e1', traceId: TRACE });
    expect(header).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
  });
});

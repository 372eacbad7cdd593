import type { Span } from '@opentelemetry/api';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { SpanKind, startSpan, tracingEnabled } from '../tracing';

/**
 * One client span per query (`db select`, `db insert`, …), a child of the span active when the
 * query ran. Kysely calls transformQuery and transformResult with the same query id object; a
 * query that fails never reaches transformResult, and its span is dropped unexported with the id.
 * Added by createDb only while tracing is on.
 */
export class TracePlugin implements KyselyPlugin {
  private readonly spans = new WeakMap<object, Span>();

  constructor(private readonly dbName?: string) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind.replace(/(QueryNode|Node)$/, '').toLowerCase();
    const span = startSpan(`db ${kind}`, SpanKind.CLIENT);
    if (span) {
      span.setAttribute('db.system.name', 'postgresql');
      if (this.dbName) span.setAttribute('db.namespace', this.dbName);
      this.spans.set(args.queryId, span);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const span = this.spans.get(args.queryId);
    if (span) {
      this.spans.delete(args.queryId);
      span.end();
    }
    return args.result;
  }
}

export const traceDbPlugins = (dbName?: string): KyselyPlugin[] =>
  tracingEnabled() ? [new TracePlugin(dbName)] : [];

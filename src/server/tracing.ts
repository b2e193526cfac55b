// OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: spans for each HTTP request
// (instrumentation-http), each SQL statement on PostgreSQL (instrumentation-pg), each GraphQL
// operation (graphqlTracingPlugin) and each company register call, sent over OTLP/HTTP. It must
// start before the modules it instruments load (src/main.ts imports the server after it).
import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';

/** The tracer klynge's own spans come from (a no-op until tracing starts). */
export const tracer = () => trace.getTracer('klynge');

/**
 * Starts tracing to the OTLP endpoint the standard variables name (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SERVICE_NAME, OTEL_BSP_* for batching); returns the
 * function that flushes and stops it.
 */
export async function startTracing(): Promise<() => Promise<void>> {
  const [
    { NodeTracerProvider },
    { BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    instrumentation,
    http,
    pg,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'klynge' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  instrumentation.registerInstrumentations({
    instrumentations: [
      // Probes and metrics scrapes are not worth a trace each.
      new http.HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? ''),
      }),
      new pg.PgInstrumentation(),
    ],
  });
  return () => provider.shutdown();
}

/** One span per GraphQL operation, named by its type and name, with its outcome. */
export function graphqlTracingPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const span = tracer().startSpan('graphql.request');
      return {
        async didResolveOperation({ operation }) {
          const type = operation?.operation ?? 'unknown';
          const name = request.operationName ?? operation?.name?.value;
          span.updateName(name ? `${type} ${name}` : type);
          span.setAttribute('graphql.operation.type', type);
          if (name) span.setAttribute('graphql.operation.name', name);
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          if (errors.length > 0) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: String(errors[0].extensions?.code ?? 'error') });
            span.setAttribute(
              'graphql.error.codes',
              errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')),
            );
          }
          span.end();
        },
      };
    },
  };
}

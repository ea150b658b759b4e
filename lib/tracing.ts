// OpenTelemetry traces, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans are exported over
// OTLP/HTTP (JSON) in batches. W3C traceparent is read from each request and written on each subgraph
// call, so a client's trace continues through the gateway into the subgraphs. @apollo/gateway adds its
// own spans (gateway.request, gateway.validate, gateway.plan, gateway.execute, gateway.fetch per
// subgraph call) once a provider is registered; the project adds identify, policy.decide and
// audit.commit. With tracing off nothing is built per request (`traced` runs the work as is).
// Span attributes never hold personal identifiers: operation names, subgraph names, counts, outcomes.
import type http from 'node:http';
import { context, propagation, trace, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let enabled = false;

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; traces go to <endpoint>/v1/traces. */
  endpoint?: string;
  /** OTEL_SERVICE_NAME, else the process's own name. */
  serviceName: string;
  /** OTEL_BSP_SCHEDULE_DELAY: milliseconds between batch exports (default 5000). */
  exportDelayMs?: number;
}

/** Reads the standard OpenTelemetry variables; rejects a malformed endpoint with the variable's name. */
export function readTracingSettings(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingSettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^\s]+$/.test(endpoint)) throw new Error(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  const delay = env.OTEL_BSP_SCHEDULE_DELAY;
  if (delay !== undefined && delay !== '' && !/^\d+$/.test(delay)) throw new Error(`OTEL_BSP_SCHEDULE_DELAY must be a whole number of milliseconds, got "${delay}"`);
  return { endpoint, serviceName: env.OTEL_SERVICE_NAME?.trim() || defaultServiceName, exportDelayMs: delay ? Number(delay) : undefined };
}

/** Registers the process-wide tracer provider when an endpoint is set; returns what flushes and stops it. */
export function startTracing(settings: TracingSettings): () => Promise<void> {
  if (!settings.endpoint || enabled) return async () => undefined;
  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: settings.exportDelayMs ?? 5000 })],
  });
  provider.register(); // W3C trace context propagation and an async-hooks context manager
  enabled = true;
  return async () => {
    await provider.shutdown(); // exports what is still batched
  };
}

export function tracingEnabled(): boolean {
  return enabled;
}

/** The trace context a request carries (traceparent / tracestate), or the current one. */
export function incomingContext(req: http.IncomingMessage): Context {
  return enabled ? propagation.extract(context.active(), req.headers) : context.active();
}

/** Runs `work` in `ctx` (the request's trace context) when tracing is on. */
export function withContext<T>(ctx: Context, work: () => T): T {
  return enabled ? context.with(ctx, work) : work();
}

/** Writes the current trace context into outgoing headers (a subgraph call). */
export function injectTraceHeaders(set: (name: string, value: string) => void): void {
  if (!enabled) return;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  for (const [name, value] of Object.entries(carrier)) set(name, value);
}

const tracer = () => trace.getTracer('public-data-gateway');

/** Runs `work` inside a span named `name` (no span at all when tracing is off). */
export async function traced<T>(name: string, work: (span?: Span) => Promise<T>, attributes?: Record<string, string | number | boolean>): Promise<T> {
  if (!enabled) return work();
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      // The error's code, not its message: a message may quote what was asked for.
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { extensions?: { code?: string } })?.extensions?.code ?? (error as Error)?.name });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `traced` for synchronous work (the policy decision). */
export function tracedSync<T>(name: string, work: () => T, attributes?: Record<string, string | number | boolean>): T {
  if (!enabled) return work();
  return tracer().startActiveSpan(name, { attributes }, (span) => {
    try {
      return work();
    } finally {
      span.end();
    }
  });
}

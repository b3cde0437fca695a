import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { DEFAULT_SERVICE_NAME, type Tracing, type TracingSettings } from './tracing-types';
import { serverSpan, tracingPlugin, upstreamObserver } from './tracing-spans';

/**
 * The OpenTelemetry SDK, loaded only when tracing is on (see `./tracing`): a Node tracer
 * provider with a batch span processor and an OTLP/HTTP exporter, JSON or protobuf.
 *
 * Read from the environment by the SDK itself: the sampler (`OTEL_TRACES_SAMPLER`,
 * `OTEL_TRACES_SAMPLER_ARG`; default parent-based always-on), the batch processor
 * (`OTEL_BSP_*`), the span limits, the exporter's endpoint, headers, timeout and
 * compression (`OTEL_EXPORTER_OTLP_[TRACES_]*`), and the resource (`OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, over this gateway's defaults).
 */

function packageVersion(): string {
  const path = join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

export function startSdk(settings: TracingSettings): Tracing {
  const version = packageVersion();
  const exporter = settings.protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter();
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: DEFAULT_SERVICE_NAME,
        [ATTR_SERVICE_VERSION]: version,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // Not registered as the process's global provider, and no context manager: the spans are
  // handed down explicitly (see ./tracing-spans).
  const tracer = provider.getTracer(DEFAULT_SERVICE_NAME, version);

  return {
    settings,
    serverSpan: serverSpan(tracer),
    plugin: tracingPlugin(tracer),
    observeUpstream: (endpoint) => upstreamObserver(tracer, endpoint),
    reportTo(logger: Logger) {
      const level =
        diagLogLevelFromString(process.env.OTEL_LOG_LEVEL?.trim() || 'info') ?? DiagLogLevel.INFO;
      const log =
        (method: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
        (message: string, ...args: unknown[]) => {
          const err = args.find((arg) => arg instanceof Error);
          logger[method]({ component: 'opentelemetry', ...(err && { err }) }, message);
        };
      diag.setLogger(
        {
          error: log('error'),
          warn: log('warn'),
          info: log('info'),
          debug: log('debug'),
          verbose: log('trace'),
        },
        { logLevel: level, suppressOverrideMessage: true },
      );
    },
    shutdown: () => provider.shutdown(),
  };
}

import type { Logger } from 'pino';
import type { Plugin } from 'graphql-yoga';
import type { AttemptObserver } from '../swr/client';

/** What tracing gives the rest of the gateway (see `./tracing`), apart from the SDK that makes it. */

export type TracingProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  protocol: TracingProtocol;
}

/** Ids of the active span, as log fields. */
export interface TraceFields {
  trace_id: string;
  span_id: string;
}

export interface Tracing {
  settings: TracingSettings;
  /** For yoga: the server span, its GraphQL phases, the trace ids for the access log. */
  plugin: Plugin;
  /** For the SWR client: a client span per attempt, and its `traceparent` header. */
  observeUpstream(endpoint: string): AttemptObserver;
  /** pino's `mixin`: the active span's ids, or nothing outside a span. */
  logFields: () => Partial<TraceFields>;
  /** Sends the SDK's own complaints (a failed export, a full queue) to the log. */
  reportTo(logger: Logger): void;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The default `service.name`; `OTEL_SERVICE_NAME` (or `OTEL_RESOURCE_ATTRIBUTES`) overrides it. */
export const DEFAULT_SERVICE_NAME = 'swr-graphql-gateway';

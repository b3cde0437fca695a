import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Plugin } from 'graphql-yoga';
import type { RequestRecord } from '../http/request-record';
import type { AttemptObserver } from '../swr/client';

/** What tracing gives the rest of the gateway (see `./tracing`), apart from the SDK that makes it. */

export type TracingProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  protocol: TracingProtocol;
}

export interface Tracing {
  settings: TracingSettings;
  /**
   * For the HTTP layer: starts the server span of a request to the GraphQL endpoint `path`, and
   * gives the call that ends it with the response's status. Its ids go on the record.
   */
  serverSpan: (
    request: IncomingMessage,
    path: string,
    record: RequestRecord,
  ) => (status: number) => void;
  /** For yoga: the operation and its errors on the server span, and the GraphQL phases' spans. */
  plugin: Plugin;
  /** For the SWR client: a client span per attempt, and its `traceparent` header. */
  observeUpstream(endpoint: string): AttemptObserver;
  /** Sends the SDK's own complaints (a failed export, a full queue) to the log. */
  reportTo(logger: Logger): void;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The default `service.name`; `OTEL_SERVICE_NAME` (or `OTEL_RESOURCE_ATTRIBUTES`) overrides it. */
export const DEFAULT_SERVICE_NAME = 'swr-graphql-gateway';

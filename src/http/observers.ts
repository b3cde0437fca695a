import type { IncomingMessage } from 'node:http';
import type { RequestRecord } from '../graphql/request-record';

/**
 * What the HTTP layer tells observability, declared here so that the layer depends on no
 * observability module: the composition root hands in the metrics and tracing that fit.
 */

/** The metrics of each request, and their text for `/metrics`. */
export interface HttpMetrics {
  recordHttp(route: string, status: number, durationMs: number): void;
  recordDocument(document: string, durationMs: number): void;
  readonly registry: { readonly contentType: string; metrics(): Promise<string> };
}

/**
 * Starts the server span of a request to the GraphQL endpoint `path` (tracing), and gives the
 * call that ends it with the response's status.
 */
export type ServerSpan = (
  request: IncomingMessage,
  path: string,
  record: RequestRecord,
) => (status: number) => void;

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HttpMetrics, ServerSpan } from './observers';
import type { RequestRecord } from '../graphql/request-record';
import type { Route } from './routes';

/**
 * What is told of each request when it ends: the metrics, the server span and the access log.
 * A caller that leaves before its answer is sent ends the request too: it is logged and counted
 * with status 499 (nginx's "client closed request"), and its record's signal is aborted so that
 * no upstream request starts for it.
 */

/** The status logged and counted for a request whose caller closed the connection first. */
export const CALLER_GONE = 499;

export interface AccessLogOptions {
  metrics: HttpMetrics;
  logger: Logger | false;
  /** Responses being served, so that shutdown can end their connections with them. */
  inFlight: Set<ServerResponse>;
  /** With tracing on: the server span of each request to a GraphQL endpoint. */
  serverSpan?: ServerSpan;
}

/** The metrics' name of a request's document: a manifest id, else `unknown` or `none`. */
function documentLabel(record: RequestRecord): string {
  if (record.document === null) return 'none';
  return record.document.known ? record.document.id : 'unknown';
}

/** Probes and scrapes are counted, not logged. */
const UNLOGGED = new Set<Route | 'other'>(['health', 'ready', 'metrics']);

export function accessLog(options: AccessLogOptions) {
  const { metrics, logger, inFlight } = options;

  const logLine = (
    route: Route | 'other',
    record: RequestRecord,
    request: IncomingMessage,
    status: number,
    durationMs: number,
  ): void => {
    if (!logger || UNLOGGED.has(route)) return;
    logger.info(
      {
        requestId: record.id,
        method: request.method,
        route,
        status,
        operationName: record.operationName,
        documentId: record.document?.id ?? null,
        upstreamCalls: record.upstreamCalls,
        durationMs: Math.round(durationMs * 10) / 10,
        ...record.trace.ids,
      },
      'request',
    );
  };

  /** Starts watching a request; `abort` is told when its caller leaves before the answer. */
  return (
    route: Route | 'other',
    record: RequestRecord,
    request: IncomingMessage,
    response: ServerResponse,
    abort?: () => void,
  ): void => {
    const started = performance.now();
    const endSpan =
      options.serverSpan && (route === 'graphql' || route === 'subgraph')
        ? options.serverSpan(request, route === 'graphql' ? '/graphql' : '/subgraph', record)
        : undefined;
    inFlight.add(response);
    const end = (status: number): void => {
      inFlight.delete(response);
      endSpan?.(status);
      const durationMs = performance.now() - started;
      metrics.recordHttp(route, status, durationMs);
      if (route === 'graphql') metrics.recordDocument(documentLabel(record), durationMs);
      logLine(route, record, request, status, durationMs);
    };
    // 'close' comes after 'finish' for an answer sent whole; before it, the caller has gone.
    response.on('close', () => {
      if (response.writableFinished) {
        end(response.statusCode);
        return;
      }
      abort?.();
      end(CALLER_GONE);
    });
  };
}

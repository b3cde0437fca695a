import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { newRequestRecord, type RequestRecord } from '../graphql/context';
import {
  GRAPHQL_ENDPOINT,
  SUBGRAPH_ENDPOINT,
  serve,
  serveFetch,
  type Gateway,
  type Surface,
} from '../graphql/yoga';
import type { Metrics } from '../observability/metrics';
import type { Tracing } from '../observability/tracing';
import { corsHeaders, preflightHeaders } from './cors';
import { subgraphRefused, tooLarge } from './replies';
import { SUBGRAPH_SECRET_HEADER, secretCheck } from './subgraph-secret';

/**
 * One HTTP request, in front of yoga: its id, its route, CORS for `/graphql`, the subgraph's
 * secret, the body limit, `/ready` and `/metrics`, and the access log and metrics when it ends.
 */

/** A caller's `X-Request-Id` is kept when it is a plain token; otherwise a new one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

type Route = 'graphql' | 'subgraph' | 'health' | 'ready' | 'metrics' | 'other';

/** The routes the metrics name; any other path a caller sends counts as `other`. */
const ROUTES: Record<string, Route> = {
  [GRAPHQL_ENDPOINT]: 'graphql',
  [SUBGRAPH_ENDPOINT]: 'subgraph',
  '/health': 'health',
  '/ready': 'ready',
  '/metrics': 'metrics',
};

/** What one listening server answers: PORT's, or SUBGRAPH_PORT's when it has its own. */
export interface Listener {
  /** The public API, with `/metrics`. */
  servesApi: boolean;
  servesSubgraph: boolean;
  /** Where `/health` and paths without a route go (yoga answers 404 for those). */
  fallback: Surface;
}

function routeOf(listener: Listener, request: IncomingMessage): Route {
  const route = ROUTES[new URL(request.url ?? '/', 'http://gateway').pathname] ?? 'other';
  if (route === 'subgraph' && !listener.servesSubgraph) return 'other';
  if ((route === 'graphql' || route === 'metrics') && !listener.servesApi) return 'other';
  return route;
}

/** The metrics' name of a request's document: a manifest id, else `unknown` or `none`. */
function documentLabel(record: RequestRecord): string {
  if (record.document === null) return 'none';
  return record.document.known ? record.document.id : 'unknown';
}

export interface HandlerOptions {
  config: Config;
  gateway: Gateway;
  metrics: Metrics;
  logger: Logger | false;
  /** Responses being served, so that shutdown can end their connections with them. */
  inFlight: Set<ServerResponse>;
  /** Whether new requests are taken (false once shutdown began). */
  accepting: () => boolean;
  /** Whether the gateway should get traffic (`/ready`). */
  ready: () => boolean;
  /** With tracing on: the server span of each request to a GraphQL endpoint. */
  serverSpan?: Tracing['serverSpan'];
}

export function createHandler(options: HandlerOptions) {
  const { config, gateway, metrics, logger, inFlight } = options;
  const hasSecret = config.subgraphSecret === null ? null : secretCheck(config.subgraphSecret);

  const watch = (
    route: Route,
    record: RequestRecord,
    request: IncomingMessage,
    response: ServerResponse,
  ): void => {
    const started = performance.now();
    const endSpan =
      options.serverSpan && (route === 'graphql' || route === 'subgraph')
        ? options.serverSpan(
            request,
            route === 'graphql' ? GRAPHQL_ENDPOINT : SUBGRAPH_ENDPOINT,
            record,
          )
        : undefined;
    inFlight.add(response);
    response.on('finish', () => {
      inFlight.delete(response);
      endSpan?.(response.statusCode);
      const durationMs = performance.now() - started;
      metrics.recordHttp(route, response.statusCode, durationMs);
      if (route === 'graphql') metrics.recordDocument(documentLabel(record), durationMs);
      if (!logger || route === 'health' || route === 'ready' || route === 'metrics') return;
      logger.info(
        {
          requestId: record.id,
          method: request.method,
          route,
          status: response.statusCode,
          operationName: record.operationName,
          documentId: record.document?.id ?? null,
          upstreamCalls: record.upstreamCalls,
          durationMs: Math.round(durationMs * 10) / 10,
          ...record.trace.ids,
        },
        'request',
      );
    });
  };

  /** CORS for `/graphql`: a preflight is answered here; other answers get their headers. */
  const cors = (request: IncomingMessage, response: ServerResponse): boolean => {
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS') {
      const headers = preflightHeaders(config.corsOrigins, origin);
      response.writeHead(204, { ...headers, 'content-length': '0' }).end();
      return true;
    }
    for (const [name, value] of Object.entries(corsHeaders(config.corsOrigins, origin))) {
      response.setHeader(name, value);
    }
    return false;
  };

  /**
   * A body without Content-Length (chunked) is read here, up to the limit, and handed to yoga
   * whole; such bodies are rare, and this keeps the common path free of a byte counter.
   */
  const handleChunked = async (
    surface: Surface,
    request: IncomingMessage,
    response: ServerResponse,
    record: RequestRecord,
  ): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > config.maxBodyBytes) {
        tooLarge(response, config.maxBodyBytes);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (name !== 'transfer-encoding' && typeof value === 'string') headers.set(name, value);
    }
    const answer = await serveFetch(
      surface,
      new Request(new URL(request.url ?? '/', `http://${request.headers.host ?? 'gateway'}`), {
        method: request.method ?? 'POST',
        headers,
        body: Buffer.concat(chunks),
      }),
      request,
      record,
    );
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  };

  return async (
    listener: Listener,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> => {
    const record = newRequestRecord(requestId(request));
    const route = routeOf(listener, request);
    response.setHeader('x-request-id', record.id);
    if (!options.accepting()) response.shouldKeepAlive = false;
    watch(route, record, request, response);
    if (route === 'ready') {
      // Here rather than yoga's readiness plugin, which matches every request's URL against a
      // URLPattern.
      response.writeHead(options.ready() ? 200 : 503, { 'content-length': '0' }).end();
      return;
    }
    if (route === 'metrics') {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
      return;
    }
    if (route === 'graphql' && cors(request, response)) return;
    if (route === 'subgraph' && hasSecret && !hasSecret(request.headers[SUBGRAPH_SECRET_HEADER])) {
      subgraphRefused(response, SUBGRAPH_SECRET_HEADER);
      return;
    }
    const surface =
      route === 'graphql'
        ? gateway.api
        : route === 'subgraph'
          ? gateway.subgraph
          : listener.fallback;
    const length = request.headers['content-length'];
    if (length !== undefined && Number(length) > config.maxBodyBytes) {
      tooLarge(response, config.maxBodyBytes);
      return;
    }
    if (length === undefined && request.headers['transfer-encoding'] !== undefined) {
      await handleChunked(surface, request, response, record);
      return;
    }
    // Node's parser never reads a body past its Content-Length.
    await serve(surface, request, response, record);
  };
}

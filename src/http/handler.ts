import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { callerGone } from '../resolvers/errors';
import type { Gateway, Surface } from '../graphql/yoga';
import { accessLog } from './access-log';
import { serveWithinLimit } from './body';
import { corsHeaders, preflightHeaders } from './cors';
import type { HttpMetrics, ServerSpan } from './observers';
import { badTarget, notFound, subgraphRefused } from './replies';
import { newRequestRecord, type RequestRecord } from '../graphql/request-record';
import { decide, type Listener, type Route } from './routes';
import { SUBGRAPH_SECRET_HEADER, secretCheck } from './subgraph-secret';
import { deadlinePassed } from '../swr/errors';

/**
 * One HTTP request, in front of yoga: its id, its route (routes.ts), the subgraph's secret,
 * CORS for `/graphql`, the probes and `/metrics`, the body limit (body.ts), and the access log
 * and metrics when it ends (access-log.ts).
 */

/** A caller's `X-Request-Id` is kept when it is a plain token; otherwise a new one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The probes, which every listener answers without the subgraph's secret. */
const PROBES = new Set<Route | 'other'>(['health', 'ready']);

/** The settings the HTTP layer reads (config.ts defines them). */
export interface HttpSettings {
  /** The origins browsers may call `/graphql` from; null for every origin. */
  corsOrigins: readonly string[] | null;
  subgraphSecret: string | null;
  maxBodyBytes: number;
  /** How long one request may spend on SWR: its signal is aborted then. */
  requestDeadlineMs: number;
}

export interface HandlerOptions {
  config: HttpSettings;
  gateway: Gateway;
  metrics: HttpMetrics;
  logger: Logger | false;
  /** Responses being served, so that shutdown can end their connections with them. */
  inFlight: Set<ServerResponse>;
  /** Whether new requests are taken (false once shutdown began). */
  accepting: () => boolean;
  /** Whether this replica can serve (`/ready`). */
  ready: () => boolean;
  /** `/health`'s body: the process is up, and how SWR answers it. */
  health: () => Record<string, unknown>;
  /** With tracing on: the server span of each request to a GraphQL endpoint. */
  serverSpan?: ServerSpan;
}

/** CORS for `/graphql`: a preflight is answered here (true); other answers get their headers. */
function cors(config: HttpSettings, request: IncomingMessage, response: ServerResponse): boolean {
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
}

/**
 * The request's abort: by the HTTP layer when the caller leaves first, or by a timer when the
 * request's deadline passes. Its signal reaches every upstream attempt, which it cuts, body
 * included. One timer a request, cleared with the answer: cheaper than a timeout signal per
 * upstream attempt, which lives until it fires.
 */
function requestAbort(response: ServerResponse, deadlineMs: number): AbortController {
  const abort = new AbortController();
  const deadline = setTimeout(() => {
    abort.abort(deadlinePassed());
  }, deadlineMs);
  response.once('close', () => {
    clearTimeout(deadline);
  });
  return abort;
}

export function createHandler(options: HandlerOptions) {
  const { config, gateway, metrics } = options;
  const hasSecret = config.subgraphSecret === null ? null : secretCheck(config.subgraphSecret);
  const watch = accessLog(options);

  /** The answers the HTTP layer gives itself; false for a route yoga serves. */
  const answerHere = async (route: Route, response: ServerResponse): Promise<boolean> => {
    if (route === 'ready') {
      response.writeHead(options.ready() ? 200 : 503, { 'content-length': '0' }).end();
    } else if (route === 'health') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(options.health()));
    } else if (route === 'metrics') {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
    } else return false;
    return true;
  };

  const surfaceOf = (route: Route): Surface =>
    route === 'subgraph' ? gateway.subgraph : gateway.api;

  return async (
    listener: Listener,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> => {
    const caller = requestAbort(response, config.requestDeadlineMs);
    const record: RequestRecord = newRequestRecord(requestId(request), caller.signal);
    response.setHeader('x-request-id', record.id);
    if (!options.accepting()) response.shouldKeepAlive = false;
    const decision = decide(listener, request);
    const route = 'route' in decision ? decision.route : 'other';
    watch(route, record, request, response, () => {
      caller.abort(callerGone());
    });
    const guarded = route === 'subgraph' || (listener.guarded && !PROBES.has(route));
    if (guarded && hasSecret && !hasSecret(request.headers[SUBGRAPH_SECRET_HEADER])) {
      subgraphRefused(response, SUBGRAPH_SECRET_HEADER);
      return;
    }
    if (!('route' in decision)) {
      if (decision.refusal === 'bad-target') badTarget(response);
      else notFound(response);
      return;
    }
    if (await answerHere(decision.route, response)) return;
    if (decision.route === 'graphql' && cors(config, request, response)) return;
    await serveWithinLimit(
      surfaceOf(decision.route),
      request,
      response,
      record,
      config.maxBodyBytes,
    );
  };
}

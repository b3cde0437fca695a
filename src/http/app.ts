import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { HEADERS_TIMEOUT_MARGIN_MS, type Config } from '../config';
import { Metrics } from '../observability/metrics';
import type { Tracing } from '../observability/tracing';
import { exampleQuery } from '../sandbox/example';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from '../sandbox/server';
import { GRAPHQL_ENDPOINT, SUBGRAPH_ENDPOINT, createGateway, type Gateway } from '../graphql/yoga';
import { TagEvents } from '../subscriptions/tag-events';
import type { Ticker } from '../subscriptions/ticker';
import { serveGraphQLOverWebSocket } from '../subscriptions/websocket';
import { SwrClient } from '../swr/client';
import { createHandler, type Listener } from './handler';

/**
 * The running gateway: the embedded sandbox when no endpoint is configured, the SWR client,
 * the GraphQL servers, and the HTTP layer in front of them (request ids, CORS, body limits, the
 * subgraph's secret, `/ready`, `/metrics`, the access log, timeouts, closing connections on
 * shutdown). `main.ts` runs one per process; tests start their own.
 */
export interface App {
  /** The public GraphQL endpoint, for example http://localhost:4000/graphql. */
  url: string;
  /** The subgraph endpoint for routers, for example http://localhost:4000/subgraph. */
  subgraphUrl: string;
  server: Server;
  /** The server of SUBGRAPH_PORT, or null when `/subgraph` is served on PORT. */
  subgraphServer: Server | null;
  /** The embedded sandbox, or null when SWR_ENDPOINT names the upstream. */
  sandbox: SandboxHandle | null;
  metrics: Metrics;
  /** The drain's start: `/ready` answers 503 and every answer closes its connection. */
  stopReady(): void;
  /** Refuses new connections, lets requests in flight finish, then closes the upstream pool. */
  close(): Promise<void>;
}

export interface AppOptions {
  /** What paces the tag watchers' polls (a timer by default; tests tick their own). */
  tagEventTicker?: Ticker;
}

export async function startApp(
  config: Config,
  logger: Logger | false,
  tracing: Tracing | null = null,
  options: AppOptions = {},
): Promise<App> {
  const sandbox =
    config.swrEndpoint === null ? await startSandbox({ flavor: config.sandboxFlavor }) : null;
  const endpoint = config.swrEndpoint ?? (sandbox as SandboxHandle).url;
  let client: SwrClient | null = null;
  const metrics = new Metrics(() => client?.policy.circuit ?? 'closed');
  client = new SwrClient({
    endpoint,
    timeoutMs: config.swrTimeoutMs,
    maxConnections: config.swrMaxConnections,
    maxBodyBytes: config.swrMaxBodyBytes,
    variants: config.swrVariants,
    policy: {
      maxRetries: config.swrMaxRetries,
      baseDelayMs: 100,
      maxDelayMs: 5_000,
      failureThreshold: config.circuitFailureThreshold,
      openMs: config.circuitOpenMs,
    },
    onAttempt: (attempt) => {
      metrics.recordUpstream(attempt);
    },
    observeAttempt: tracing?.observeUpstream(endpoint),
  });
  const upstream = client;
  const tagEvents = new TagEvents({
    client: upstream,
    ...config.tagEvents,
    observer: metrics.tagEvents,
    ...(options.tagEventTicker && { ticker: options.tagEventTicker }),
  });
  let accepting = true;
  /** Responses being served, so that shutdown can end their connections with them. */
  const inFlight = new Set<ServerResponse>();
  let gateway: Gateway;
  try {
    gateway = createGateway({
      client: upstream,
      upstreamConcurrencyPerRequest: config.upstreamConcurrencyPerRequest,
      requestDeadlineMs: config.requestDeadlineMs,
      limits: config.limits,
      logger,
      persistedDocuments: config.persistedDocuments,
      allowArbitraryDocuments: config.allowArbitraryDocuments,
      introspection: config.introspection,
      tracing: tracing?.plugin,
      tagEvents,
      ...(sandbox && {
        graphiql: {
          headers: JSON.stringify({ 'X-Auth-Token': DEMO_TOKEN }),
          defaultQuery: exampleQuery,
        },
      }),
    });
  } catch (error) {
    // A manifest that does not load stops the start, and leaves nothing open.
    await Promise.all([upstream.close(), sandbox?.close()]);
    throw error;
  }

  const handle = createHandler({
    config,
    gateway,
    metrics,
    logger,
    inFlight,
    ready: () => accepting && upstream.policy.circuit !== 'open',
    accepting: () => accepting,
    ...(tracing && { serverSpan: tracing.serverSpan }),
  });

  /**
   * One server. Timeouts for load balancers: an idle keep-alive connection stays open longer
   * than a balancer's usual 60 s idle timeout, so that the balancer closes it first and never
   * sends a request on a connection the gateway is closing (a 502 for the caller); the headers
   * timeout sits above it, as Node's documentation advises; a request must arrive whole within
   * the request timeout.
   */
  const serve = async (listener: Listener, port: number): Promise<Server> => {
    const server = createServer(
      {
        headersTimeout: config.keepAliveTimeoutMs + HEADERS_TIMEOUT_MARGIN_MS,
        requestTimeout: config.requestTimeoutMs,
      },
      (request, response) => {
        handle(listener, request, response).catch((error: unknown) => {
          if (logger)
            logger.error(
              { err: error, requestId: response.getHeader('x-request-id') },
              'unhandled error',
            );
          if (!response.headersSent) response.writeHead(500);
          response.end();
        });
      },
    );
    server.keepAliveTimeout = config.keepAliveTimeoutMs;
    await new Promise<void>((resolve) => {
      server.listen(port, config.host, resolve);
    });
    return server;
  };
  const ownPort = config.subgraphPort !== null;
  const server = await serve(
    { fallback: gateway.api, servesApi: true, servesSubgraph: !ownPort },
    config.port,
  );
  const subgraphServer =
    config.subgraphPort === null
      ? null
      : await serve(
          { fallback: gateway.subgraph, servesApi: false, servesSubgraph: true },
          config.subgraphPort,
        );
  const webSocket = serveGraphQLOverWebSocket(server, gateway.api, {
    path: GRAPHQL_ENDPOINT,
    maxPayloadBytes: config.maxBodyBytes,
    acceptsDocumentText: config.persistedDocuments === null || config.allowArbitraryDocuments,
  });
  const portOf = (listening: Server): number => (listening.address() as AddressInfo).port;

  return {
    url: `http://localhost:${portOf(server)}${GRAPHQL_ENDPOINT}`,
    subgraphUrl: `http://localhost:${portOf(subgraphServer ?? server)}${SUBGRAPH_ENDPOINT}`,
    server,
    subgraphServer,
    sandbox,
    metrics,
    stopReady() {
      accepting = false;
    },
    async close() {
      accepting = false;
      // Subscriptions never end by themselves: end them, so that their responses finish.
      tagEvents.close();
      await webSocket.close();
      // No connection is kept for another request: a response not yet started says
      // `Connection: close`; one already under way ends its connection when it is done.
      for (const response of inFlight) {
        if (!response.headersSent) response.shouldKeepAlive = false;
        else response.once('finish', () => response.socket?.destroySoon());
      }
      const closing = [server, subgraphServer].flatMap((listening) =>
        listening === null
          ? []
          : [
              new Promise<void>((resolve) => {
                listening.close(() => {
                  resolve();
                });
                listening.closeIdleConnections();
              }),
            ],
      );
      await Promise.all(closing);
      await Promise.all([upstream.close(), sandbox?.close()]);
    },
  };
}

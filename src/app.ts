import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config';
import { GRAPHQL_ENDPOINT, SUBGRAPH_ENDPOINT, createGateway, type Gateway } from './graphql/yoga';
import type { Drainable } from './http/drain';
import { createHandler } from './http/handler';
import { apiListener, metricsListener, subgraphListener } from './http/routes';
import { listen } from './http/server';
import { serveGraphQLOverWebSocket } from './http/websocket';
import { Metrics } from './observability/metrics';
import type { Tracing } from './observability/tracing';
import { exampleQuery } from './sandbox/example';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from './sandbox/server';
import { TagEvents } from './subscriptions/tag-events';
import type { Ticker } from './subscriptions/ticker';
import { DEFAULT_POLICY } from './swr/policy';
import { SwrClient } from './swr/client';

/**
 * The composition root: the running gateway, put together from its configuration. The embedded
 * sandbox when no endpoint is configured, the SWR client, the tag watchers, the GraphQL servers,
 * and the HTTP layer's listeners in front of them; and closing it all on shutdown. `main.ts`
 * runs one per process; tests start their own, through this same function.
 */
export interface App extends Drainable {
  /** The public GraphQL endpoint, for example http://localhost:4000/graphql. */
  url: string;
  /** The subgraph endpoint for routers, for example http://localhost:4000/subgraph. */
  subgraphUrl: string;
  server: Server;
  /** The server of SUBGRAPH_PORT, or null when `/subgraph` is served on PORT. */
  subgraphServer: Server | null;
  /** The server of METRICS_PORT, or null when no metrics are served. */
  metricsServer: Server | null;
  /** `/metrics` on METRICS_PORT, for example http://localhost:9464/metrics, or null. */
  metricsUrl: string | null;
  /** The embedded sandbox, or null when SWR_ENDPOINT names the upstream. */
  sandbox: SandboxHandle | null;
  metrics: Metrics;
}

export interface AppOptions {
  /** What paces the tag watchers' polls (a timer by default; tests tick their own). */
  tagEventTicker?: Ticker;
}

function portOf(listening: Server): number {
  return (listening.address() as AddressInfo).port;
}

/** The SWR client, and the metrics it reports its attempts to. */
function upstreamOf(
  config: Config,
  sandbox: SandboxHandle | null,
  tracing: Tracing | null,
): { upstream: SwrClient; metrics: Metrics } {
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
      ...DEFAULT_POLICY,
      maxRetries: config.swrMaxRetries,
      failureThreshold: config.circuitFailureThreshold,
      openMs: config.circuitOpenMs,
    },
    onAttempt: (attempt) => {
      metrics.recordUpstream(attempt);
    },
    observeAttempt: tracing?.observeUpstream(endpoint),
  });
  return { upstream: client, metrics };
}

/** The tag watchers of `Subscription.tagEvents`, paced by a timer unless a test paces them. */
function tagEventsOf(
  config: Config,
  client: SwrClient,
  metrics: Metrics,
  options: AppOptions,
): TagEvents {
  return new TagEvents({
    client,
    ...config.tagEvents,
    observer: metrics.tagEvents,
    ...(options.tagEventTicker && { ticker: options.tagEventTicker }),
  });
}

/** The GraphQL servers; with the embedded sandbox, GraphiQL starts with its demo token. */
function gatewayOf(
  config: Config,
  client: SwrClient,
  logger: Logger | false,
  tracing: Tracing | null,
  extras: { onSandbox: boolean; tagEvents: TagEvents },
): Gateway {
  return createGateway({
    client,
    upstreamConcurrencyPerRequest: config.upstreamConcurrencyPerRequest,
    requestDeadlineMs: config.requestDeadlineMs,
    limits: config.limits,
    logger,
    persistedDocuments: config.persistedDocuments,
    allowArbitraryDocuments: config.allowArbitraryDocuments,
    introspection: config.introspection,
    maxDocumentBytes: config.maxDocumentBytes,
    tracing: tracing?.plugin,
    tagEvents: extras.tagEvents,
    ...(extras.onSandbox && {
      graphiql: {
        headers: JSON.stringify({ 'X-Auth-Token': DEMO_TOKEN }),
        defaultQuery: exampleQuery,
      },
    }),
  });
}

/**
 * `/ready` says whether this replica can serve, never whether SWR is up: during an outage every
 * replica would leave the balancer at once, and callers get refused connections instead of
 * `UPSTREAM_UNAVAILABLE`. SWR's state is in `/health`'s body and the metrics.
 */
function probes(accepting: () => boolean, upstream: SwrClient) {
  return {
    accepting,
    ready: accepting,
    health: () => ({ status: 'ok', upstream: { circuit: upstream.policy.circuit } }),
  };
}

/** PORT's listener, and SUBGRAPH_PORT's and METRICS_PORT's when they are set. */
async function listeners(
  config: Config,
  logger: Logger | false,
  handle: ReturnType<typeof createHandler>,
): Promise<{ server: Server; subgraphServer: Server | null; metricsServer: Server | null }> {
  const ownPort = config.subgraphPort !== null;
  const server = await listen(config, logger, handle, apiListener(!ownPort), config.port);
  const subgraphServer =
    config.subgraphPort === null
      ? null
      : await listen(
          config,
          logger,
          handle,
          subgraphListener(config.subgraphSecret !== null),
          config.subgraphPort,
        );
  const metricsServer =
    config.metricsPort === null
      ? null
      : await listen(config, logger, handle, metricsListener(), config.metricsPort);
  return { server, subgraphServer, metricsServer };
}

/** `Subscription.tagEvents` over WebSocket on `/graphql`; none of document text with a manifest. */
function webSocketSettings(config: Config) {
  return {
    path: GRAPHQL_ENDPOINT,
    maxPayloadBytes: config.maxBodyBytes,
    acceptsDocumentText: config.persistedDocuments === null || config.allowArbitraryDocuments,
  };
}

/**
 * Closes the listeners: no connection is kept for another request (a response not yet started
 * says `Connection: close`; one already under way ends its connection when it is done), idle
 * ones are closed at once, and each listener is closed when its last request is done.
 */
async function closeListeners(
  servers: readonly (Server | null)[],
  inFlight: ReadonlySet<ServerResponse>,
): Promise<void> {
  for (const response of inFlight) {
    if (!response.headersSent) response.shouldKeepAlive = false;
    else response.once('finish', () => response.socket?.destroySoon());
  }
  await Promise.all(
    servers.flatMap((listening) =>
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
    ),
  );
}

export async function startApp(
  config: Config,
  logger: Logger | false,
  tracing: Tracing | null = null,
  options: AppOptions = {},
): Promise<App> {
  const sandbox =
    config.swrEndpoint === null ? await startSandbox({ flavor: config.sandboxFlavor }) : null;
  const { upstream, metrics } = upstreamOf(config, sandbox, tracing);
  const tagEvents = tagEventsOf(config, upstream, metrics, options);
  let accepting = true;
  /** Responses being served, so that shutdown can end their connections with them. */
  const inFlight = new Set<ServerResponse>();
  let gateway: Gateway;
  try {
    gateway = gatewayOf(config, upstream, logger, tracing, {
      onSandbox: sandbox !== null,
      tagEvents,
    });
  } catch (error) {
    // A manifest that does not load stops the start, and leaves nothing open.
    tagEvents.close();
    await Promise.all([upstream.close(), sandbox?.close()]);
    throw error;
  }

  const handle = createHandler({
    config,
    gateway,
    metrics,
    logger,
    inFlight,
    ...probes(() => accepting, upstream),
    ...(tracing && { serverSpan: tracing.serverSpan }),
  });
  const { server, subgraphServer, metricsServer } = await listeners(config, logger, handle);
  const webSocket = serveGraphQLOverWebSocket(server, gateway.api, webSocketSettings(config));
  return {
    url: `http://localhost:${portOf(server)}${GRAPHQL_ENDPOINT}`,
    subgraphUrl: `http://localhost:${portOf(subgraphServer ?? server)}${SUBGRAPH_ENDPOINT}`,
    server,
    subgraphServer,
    metricsServer,
    metricsUrl: metricsServer && `http://localhost:${portOf(metricsServer)}/metrics`,
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
      await closeListeners([server, subgraphServer, metricsServer], inFlight);
      await Promise.all([upstream.close(), sandbox?.close()]);
    },
  };
}

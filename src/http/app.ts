import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Metrics } from '../observability/metrics';
import type { Tracing } from '../observability/tracing';
import { exampleQuery } from '../sandbox/example';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from '../sandbox/server';
import { GRAPHQL_ENDPOINT, SUBGRAPH_ENDPOINT, createGateway, type Gateway } from '../graphql/yoga';
import { SwrClient } from '../swr/client';
import { createHandler } from './handler';
import { apiListener, metricsListener, subgraphListener } from './routes';
import { listen } from './server';

/**
 * The running gateway, put together from its configuration: the embedded sandbox when no
 * endpoint is configured, the SWR client, the GraphQL servers, and the HTTP layer's listeners in
 * front of them (handler.ts); and closing it all on shutdown. `main.ts` runs one per process;
 * tests start their own.
 */
export interface App {
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
  /** Refuses new connections, lets requests in flight finish, then closes the upstream pool. */
  close(): Promise<void>;
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
  return { upstream: client, metrics };
}

/** The GraphQL servers; with the embedded sandbox, GraphiQL starts with its demo token. */
function gatewayOf(
  config: Config,
  client: SwrClient,
  logger: Logger | false,
  tracing: Tracing | null,
  onSandbox: boolean,
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
    ...(onSandbox && {
      graphiql: {
        headers: JSON.stringify({ 'X-Auth-Token': DEMO_TOKEN }),
        defaultQuery: exampleQuery,
      },
    }),
  });
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

export async function startApp(
  config: Config,
  logger: Logger | false,
  tracing: Tracing | null = null,
): Promise<App> {
  const sandbox = config.swrEndpoint === null ? await startSandbox() : null;
  const { upstream, metrics } = upstreamOf(config, sandbox, tracing);
  let accepting = true;
  /** Responses being served, so that shutdown can end their connections with them. */
  const inFlight = new Set<ServerResponse>();
  let gateway: Gateway;
  try {
    gateway = gatewayOf(config, upstream, logger, tracing, sandbox !== null);
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
    // Whether this replica can serve, never whether SWR is up: during an outage every replica
    // would leave the balancer at once, and callers get refused connections instead of
    // UPSTREAM_UNAVAILABLE. SWR's state is in /health and the metrics.
    ready: () => accepting,
    health: () => ({ status: 'ok', upstream: { circuit: upstream.policy.circuit } }),
    accepting: () => accepting,
    ...(tracing && { serverSpan: tracing.serverSpan }),
  });
  const { server, subgraphServer, metricsServer } = await listeners(config, logger, handle);
  return {
    url: `http://localhost:${portOf(server)}${GRAPHQL_ENDPOINT}`,
    subgraphUrl: `http://localhost:${portOf(subgraphServer ?? server)}${SUBGRAPH_ENDPOINT}`,
    server,
    subgraphServer,
    metricsServer,
    metricsUrl: metricsServer && `http://localhost:${portOf(metricsServer)}/metrics`,
    sandbox,
    metrics,
    async close() {
      accepting = false;
      // No connection is kept for another request: a response not yet started says
      // `Connection: close`; one already under way ends its connection when it is done.
      for (const response of inFlight) {
        if (!response.headersSent) response.shouldKeepAlive = false;
        else response.once('finish', () => response.socket?.destroySoon());
      }
      const closing = [server, subgraphServer, metricsServer].flatMap((listening) =>
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

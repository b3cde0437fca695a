import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config';
import { exampleQuery } from './sandbox/example';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from './sandbox/server';
import { createGateway } from './server';
import { SwrClient } from './swr/client';

/**
 * The running gateway: the embedded sandbox when no endpoint is configured, the SWR client,
 * the GraphQL server and its HTTP listener. `main.ts` runs one per process; tests start their
 * own.
 */
export interface App {
  /** The GraphQL endpoint, for example http://localhost:4000/graphql. */
  url: string;
  server: Server;
  /** The embedded sandbox, or null when SWR_ENDPOINT names the upstream. */
  sandbox: SandboxHandle | null;
  /** Stops accepting connections, lets requests in flight finish, then closes the upstream pool. */
  close(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger | false): Promise<App> {
  const sandbox = config.swrEndpoint === null ? await startSandbox() : null;
  const client = new SwrClient({
    endpoint: config.swrEndpoint ?? (sandbox as SandboxHandle).url,
    timeoutMs: config.swrTimeoutMs,
    maxConnections: config.swrMaxConnections,
  });
  const gateway = createGateway({
    client,
    upstreamConcurrencyPerRequest: config.upstreamConcurrencyPerRequest,
    logger,
    ...(sandbox && {
      graphiql: {
        headers: JSON.stringify({ 'X-Auth-Token': DEMO_TOKEN }),
        defaultQuery: exampleQuery,
      },
    }),
  });
  // yoga answers every request itself, errors included; nothing awaits its promise.
  const server = createServer((request, response) => void gateway(request, response));
  await new Promise<void>((resolve) => {
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${port}${gateway.graphqlEndpoint}`,
    server,
    sandbox,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
      });
      await Promise.all([client.close(), sandbox?.close()]);
    },
  };
}

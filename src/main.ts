import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { exampleQuery } from './sandbox/example';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from './sandbox/server';
import { createGateway } from './server';
import { SwrClient } from './swr/client';

/**
 * The process: configuration, the embedded sandbox when no endpoint is configured, the HTTP
 * server, and a graceful shutdown on SIGTERM and SIGINT.
 */

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  let sandbox: SandboxHandle | null = null;
  let endpoint = config.swrEndpoint;
  if (endpoint === null) {
    sandbox = await startSandbox();
    endpoint = sandbox.url;
  }

  const client = new SwrClient({
    endpoint,
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
  const url = `http://localhost:${port}${gateway.graphqlEndpoint}`;

  if (sandbox) {
    logger.info({ url, upstream: 'sandbox' }, 'gateway listening on the embedded SWR sandbox');
    process.stdout.write(
      `\nSWR GraphQL gateway on the embedded sandbox (no SWR_ENDPOINT set)\n` +
        `  GraphiQL:   ${url}\n` +
        `  demo token: ${DEMO_TOKEN}   (send it as X-Auth-Token; GraphiQL already does)\n\n`,
    );
  } else {
    logger.info({ url, upstream: endpoint }, 'gateway listening');
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const deadline = setTimeout(() => {
      logger.warn('shutdown deadline passed; closing remaining connections');
      server.closeAllConnections();
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.close(() => {
      void Promise.all([client.close(), sandbox?.close()]).then(() => {
        logger.info('stopped');
        logger.flush();
        process.exitCode = 0;
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
});

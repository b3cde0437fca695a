import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { RequestRecord } from './context';
import { Metrics } from './metrics';
import { exampleQuery } from './sandbox/example';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from './sandbox/server';
import { createGateway } from './server';
import { SwrClient } from './swr/client';

/**
 * The running gateway: the embedded sandbox when no endpoint is configured, the SWR client,
 * the GraphQL server, and the HTTP layer in front of it (request ids, body limits, `/metrics`,
 * the access log). `main.ts` runs one per process; tests start their own.
 */
export interface App {
  /** The GraphQL endpoint, for example http://localhost:4000/graphql. */
  url: string;
  server: Server;
  /** The embedded sandbox, or null when SWR_ENDPOINT names the upstream. */
  sandbox: SandboxHandle | null;
  metrics: Metrics;
  /** Refuses new connections, lets requests in flight finish, then closes the upstream pool. */
  close(): Promise<void>;
}

/** A caller's `X-Request-Id` is kept when it is a plain token; otherwise a new one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function refuse(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

export async function startApp(config: Config, logger: Logger | false): Promise<App> {
  const sandbox = config.swrEndpoint === null ? await startSandbox() : null;
  let client: SwrClient | null = null;
  const metrics = new Metrics(() => client?.policy.circuit ?? 'closed');
  client = new SwrClient({
    endpoint: config.swrEndpoint ?? (sandbox as SandboxHandle).url,
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
  });
  const upstream = client;
  let accepting = true;
  const gateway = createGateway({
    client: upstream,
    upstreamConcurrencyPerRequest: config.upstreamConcurrencyPerRequest,
    requestDeadlineMs: config.requestDeadlineMs,
    limits: config.limits,
    logger,
    isReady: () => accepting,
    ...(sandbox && {
      graphiql: {
        headers: JSON.stringify({ 'X-Auth-Token': DEMO_TOKEN }),
        defaultQuery: exampleQuery,
      },
    }),
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const record: RequestRecord = { id: requestId(request), operationName: null, upstreamCalls: 0 };
    const route = new URL(request.url ?? '/', 'http://gateway').pathname;
    response.setHeader('x-request-id', record.id);
    response.on('finish', () => {
      const durationMs = performance.now() - started;
      metrics.recordHttp(
        route === gateway.graphqlEndpoint ? 'graphql' : route,
        response.statusCode,
        durationMs,
      );
      if (logger && route !== '/health' && route !== '/ready' && route !== '/metrics') {
        logger.info(
          {
            requestId: record.id,
            method: request.method,
            route,
            status: response.statusCode,
            operationName: record.operationName,
            upstreamCalls: record.upstreamCalls,
            durationMs: Math.round(durationMs * 10) / 10,
          },
          'request',
        );
      }
    });
    if (route === '/metrics') {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
      return;
    }
    if (request.method === 'POST') {
      const length = request.headers['content-length'];
      if (length === undefined) {
        refuse(response, 411, 'LENGTH_REQUIRED', 'A POST body needs a Content-Length header.');
        return;
      }
      if (Number(length) > config.maxBodyBytes) {
        refuse(
          response,
          413,
          'PAYLOAD_TOO_LARGE',
          `The request body is larger than ${config.maxBodyBytes} bytes.`,
        );
        return;
      }
    }
    await gateway.handle(request, response, { record });
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (logger) logger.error({ err: error }, 'unhandled error');
      if (!response.headersSent)
        refuse(response, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
    });
  });
  await new Promise<void>((resolve) => {
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${port}${gateway.graphqlEndpoint}`,
    server,
    sandbox,
    metrics,
    async close() {
      accepting = false;
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
      });
      await Promise.all([upstream.close(), sandbox?.close()]);
    },
  };
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { RequestRecord } from '../graphql/context';
import { Metrics } from '../observability/metrics';
import { exampleQuery } from '../sandbox/example';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from '../sandbox/server';
import { createGateway } from '../graphql/yoga';
import { SwrClient } from '../swr/client';

/**
 * The running gateway: the embedded sandbox when no endpoint is configured, the SWR client,
 * the GraphQL server, and the HTTP layer in front of it (request ids, body limits, `/ready`,
 * `/metrics`, the access log, closing connections on shutdown). `main.ts` runs one per process;
 * tests start their own.
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

/** 413, before any of the body is read. */
function tooLarge(response: ServerResponse, limit: number): void {
  response.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  response.end(
    JSON.stringify({
      errors: [
        {
          message: `The request body is larger than the limit of ${limit} bytes.`,
          extensions: { code: 'PAYLOAD_TOO_LARGE' },
        },
      ],
    }),
  );
}

/**
 * How long an idle keep-alive connection stays open: longer than the idle timeout of the load
 * balancers in front (60 s for ELB, nginx and most others), so that the balancer, which reuses
 * the connection, is also the one that closes it. A server that closes first races the client's
 * next request on that connection, which then fails with ECONNRESET. Node's default is 5 s.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** A caller's `X-Request-Id` is kept when it is a plain token; otherwise a new one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The routes the metrics name; any other path a caller sends counts as `other`. */
const ROUTES: Record<string, string> = {
  '/graphql': 'graphql',
  '/health': 'health',
  '/ready': 'ready',
  '/metrics': 'metrics',
};

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
  /** Responses being served, so that shutdown can end their connections with them. */
  const inFlight = new Set<ServerResponse>();
  const gateway = createGateway({
    client: upstream,
    upstreamConcurrencyPerRequest: config.upstreamConcurrencyPerRequest,
    requestDeadlineMs: config.requestDeadlineMs,
    limits: config.limits,
    logger,
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
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    const route = ROUTES[path] ?? 'other';
    response.setHeader('x-request-id', record.id);
    if (!accepting) response.shouldKeepAlive = false;
    inFlight.add(response);
    response.on('finish', () => {
      inFlight.delete(response);
      const durationMs = performance.now() - started;
      metrics.recordHttp(route, response.statusCode, durationMs);
      if (logger && (route === 'graphql' || route === 'other')) {
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
    if (route === 'ready') {
      // Ready for traffic: not shutting down, and the circuit to SWR is not open. (Here rather
      // than yoga's readiness plugin, which matches every request's URL against a URLPattern.)
      const ready = accepting && upstream.policy.circuit !== 'open';
      response.writeHead(ready ? 200 : 503, { 'content-length': '0' }).end();
      return;
    }
    if (route === 'metrics') {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
      return;
    }
    const length = request.headers['content-length'];
    if (length !== undefined && Number(length) > config.maxBodyBytes) {
      tooLarge(response, config.maxBodyBytes);
      return;
    }
    if (length === undefined && request.headers['transfer-encoding'] !== undefined) {
      await handleChunked(request, response, record);
      return;
    }
    // Node's parser never reads a body past its Content-Length.
    await gateway.handle(request, response, { record });
  };
  /**
   * A body without Content-Length (chunked) is read here, up to the limit, and handed to yoga
   * whole; such bodies are rare, and this keeps the common path free of a byte counter.
   */
  const handleChunked = async (
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
    const answer = await gateway.fetch(
      new Request(new URL(request.url ?? '/', `http://${request.headers.host ?? 'gateway'}`), {
        method: request.method ?? 'POST',
        headers,
        body: Buffer.concat(chunks),
      }),
      { record },
    );
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (logger)
        logger.error(
          { err: error, requestId: response.getHeader('x-request-id') },
          'unhandled error',
        );
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
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
      // No connection is kept for another request: a response not yet started says
      // `Connection: close`; one already under way ends its connection when it is done.
      for (const response of inFlight) {
        if (!response.headersSent) response.shouldKeepAlive = false;
        else response.once('finish', () => response.socket?.destroySoon());
      }
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

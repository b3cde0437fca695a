import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { createHandler } from './handler';
import type { Listener } from './routes';

/** Node's headers timeout, this much above the keep-alive timeout. */
export const HEADERS_TIMEOUT_MARGIN_MS = 1_000;

/** The settings a listener reads (config.ts defines them). */
export interface ListenSettings {
  host: string;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * One listening server. Timeouts for load balancers: an idle keep-alive connection stays open
 * longer than a balancer's usual 60 s idle timeout, so that the balancer closes it first and never
 * sends a request on a connection the gateway is closing (a 502 for the caller); the headers
 * timeout sits above it, as Node's documentation advises; a request must arrive whole within
 * the request timeout.
 */
export async function listen(
  config: ListenSettings,
  logger: Logger | false,
  handle: ReturnType<typeof createHandler>,
  listener: Listener,
  port: number,
): Promise<Server> {
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
}

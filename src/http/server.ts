import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { HEADERS_TIMEOUT_MARGIN_MS, type Config } from '../config';
import type { createHandler } from './handler';
import type { Listener } from './routes';

/**
 * One listening server. Timeouts for load balancers: an idle keep-alive connection stays open
 * longer than a balancer's usual 60 s idle timeout, so that the balancer closes it first and never
 * sends a request on a connection the gateway is closing (a 502 for the caller); the headers
 * timeout sits above it, as Node's documentation advises; a request must arrive whole within
 * the request timeout.
 */
export async function listen(
  config: Config,
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

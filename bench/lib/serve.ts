/** How a comparison server of the bench listens, and stops on SIGTERM or SIGINT. */
import type { Server } from 'node:http';

/** Listens on PORT (or `defaultPort`) and HOST; on a signal, closes the server, then `release`. */
export function serveUntilStopped(
  server: Server,
  defaultPort: number,
  release: () => Promise<void>,
): void {
  server.listen(Number(process.env.PORT ?? defaultPort), process.env.HOST ?? '127.0.0.1');
  const shutdown = (): void => {
    server.close();
    server.closeIdleConnections();
    void release();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server a test started on a free loopback port. */
export interface Listening {
  /** `http://127.0.0.1:{port}`. */
  url: string;
  port: number;
  /** Closes the server and every connection it still has, idle or not. */
  close: () => Promise<void>;
}

/**
 * Listens on a free loopback port. Like the sandbox, the server leaves closing idle keep-alive
 * connections to its clients (`keepAliveTimeout` 0): a server that closes them races a client's
 * next request, and a client held up by a long synchronous test would get ECONNRESET.
 */
export async function listenOnLoopback(server: Server): Promise<Listening> {
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

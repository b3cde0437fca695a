import { request, type Agent } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { DEMO_TOKEN } from '../../src/sandbox/server';

/**
 * A client as load balancers' callers are: node:http over a keep-alive Agent, every socket
 * error reported as it is (no retry), and whether the request went on a reused connection.
 */

/** A query whose answer is known: library/nginx holds 97 tags; the first two. */
export const NGINX_QUERY =
  '{ repository(namespace: "library", name: "nginx") { tags(first: 2) { totalCount nodes { name } } } }';

export interface Reply {
  status: number;
  /** The `Connection` header of the answer, if any. */
  connection: string | undefined;
  body: string;
  /** Whether the request was sent on a connection that an earlier request had used. */
  reused: boolean;
}

/** One request on `agent` (false: a connection of its own); rejects on any socket error. */
export function send(
  port: number,
  agent: Agent | false,
  path: string,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: {
          'x-auth-token': DEMO_TOKEN,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            body: text,
            reused: req.reusedSocket,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The nginx query on `agent`. */
export function query(port: number, agent: Agent | false): Promise<Reply> {
  return send(port, agent, '/graphql', JSON.stringify({ query: NGINX_QUERY }));
}

/** Whether an answer is the nginx query's right data. */
export function hasNginxData(reply: Reply): boolean {
  if (reply.status !== 200) return false;
  const body = JSON.parse(reply.body) as {
    data?: { repository?: { tags?: { totalCount: number; nodes: { name: string }[] } } };
    errors?: unknown;
  };
  const tags = body.data?.repository?.tags;
  return body.errors === undefined && tags?.totalCount === 97 && tags.nodes.length === 2;
}

/** Whether a new TCP connection to the port is refused. */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED');
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits, without a time limit of its own (the test's applies), until `condition` holds. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(20);
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

import type { ServerResponse } from 'node:http';

/** Answers the HTTP layer gives itself, before yoga: GraphQL's error shape, with a code. */

function errorReply(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** 413, before any of the body is read. */
export function tooLarge(response: ServerResponse, limit: number): void {
  errorReply(
    response,
    413,
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${limit} bytes.`,
    { connection: 'close' },
  );
}

/** 403 from `/subgraph` to a request without the routers' secret. */
export function subgraphRefused(response: ServerResponse, header: string): void {
  errorReply(
    response,
    403,
    'SUBGRAPH_FORBIDDEN',
    `This subgraph answers only the federation router: send the \`${header}\` header it is configured with.`,
  );
}

/** 404 for a path the listener does not serve, before yoga sees it. */
export function notFound(response: ServerResponse): void {
  errorReply(response, 404, 'NOT_FOUND', 'Nothing is served at this path.');
}

/** 400 for a request target (or Host) that does not make one URL with a plain path. */
export function badTarget(response: ServerResponse): void {
  errorReply(
    response,
    400,
    'BAD_REQUEST',
    'The request target is not a path, or it and the Host header do not make a URL.',
    { connection: 'close' },
  );
}

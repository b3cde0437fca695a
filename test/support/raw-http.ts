import { connect } from 'node:net';

/**
 * One HTTP/1.1 exchange written byte for byte on its own connection, for requests no client
 * library would send: an absolute or malformed target, a Host with a space, dot segments.
 */
export interface RawAnswer {
  /** The status of the answer; 0 when the connection closed without one. */
  status: number;
  head: string;
  body: string;
}

export interface RawRequest {
  port: number;
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean;
}

function requestText(request: RawRequest): string {
  const body = request.body ?? '';
  const headers: Record<string, string> = {
    host: `127.0.0.1:${request.port}`,
    connection: 'close',
    ...request.headers,
  };
  if (request.chunked) headers['transfer-encoding'] = 'chunked';
  else if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const payload = request.chunked
    ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`
    : body;
  return `${request.method} ${request.target} HTTP/1.1\r\n${head}\r\n${payload}`;
}

/** Sends the request and reads the connection to its end (the server closes it). */
export function rawRequest(request: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(request.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server that refuses a request may reset the connection once it has answered: what
    // arrived before the reset is the answer.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: split < 0 ? '' : text.slice(split + 4) });
    });
    // Not half-closed after the request: Node's server takes a client's FIN as the client
    // leaving, and drops an answer not yet written. `Connection: close` ends the exchange.
    socket.write(requestText(request));
  });
}

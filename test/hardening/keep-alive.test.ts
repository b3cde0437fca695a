/**
 * Keep-alive for load balancers, on the built gateway: an idle connection stays open longer
 * than a balancer's usual 60 s idle timeout (KEEP_ALIVE_TIMEOUT_MS, 65 s by default), so a
 * connection left idle and then reused gets its answer. Node's default of 5 s would close it
 * under the balancer, which then answers its caller 502. One raw TCP socket carries both
 * requests, so that nothing can quietly open a second connection.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { buildGateway, startBuiltGateway } from '../support/process';
import { sleep } from './support';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An HTTP/1.1 connection read by hand: requests written, answers parsed off the byte stream. */
class Connection {
  private received = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  closed = false;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static async open(port: number): Promise<Connection> {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new Connection(socket);
  }

  /** Sends a GraphQL POST on this connection and reads its whole answer. */
  async post(body: unknown): Promise<RawAnswer> {
    const payload = Buffer.from(JSON.stringify(body));
    this.socket.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        `X-Auth-Token: ${DEMO_TOKEN}\r\nContent-Length: ${payload.length}\r\n\r\n`,
    );
    this.socket.write(payload);
    return this.answer();
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('the connection was closed');
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
  }

  private async answer(): Promise<RawAnswer> {
    let end = this.received.indexOf('\r\n\r\n');
    while (end < 0) {
      await this.more();
      end = this.received.indexOf('\r\n\r\n');
    }
    const [statusLine = '', ...lines] = this.received
      .subarray(0, end)
      .toString('latin1')
      .split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.received = this.received.subarray(end + 4);
    const body =
      headers['transfer-encoding'] === 'chunked'
        ? await this.chunked()
        : await this.exactly(Number(headers['content-length'] ?? 0));
    return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
  }

  private async exactly(length: number): Promise<Buffer> {
    while (this.received.length < length) await this.more();
    const body = this.received.subarray(0, length);
    this.received = this.received.subarray(length);
    return body;
  }

  private async chunked(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      let line = this.received.indexOf('\r\n');
      while (line < 0) {
        await this.more();
        line = this.received.indexOf('\r\n');
      }
      const size = parseInt(this.received.subarray(0, line).toString('latin1'), 16);
      this.received = this.received.subarray(line + 2);
      const chunk = await this.exactly(size + 2);
      if (size === 0) return Buffer.concat(parts);
      parts.push(chunk.subarray(0, size));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

const QUERY = {
  query: '{ repository(namespace: "library", name: "hello") { tags { totalCount } } }',
};
const DATA = { data: { repository: { tags: { totalCount: 1 } } } };

beforeAll(() => {
  buildGateway();
}, 120_000);

test('a keep-alive connection left idle for 6 s and then reused gets its answer', async () => {
  const gateway = await startBuiltGateway();
  const connection = await Connection.open(Number(new URL(gateway.base).port));
  try {
    const first = await connection.post(QUERY);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual(DATA);
    expect(first.headers.connection).toBe('keep-alive');
    expect(first.headers['keep-alive']).toBe('timeout=65');

    // Past Node's default keep-alive timeout (5 s), which would have closed the connection.
    await sleep(6_000);
    expect(connection.closed).toBe(false);

    const second = await connection.post(QUERY);
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toEqual(DATA);
    expect(connection.closed).toBe(false);
    expect(gateway.upstreamCount()).toBe(2);
  } finally {
    connection.close();
    await gateway.close();
  }
}, 30_000);

test('KEEP_ALIVE_TIMEOUT_MS sets how long the gateway keeps an idle connection', async () => {
  const gateway = await startBuiltGateway({ KEEP_ALIVE_TIMEOUT_MS: '1000' });
  const connection = await Connection.open(Number(new URL(gateway.base).port));
  try {
    const first = await connection.post(QUERY);
    expect(first.headers['keep-alive']).toBe('timeout=1');
    const closedBy = Date.now() + 5_000;
    while (!connection.closed && Date.now() < closedBy) await sleep(50);
    expect(connection.closed).toBe(true);
  } finally {
    connection.close();
    await gateway.close();
  }
}, 30_000);

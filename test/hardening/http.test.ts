/**
 * Hardening: what the HTTP layer answers besides GraphQL. Idle connections stay open longer
 * than a load balancer keeps them.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { startGateway, type Gateway } from './support';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it came over the wire, not decompressed. */
  body: Buffer;
}

/** A GET over node:http, which (unlike fetch) neither follows redirects nor decompresses. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({});
});

afterAll(async () => {
  await gateway.app.close();
});

describe('connections', () => {
  test('an idle connection is kept 65 s, longer than the 60 s load balancers keep theirs', async () => {
    const answer = await rawGet(`${gateway.base}/health`);
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('keep-alive');
    expect(answer.headers['keep-alive']).toBe('timeout=65');
  });
});

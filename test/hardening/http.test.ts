/**
 * Hardening: what the HTTP layer answers besides GraphQL. GraphiQL is a small page that is
 * never cached without asking, plus files named after a hash of their content, cached for a
 * year and sent compressed (brotli, else gzip, else as they are). `GET /` leads to GraphiQL.
 * Idle connections stay open longer than a load balancer keeps them.
 */
import { createHash } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
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

const HTML = { accept: 'text/html,application/xhtml+xml' };

let gateway: Gateway;
let page: Raw;
/** The paths of the files the page names, e.g. /graphiql/graphiql.0123456789abcdef.js. */
let files: string[];

beforeAll(async () => {
  gateway = await startGateway({});
  page = await rawGet(gateway.url, HTML);
  files = [...page.body.toString().matchAll(/"(\/graphiql\/[^"]+)"/g)].map((m) => m[1] ?? '');
});

afterAll(async () => {
  await gateway.app.close();
});

describe('GraphiQL', () => {
  test('GET / redirects to the GraphiQL page', async () => {
    const answer = await rawGet(`${gateway.base}/`, HTML);
    expect(answer.status).toBe(302);
    expect(new URL(answer.headers.location ?? '', gateway.base).href).toBe(gateway.url);
  });

  test('the page is small HTML, revalidated on every visit, and names only local files', () => {
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(page.body.length).toBeLessThan(10_000);
    // No CDN: nothing outside the gateway is named (blob: and data: stay inside the page).
    expect(page.body.toString()).not.toMatch(/https?:\/\//);
    // The style, the script, the favicon and Monaco's three workers.
    expect(files).toHaveLength(6);
    for (const file of files)
      expect(file).toMatch(/^\/graphiql\/[a-z.]+\.[0-9a-f]{16}\.(js|css|ico)$/);
  });

  test('a request with the page’s ETag gets 304 without a body', async () => {
    const again = await rawGet(gateway.url, { ...HTML, 'if-none-match': page.headers.etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  test('each file is named after its content, cached for a year, and sent with brotli', async () => {
    let compressed = 0;
    for (const file of files) {
      const answer = await rawGet(gateway.base + file, { 'accept-encoding': 'gzip, deflate, br' });
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(answer.headers.vary).toBe('accept-encoding');
      expect(answer.headers['content-encoding']).toBe('br');
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      const content = brotliDecompressSync(answer.body);
      expect(answer.body.length).toBeLessThan(content.length / 2);
      const hash = createHash('sha256').update(content).digest('hex').slice(0, 16);
      expect(file).toContain(`.${hash}.`);
      compressed += answer.body.length;
    }
    // 9 MB as they are.
    expect(compressed).toBeLessThan(3_000_000);
  });

  test('without brotli a file comes gzipped, and without either as it is', async () => {
    const script = files.find(
      (file) => file.startsWith('/graphiql/graphiql.') && file.endsWith('.js'),
    );
    const url = gateway.base + (script ?? '');
    const br = await rawGet(url, { 'accept-encoding': 'br' });
    const gzipped = await rawGet(url, { 'accept-encoding': 'gzip, br;q=0' });
    const plain = await rawGet(url, { 'accept-encoding': 'identity' });
    const none = await rawGet(url);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const content = brotliDecompressSync(br.body);
    expect(gunzipSync(gzipped.body).equals(content)).toBe(true);
    expect(plain.body.equals(content)).toBe(true);
    expect(none.body.equals(content)).toBe(true);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  test('a name that is no file of this version is 404', async () => {
    const answer = await rawGet(`${gateway.base}/graphiql/graphiql.0000000000000000.js`);
    expect(answer.status).toBe(404);
  });

  test('a GraphQL query over GET at the same URL is still answered as GraphQL', async () => {
    const query = encodeURIComponent('{ __typename }');
    const viaGet = await rawGet(`${gateway.url}?query=${query}`, { accept: 'application/json' });
    expect(viaGet.status).toBe(200);
    expect(JSON.parse(viaGet.body.toString())).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('connections', () => {
  test('an idle connection is kept 65 s, longer than the 60 s load balancers keep theirs', async () => {
    const answer = await rawGet(`${gateway.base}/health`);
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('keep-alive');
    expect(answer.headers['keep-alive']).toBe('timeout=65');
  });
});

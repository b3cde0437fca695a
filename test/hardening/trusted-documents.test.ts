/**
 * Trusted documents on the built gateway: with PERSISTED_DOCUMENTS, `/graphql` runs the
 * manifest's documents by id, in every form front ends send them (GraphQL over HTTP's
 * `documentId`, with or without `sha256:`, Relay's `doc_id`, Apollo's persisted-query hash; POST
 * and GET), refuses document text and unknown ids before any upstream request, and names the
 * document in the access log and the metrics. A manifest that does not load stops the start.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  buildGateway,
  runUntilExit,
  startBuiltGateway,
  type BuiltGateway,
} from '../support/process';
import { expectNginxData, get, json, onlyError, post, sample, sleep, type Answer } from './support';

const NGINX = `query Nginx {
  repository(namespace: "library", name: "nginx") { tags(first: 2) { totalCount nodes { name } } }
}`;
const BUSYBOX = `query Busybox($first: Int!) {
  repository(namespace: "library", name: "busybox") { tags(first: $first) { totalCount } }
}`;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const NGINX_ID = sha256(NGINX);
/** Relay writes ids of its own choosing (an MD5 by default); the manifest's key is the id. */
const BUSYBOX_ID = createHash('md5').update(BUSYBOX).digest('hex');
const UNKNOWN_ID = sha256('query Unknown { __typename }');

let directory: string;

/** Writes a manifest file and returns its path. */
function manifest(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  buildGateway();
  directory = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
}, 120_000);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const TOKEN = { 'x-auth-token': DEMO_TOKEN };
/** `/subgraph` beside trusted documents on PORT needs the routers' secret. */
const ROUTERS = { SUBGRAPH_SECRET: 'routers-secret-0123456789' };

describe('with a manifest', () => {
  let gateway: BuiltGateway;

  beforeAll(async () => {
    const path = manifest(
      'documents.json',
      JSON.stringify({ [NGINX_ID]: NGINX, [BUSYBOX_ID]: BUSYBOX }),
    );
    gateway = await startBuiltGateway({ PERSISTED_DOCUMENTS: path, ...ROUTERS });
  });

  afterAll(async () => {
    await gateway.close();
  });

  beforeEach(() => {
    gateway.sandbox.resetRequests();
  });

  /** Sends a request that must be answered from the manifest with NGINX's data. */
  async function servedFromManifest(send: () => Promise<Answer>): Promise<void> {
    const answer = await send();
    expect(answer.status).toBe(200);
    expectNginxData(answer);
    expect(gateway.upstreamCount()).toBe(1);
  }

  test('POST with documentId', async () => {
    await servedFromManifest(() => post(gateway.url, { documentId: NGINX_ID }, TOKEN));
  });

  test('POST with a sha256:-prefixed documentId', async () => {
    await servedFromManifest(() => post(gateway.url, { documentId: `sha256:${NGINX_ID}` }, TOKEN));
  });

  test("POST with Relay's doc_id, and variables", async () => {
    const answer = await post(gateway.url, { doc_id: BUSYBOX_ID, variables: { first: 1 } }, TOKEN);
    expect(json(answer)).toEqual({ data: { repository: { tags: { totalCount: 7 } } } });
  });

  test("POST with Apollo's extensions.persistedQuery.sha256Hash", async () => {
    await servedFromManifest(() =>
      post(
        gateway.url,
        { extensions: { persistedQuery: { version: 1, sha256Hash: NGINX_ID } } },
        TOKEN,
      ),
    );
  });

  test.each([
    ['documentId', { documentId: `sha256:${NGINX_ID}` }],
    ['doc_id', { doc_id: NGINX_ID }],
    [
      'extensions',
      { extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: NGINX_ID } }) },
    ],
  ])('GET with %s', async (_label, params) => {
    await servedFromManifest(async () => {
      const query = new URLSearchParams(params).toString();
      const response = await fetch(`${gateway.url}?${query}`, { headers: TOKEN });
      return {
        status: response.status,
        headers: response.headers,
        text: await response.text(),
        ms: 0,
      };
    });
  });

  test.each([
    ['POST', () => post(gateway.url, { query: NGINX }, TOKEN)],
    [
      'POST with the text and an id',
      () => post(gateway.url, { query: NGINX, documentId: NGINX_ID }, TOKEN),
    ],
    ['GET', () => get(`${gateway.url}?${new URLSearchParams({ query: NGINX }).toString()}`)],
  ])(
    'document text by %s is refused with PERSISTED_QUERY_ONLY, no upstream request',
    async (_label, send) => {
      const answer = await send();
      expect(answer.status).toBe(400);
      expect(json(answer).data).toBeUndefined();
      expect(onlyError(answer).extensions?.code).toBe('PERSISTED_QUERY_ONLY');
      expect(gateway.upstreamCount()).toBe(0);
    },
  );

  test.each([
    ['POST documentId', () => post(gateway.url, { documentId: `sha256:${UNKNOWN_ID}` }, TOKEN)],
    ['POST doc_id', () => post(gateway.url, { doc_id: 'made-up' }, TOKEN)],
    [
      'POST persistedQuery',
      () =>
        post(
          gateway.url,
          { extensions: { persistedQuery: { version: 1, sha256Hash: UNKNOWN_ID } } },
          TOKEN,
        ),
    ],
    ['GET documentId', () => get(`${gateway.url}?documentId=${UNKNOWN_ID}`)],
  ])(
    'an unknown id by %s is refused with PERSISTED_QUERY_NOT_FOUND, no upstream request',
    async (_label, send) => {
      const answer = await send();
      expect(answer.status).toBe(404);
      expect(json(answer).data).toBeUndefined();
      expect(onlyError(answer).extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(gateway.upstreamCount()).toBe(0);
    },
  );

  test('neither text nor id is a coded BAD_REQUEST', async () => {
    const answer = await post(gateway.url, { variables: {} }, TOKEN);
    expect(answer.status).toBe(400);
    expect(onlyError(answer).extensions?.code).toBe('BAD_REQUEST');
    expect(gateway.upstreamCount()).toBe(0);
  });

  test('the access log names the document id; the metrics count it, and unknown ids as one label', async () => {
    const requestId = 'trusted-document-log';
    await post(gateway.url, { documentId: NGINX_ID }, { ...TOKEN, 'x-request-id': requestId });
    await post(gateway.url, { documentId: 'unknown-1' }, TOKEN);
    await post(gateway.url, { documentId: 'unknown-2' }, TOKEN);

    // The line reaches this process through the child's stdout, maybe after the answer.
    const logged = (): string | undefined =>
      gateway.process
        .output()
        .split('\n')
        .find((entry) => entry.includes(`"requestId":"${requestId}"`));
    const waitUntil = Date.now() + 5_000;
    while (logged() === undefined && Date.now() < waitUntil) await sleep(20);
    const line = logged();
    expect(line).toBeDefined();
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      route: 'graphql',
      documentId: NGINX_ID,
      operationName: 'Nginx',
      status: 200,
      upstreamCalls: 1,
    });

    const metrics = await (await fetch(gateway.metricsUrl)).text();
    const count = (document: string): number =>
      sample(metrics, 'gateway_document_request_duration_seconds_count', { document });
    expect(count(NGINX_ID)).toBeGreaterThanOrEqual(1);
    expect(count('unknown')).toBeGreaterThanOrEqual(2);
    expect(metrics).not.toContain('unknown-1');
    expect(metrics).not.toContain('unknown-2');
  });

  test('GraphiQL still loads; its queries need ALLOW_ARBITRARY_DOCUMENTS', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });
});

describe('with ALLOW_ARBITRARY_DOCUMENTS=true', () => {
  test('document text runs beside the ids, and unknown ids are still refused', async () => {
    const path = manifest('open.json', JSON.stringify({ [NGINX_ID]: NGINX }));
    const gateway = await startBuiltGateway({
      PERSISTED_DOCUMENTS: path,
      ALLOW_ARBITRARY_DOCUMENTS: 'true',
      ...ROUTERS,
    });
    try {
      expectNginxData(await post(gateway.url, { query: NGINX }, TOKEN));
      expectNginxData(await post(gateway.url, { documentId: NGINX_ID }, TOKEN));
      gateway.sandbox.resetRequests();
      const unknown = await post(gateway.url, { documentId: UNKNOWN_ID }, TOKEN);
      expect(onlyError(unknown).extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(gateway.upstreamCount()).toBe(0);
    } finally {
      await gateway.close();
    }
  });
});

describe("Apollo's persisted-query manifest", () => {
  test('its operations run by their ids', async () => {
    const path = manifest(
      'apollo.json',
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: NGINX_ID, name: 'Nginx', type: 'query', body: NGINX }],
      }),
    );
    const gateway = await startBuiltGateway({ PERSISTED_DOCUMENTS: path, ...ROUTERS });
    try {
      const hash = { persistedQuery: { version: 1, sha256Hash: NGINX_ID } };
      expectNginxData(await post(gateway.url, { extensions: hash }, TOKEN));
      const text = await post(gateway.url, { query: NGINX }, TOKEN);
      expect(onlyError(text).extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    } finally {
      await gateway.close();
    }
  });
});

describe('a manifest that does not load stops the start', () => {
  /** Runs the built gateway with PERSISTED_DOCUMENTS at `path`: its exit code and stderr. */
  const start = (path: string) =>
    runUntilExit({ PORT: '0', HOST: '127.0.0.1', PERSISTED_DOCUMENTS: path, ...ROUTERS });

  test.each([
    {
      label: 'not valid JSON',
      content: `{ "${NGINX_ID}": "query { __typename }", }`,
      message: /not valid JSON/,
    },
    {
      label: 'not an object',
      content: JSON.stringify([NGINX]),
      message: /must be a JSON object of id → document text/,
    },
    {
      label: 'a document that does not parse',
      content: JSON.stringify({ [NGINX_ID]: NGINX, broken: '{ repository(' }),
      message: /entry "broken" does not parse/,
    },
    {
      label: 'a document that does not validate against the schema',
      content: JSON.stringify({
        [NGINX_ID]: NGINX,
        stale: '{ repository(namespace: "a", name: "b") { stars } }',
      }),
      message: /entry "stale" does not validate: Cannot query field "stars" on type "Repository"/,
    },
    {
      label: 'a document of federation internals, which /graphql does not serve',
      content: JSON.stringify({ internal: '{ _service { sdl } }' }),
      message: /entry "internal" does not validate/,
    },
    {
      label: 'a value that is not text',
      content: JSON.stringify({ numeric: 42 }),
      message: /entry "numeric" is not a string of GraphQL/,
    },
  ])('$label: exit 1 and a message naming it', ({ content, message }) => {
    const path = manifest('broken.json', content);
    const { status, stderr } = start(path);
    expect(status).toBe(1);
    expect(stderr).toContain('PERSISTED_DOCUMENTS');
    expect(stderr).toContain(path);
    expect(stderr).toMatch(message);
  });

  test('a file that does not exist: exit 1 and a message', () => {
    const { status, stderr } = start(join(directory, 'missing.json'));
    expect(status).toBe(1);
    expect(stderr).toMatch(/PERSISTED_DOCUMENTS .*missing\.json.*ENOENT/);
  });
});

describe('no public door beside trusted documents', () => {
  test('/subgraph on PORT without the routers’ secret stops the start, with a message', () => {
    const path = manifest('guarded.json', JSON.stringify({ [NGINX_ID]: NGINX }));
    const { status, stderr } = runUntilExit({
      PORT: '0',
      HOST: '127.0.0.1',
      PERSISTED_DOCUMENTS: path,
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/PERSISTED_DOCUMENTS .*\/subgraph.*SUBGRAPH_SECRET.*SUBGRAPH_PORT/);
  });

  test('with the secret, no spelling of /subgraph runs document text without it', async () => {
    const path = manifest('doors.json', JSON.stringify({ [NGINX_ID]: NGINX }));
    const gateway = await startBuiltGateway({ PERSISTED_DOCUMENTS: path, ...ROUTERS });
    try {
      const origin = new URL(gateway.url).origin;
      for (const spelling of ['/subgraph', '/subgraph/', '//subgraph', '/x?y=/subgraph']) {
        const answer = await post(`${origin}${spelling}`, {
          query: '{ __schema { queryType { name } } }',
        });
        expect([403, 404]).toContain(answer.status);
        expect(json(answer).data ?? null).toBeNull();
      }
      expect(gateway.upstreamCount()).toBe(0);
    } finally {
      await gateway.close();
    }
  });
});

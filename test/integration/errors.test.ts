/**
 * Every error code the gateway documents, provoked over HTTP. Invalid arguments never reach
 * SWR; upstream failures keep SWR's status and error code in `extensions.upstream`.
 *
 * SWR failures the sandbox cannot produce (throttling, 5xx, malformed answers, silence) come
 * from a tiny stand-in upstream started here on loopback, which answers each namespace with a
 * chosen status and body. It is an HTTP server, not a mock of the gateway's modules.
 */
import { createServer, type ServerResponse, type Server } from 'node:http';
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { expectedTags } from '../support/sandbox-data';
import { serializeTag } from '../../src/sandbox/wire';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  allCursors,
  cursorAt,
  expectPageAt,
  expectedNames,
  fetchPage,
  onlyError,
  queryTags,
  upstreamAnswer,
  upstreamOf,
  type ConnectionArgs,
  type TagsResult,
} from './support';
import { listenOnLoopback } from '../support/listen';

const STACK_FRAME = '    at ';

function expectNoStackTrace(body: unknown): void {
  expect(JSON.stringify(body)).not.toContain(STACK_FRAME);
  expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|node_modules|stacktrace/i);
}

// ---------------------------------------------------------------------------------------------
// The stand-in upstream

interface Scenario {
  status: number;
  body: string;
  contentType?: string;
  contentRange?: string;
}

const HELLO = expectedTags('library', 'hello', 'updated_at', 'desc');
const HELLO_BODY = `[${HELLO.map(serializeTag).join(',')}]`;

const SCENARIOS: Record<string, Scenario | 'hang' | 'reset' | 'stall'> = {
  ok: { status: 200, body: HELLO_BODY, contentRange: '0-1/1' },
  bare500: {
    status: 500,
    body: '[{"errorCode":"SVCSTG.SWR.5001056","errorMessage":"Failed to obtain the tag list","detail":""}]',
  },
  apig429: {
    status: 429,
    body: '{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached"}',
  },
  throttle403: {
    status: 403,
    body: '{"errors":[{"errorCode":"SVCSTG.SWR.4031032","errorMessage":"too many requests","detail":""}]}',
  },
  throttle403b: {
    status: 403,
    body: '[{"errorCode":"SVCSTG.SWR.4031042","errorMessage":"too many requests","detail":""}]',
  },
  busy409: {
    status: 409,
    body: '{"errors":[{"errorCode":"SVCSTG.SWR.4090023","errorMessage":"system is busy","detail":""}]}',
  },
  forbidden403: {
    status: 403,
    body: '{"error_code":"SVCSTG.SWR.4030170","error_msg":"Insufficient permissions"}',
  },
  notoken400: {
    status: 400,
    body: '[{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"Failed to get Token from Context","detail":""}]',
  },
  expired401: {
    status: 401,
    body: '{"error_code":"SVCSTG.SWR.4010000","error_msg":"token expired"}',
  },
  invalid400: {
    status: 400,
    body: '{"errors":[{"errorCode":"SVCSTG.SWR.4001025","errorMessage":"invalid parameters","detail":""}]}',
  },
  html200: {
    status: 200,
    body: '<html><body><h1>Gateway</h1></body></html>',
    contentType: 'text/html',
    contentRange: '0-1/1',
  },
  object200: { status: 200, body: '{"tags":[]}', contentRange: '0-0/0' },
  norange200: { status: 200, body: HELLO_BODY },
  badrange200: { status: 200, body: HELLO_BODY, contentRange: 'items */*' },
  nocore200: {
    status: 200,
    body: HELLO_BODY.replace(/"updated":"[^"]*"/, '"updated":null'),
    contentRange: '0-1/1',
  },
  sparse200: {
    status: 200,
    body: JSON.stringify([{ Tag: 'latest', updated: '2025-10-01T03:00:02.542841141Z' }]),
    contentRange: '0-1/1',
  },
  apigerror401: {
    status: 401,
    body: '{"error":{"code":"SVCSTG.SWR.4011064","message":"cross-account access denied"}}',
  },
  badelement200: { status: 200, body: '[{"id":1,"Tag":"x"}]', contentRange: '0-1/1' },
  truncated200: { status: 200, body: HELLO_BODY.slice(0, 50), contentRange: '0-1/1' },
  hugetotal200: { status: 200, body: HELLO_BODY, contentRange: '0-1/99999999999' },
  baddate200: {
    status: 200,
    body: HELLO_BODY.replace(/"created":"[^"]*"/, '"created":"yesterday"'),
    contentRange: '0-1/1',
  },
  negsize200: {
    status: 200,
    body: HELLO_BODY.replace(/"size":\d+/, '"size":-5'),
    contentRange: '0-1/1',
  },
  fractionsize200: {
    status: 200,
    body: HELLO_BODY.replace(/"size":\d+/, '"size":1.5'),
    contentRange: '0-1/1',
  },
  stall200: 'stall',
  empty502: { status: 502, body: '', contentType: 'text/plain' },
  html503: { status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html' },
  hang: 'hang',
  reset: 'reset',
};

interface StandIn {
  url: string;
  tokens: (string | undefined)[];
  /** The namespace of every request received, in order. */
  namespaces: string[];
  close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
  const tokens: (string | undefined)[] = [];
  const namespaces: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    request.resume();
    const token = request.headers['x-auth-token'];
    tokens.push(Array.isArray(token) ? token[0] : token);
    const namespace = /^\/v2\/manage\/namespaces\/([^/]+)\//.exec(request.url ?? '')?.[1] ?? '';
    namespaces.push(namespace);
    const scenario = SCENARIOS[namespace];
    if (scenario === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error_code":"SVCSTG.SWR.4040058","error_msg":"Organization not found"}');
    } else if (scenario === 'hang') {
      hanging.add(response);
    } else if (scenario === 'stall') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-range': '0-1/1' });
      response.write('[');
      hanging.add(response);
    } else if (scenario === 'reset') {
      request.socket.destroy();
    } else {
      const headers: Record<string, string> = {
        'content-type': scenario.contentType ?? 'application/json',
      };
      if (scenario.contentRange !== undefined) headers['content-range'] = scenario.contentRange;
      response.writeHead(scenario.status, headers);
      response.end(scenario.body);
    }
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, tokens, namespaces, close };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const { port, close } = await listenOnLoopback(createServer());
  await close();
  return port;
}

let h: Harness;
let standIn: StandIn;
let viaStandIn: Harness;
let unreachable: Harness;

beforeAll(async () => {
  standIn = await startStandIn();
  h = await startHarness();
  viaStandIn = await startHarness({ upstream: standIn.url });
  unreachable = await startHarness({ upstream: `http://127.0.0.1:${await closedPort()}` });
});

afterAll(async () => {
  await unreachable.close();
  await viaStandIn.close();
  await h.close();
  await standIn.close();
});

// ---------------------------------------------------------------------------------------------
// BAD_USER_INPUT: never a request upstream

async function expectBadInput(
  request: () => Promise<GraphQLBody | TagsResult>,
  argument?: string,
): Promise<GraphQLBody | TagsResult> {
  const { result: body, requests } = await upstreamOf(h, request);
  const error = onlyError(body);
  expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  if (argument !== undefined) expect(error.extensions?.argument).toBe(argument);
  expect(requests).toHaveLength(0);
  expectNoStackTrace(body);
  return body;
}

describe('BAD_USER_INPUT, without any upstream request', () => {
  test.each([
    { args: { first: -1 }, argument: 'first' },
    { args: { first: 101 }, argument: 'first' },
    { args: { first: 2147483647 }, argument: 'first' },
    { args: { last: -1 }, argument: 'last' },
    { args: { last: 101 }, argument: 'last' },
    { args: { first: 10, last: -5 }, argument: 'last' },
  ] satisfies { args: ConnectionArgs; argument: string }[])(
    'page size $args is refused',
    async ({ args, argument }) => {
      const body = await expectBadInput(() => queryTags(h, 'library', 'nginx', args), argument);
      expect((body as TagsResult).data?.repository).toBeNull();
    },
  );

  test.each([
    'not-a-cursor',
    '',
    '!!!',
    'a'.repeat(65),
    Buffer.from('c1:abc:5').toString('base64url'),
    Buffer.from('c2:AAAAAAAAAA:5').toString('base64url'),
    Buffer.from('c1:AAAAAAAAAA:-1').toString('base64url'),
    Buffer.from('c1:AAAAAAAAAA:01').toString('base64url'),
  ])('a cursor that does not decode (%j) is refused in after and before', async (cursor) => {
    await expectBadInput(() => queryTags(h, 'library', 'nginx', { after: cursor }), 'after');
    await expectBadInput(
      () => queryTags(h, 'library', 'nginx', { last: 3, before: cursor }),
      'before',
    );
  });

  test('a cursor of another orderBy, nameContains or repository is refused', async () => {
    const byName = await allCursors(h, 'library', 'nginx', {
      orderBy: { field: 'NAME', direction: 'ASC' },
    });
    const byNameDesc = await allCursors(h, 'library', 'nginx', {
      orderBy: { field: 'NAME', direction: 'DESC' },
    });
    const byUpdated = await allCursors(h, 'library', 'nginx');
    const alpine = await allCursors(h, 'library', 'nginx', { nameContains: 'alpine' });
    const busybox = await allCursors(h, 'library', 'busybox');
    const team = await allCursors(h, 'library', 'team/app');
    const misuses: { name: string; args: ConnectionArgs; argument: string }[] = [
      { name: 'nginx', args: { after: cursorAt(byName, 3) }, argument: 'after' },
      {
        name: 'nginx',
        args: { after: cursorAt(byName, 3), orderBy: { field: 'NAME', direction: 'DESC' } },
        argument: 'after',
      },
      {
        name: 'nginx',
        args: {
          last: 2,
          before: cursorAt(byNameDesc, 3),
          orderBy: { field: 'NAME', direction: 'ASC' },
        },
        argument: 'before',
      },
      {
        name: 'nginx',
        args: { after: cursorAt(byUpdated, 3), orderBy: { field: 'UPDATED_AT', direction: 'ASC' } },
        argument: 'after',
      },
      { name: 'nginx', args: { after: cursorAt(alpine, 1) }, argument: 'after' },
      {
        name: 'nginx',
        args: { after: cursorAt(alpine, 1), nameContains: 'alpin' },
        argument: 'after',
      },
      {
        name: 'nginx',
        args: { after: cursorAt(byUpdated, 1), nameContains: 'alpine' },
        argument: 'after',
      },
      { name: 'nginx', args: { after: cursorAt(busybox, 1) }, argument: 'after' },
      { name: 'app', args: { after: cursorAt(team, 1) }, argument: 'after' },
      { name: 'busybox', args: { last: 1, before: cursorAt(byUpdated, 2) }, argument: 'before' },
    ];
    for (const { name, args, argument } of misuses) {
      await expectBadInput(() => queryTags(h, 'library', name, args), argument);
    }
    // The same cursors are accepted by the list that issued them.
    const page = await fetchPage(h, 'library', 'nginx', {
      first: 2,
      after: cursorAt(alpine, 1),
      nameContains: 'alpine',
    });
    expectPageAt(page, expectedNames('library', 'nginx', undefined, 'alpine'), 2, 2);
  });

  test.each([
    'Library',
    'a..b',
    '-x',
    '',
    '1abc',
    'lib/rary',
    'library ',
    'a'.repeat(65),
    'lib%72ary',
  ])('the namespace %j is refused', async (namespace) => {
    await expectBadInput(() => queryTags(h, namespace, 'nginx', { first: 1 }), 'namespace');
  });

  test.each([
    'Nginx',
    'a..b',
    '-x',
    '',
    '/app',
    'team//app',
    'app/',
    '..',
    'a b',
    'a%2Fb',
    'a$b',
    'x'.repeat(129),
  ])('the repository name %j is refused', async (name) => {
    await expectBadInput(() => queryTags(h, 'library', name, { first: 1 }), 'name');
  });

  test.each(['a b', 'a/b', '%', 'a:b', 'ä', '*', 'x'.repeat(129)])(
    'nameContains %j is refused',
    async (nameContains) => {
      await expectBadInput(
        () => queryTags(h, 'library', 'nginx', { first: 1, nameContains }),
        'nameContains',
      );
    },
  );

  test.each(['', '-x', '.x', 'a b', 'a/b', 'a:b', 'x'.repeat(129), 'latest\n'])(
    'tag(name: %j) is refused',
    async (name) => {
      await expectBadInput(
        () =>
          h.graphql(
            'query T($name: String!) { repository(namespace: "library", name: "hello") { tag(name: $name) { name } } }',
            { name },
          ),
        'name',
      );
    },
  );

  test.each([
    '',
    '!!!',
    'Zm9v',
    Buffer.from('Tag:Library/hello:latest').toString('base64url'),
    Buffer.from('Tag:library/hello').toString('base64url'),
    Buffer.from('Tag:library/hello:-x').toString('base64url'),
    Buffer.from('Repository:library').toString('base64url'),
    Buffer.from('Repository:Library/hello').toString('base64url'),
    Buffer.from('Namespace:library/hello').toString('base64url'),
    Buffer.from('Namespace:').toString('base64url'),
    Buffer.from('User:library').toString('base64url'),
    // `Namespace:library` with other unused low bits in its last character: not the id issued.
    'TmFtZXNwYWNlOmxpYnJhcnl',
    'A'.repeat(500),
  ])('node(id: %j) is refused', async (id) => {
    await expectBadInput(
      () => h.graphql('query N($id: ID!) { node(id: $id) { id } }', { id }),
      'id',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// NOT_FOUND and UNAUTHENTICATED from the sandbox

describe('NOT_FOUND and UNAUTHENTICATED from SWR', () => {
  test.each([
    { namespace: 'library', name: 'nosuch', errorCode: 'SVCSTG.SWR.4041057' },
    { namespace: 'globex', name: 'secret', errorCode: 'SVCSTG.SWR.4040058' },
    { namespace: 'nosuchorg', name: 'app', errorCode: 'SVCSTG.SWR.4040058' },
  ])('$namespace/$name is NOT_FOUND with upstream 404 $errorCode', async (c) => {
    const body = await queryTags(h, c.namespace, c.name, { first: 5 });
    expect(body.data?.repository).toBeNull();
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('NOT_FOUND');
    expect(error.path).toEqual(['repository', 'tags']);
    expect(error.extensions?.upstream).toMatchObject({ status: 404, errorCode: c.errorCode });
    expect(error.message).toContain(`${c.namespace}/${c.name}`);
    expectNoStackTrace(body);
  });

  test('tag(name:) of an unknown repository is NOT_FOUND', async () => {
    const body = await h.graphql(
      '{ repository(namespace: "library", name: "nosuch") { tag(name: "latest") { name } } }',
    );
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('NOT_FOUND');
    expect(error.extensions?.upstream).toMatchObject({ status: 404 });
  });

  test('no token is UNAUTHENTICATED without an upstream request', async () => {
    const { result: body, requests } = await upstreamOf(h, () =>
      queryTags(h, 'library', 'nginx', {}, null),
    );
    expect(onlyError(body).extensions?.code).toBe('UNAUTHENTICATED');
    expect(requests).toHaveLength(0);
    expectNoStackTrace(body);
  });

  test('an unknown token is UNAUTHENTICATED with upstream 401', async () => {
    const body = await queryTags(h, 'library', 'nginx', {}, 'expired-token');
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.extensions?.upstream).toMatchObject({ status: 401 });
    expectNoStackTrace(body);
  });
});

// ---------------------------------------------------------------------------------------------
// Upstream failures from the stand-in

/**
 * The client opens a circuit after a run of upstream faults (src/swr/policy.ts); a success
 * ends the run. Each stand-in test is followed by a normal query, so that one scenario's
 * failures never leak into the next, and the gateway is seen to recover every time.
 */
async function expectStandInAnswers(): Promise<void> {
  const page = await fetchPage(viaStandIn, 'ok', 'hello', { first: 5 });
  expect(page.totalCount).toBe(1);
  expect(page.nodes).toEqual([{ name: 'latest' }]);
}

describe('upstream failures', () => {
  afterEach(expectStandInAnswers);

  test.each([
    {
      namespace: 'bare500',
      code: 'UPSTREAM_ERROR',
      upstream: { status: 500, errorCode: 'SVCSTG.SWR.5001056' },
    },
    {
      namespace: 'apig429',
      code: 'RATE_LIMITED',
      upstream: { status: 429, errorCode: 'APIG.0308' },
    },
    {
      namespace: 'throttle403',
      code: 'RATE_LIMITED',
      upstream: { status: 403, errorCode: 'SVCSTG.SWR.4031032' },
    },
    {
      namespace: 'throttle403b',
      code: 'RATE_LIMITED',
      upstream: { status: 403, errorCode: 'SVCSTG.SWR.4031042' },
    },
    {
      namespace: 'busy409',
      code: 'RATE_LIMITED',
      upstream: { status: 409, errorCode: 'SVCSTG.SWR.4090023' },
    },
    {
      namespace: 'forbidden403',
      code: 'FORBIDDEN',
      upstream: {
        status: 403,
        errorCode: 'SVCSTG.SWR.4030170',
        errorMessage: 'Insufficient permissions',
      },
    },
    {
      namespace: 'notoken400',
      code: 'UNAUTHENTICATED',
      upstream: { status: 400, errorCode: 'SVCSTG.SWR.4001048' },
    },
    {
      namespace: 'expired401',
      code: 'UNAUTHENTICATED',
      upstream: { status: 401, errorCode: 'SVCSTG.SWR.4010000' },
    },
    {
      namespace: 'invalid400',
      code: 'UPSTREAM_ERROR',
      upstream: { status: 400, errorCode: 'SVCSTG.SWR.4001025' },
    },
    { namespace: 'html200', code: 'UPSTREAM_ERROR', upstream: { status: 200 } },
    { namespace: 'object200', code: 'UPSTREAM_ERROR', upstream: { status: 200 } },
    { namespace: 'badrange200', code: 'UPSTREAM_ERROR', upstream: { status: 200 } },
    { namespace: 'nocore200', code: 'UPSTREAM_ERROR', upstream: { status: 200 } },
    {
      namespace: 'apigerror401',
      code: 'UNAUTHENTICATED',
      upstream: { status: 401, errorCode: 'SVCSTG.SWR.4011064' },
    },
    { namespace: 'badelement200', code: 'UPSTREAM_ERROR', upstream: { status: 200 } },
    { namespace: 'truncated200', code: 'UPSTREAM_ERROR', upstream: { status: 200 } },
    { namespace: 'empty502', code: 'UPSTREAM_ERROR', upstream: { status: 502 } },
    { namespace: 'html503', code: 'UPSTREAM_ERROR', upstream: { status: 503 } },
    { namespace: 'reset', code: 'UPSTREAM_UNAVAILABLE', upstream: null },
  ])('$namespace answers $code', async ({ namespace, code, upstream }) => {
    const mark = standIn.namespaces.length;
    const body = await queryTags(viaStandIn, namespace, 'app', { first: 5 });
    const attempts = standIn.namespaces.slice(mark).filter((ns) => ns === namespace).length;
    // Retries are bounded; a refusal that a retry cannot cure (an expired token, a permission,
    // a malformed answer) is never asked again.
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(3);
    if (['UNAUTHENTICATED', 'FORBIDDEN'].includes(code) || upstream?.status === 200) {
      expect(attempts).toBe(1);
    }
    expect(body.data?.repository).toBeNull();
    const error = onlyError(body);
    expect(error.extensions?.code).toBe(code);
    expect(error.path).toEqual(['repository', 'tags']);
    if (upstream !== null) {
      expect(upstreamAnswer(error)).toMatchObject(upstream);
    }
    if (code === 'UPSTREAM_ERROR' && upstream?.status !== undefined && !('errorCode' in upstream)) {
      expect(upstreamAnswer(error).errorCode).toBeUndefined();
    }
    expect(error.message).not.toMatch(/<html>|SyntaxError|Unexpected token/);
    expectNoStackTrace(body);
  });

  test("the stand-in received the caller's token", () => {
    expect(standIn.tokens.length).toBeGreaterThan(0);
    expect(standIn.tokens.every((token) => token === DEMO_TOKEN)).toBe(true);
  });

  test('tag(name:) reports an upstream failure with the same code', async () => {
    const body = await viaStandIn.graphql(
      '{ repository(namespace: "throttle403", name: "app") { tag(name: "latest") { name } } }',
    );
    expect(onlyError(body).extensions?.code).toBe('RATE_LIMITED');
    expectNoStackTrace(body);
  });

  test('node(id:) reports an upstream failure other than NOT_FOUND as an error, not null', async () => {
    const id = Buffer.from('Tag:bare500/app:latest').toString('base64url');
    const body = await viaStandIn.graphql('query N($id: ID!) { node(id: $id) { id } }', { id });
    expect(body.data).toEqual({ node: null });
    expect(onlyError(body).extensions?.code).toBe('UPSTREAM_ERROR');
    expectNoStackTrace(body);
  });

  test('a port with nothing listening is UPSTREAM_UNAVAILABLE', async () => {
    const body = await queryTags(unreachable, 'library', 'nginx', { first: 5 });
    expect(body.data?.repository).toBeNull();
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expectNoStackTrace(body);
  });

  test('an upstream that never answers, or stalls in the body, is UPSTREAM_TIMEOUT after the client timeout', async () => {
    const started = Date.now();
    const bodies = await Promise.all([
      queryTags(viaStandIn, 'hang', 'app', { first: 5 }),
      queryTags(viaStandIn, 'stall200', 'app', { first: 5 }),
    ]);
    const elapsed = Date.now() - started;
    for (const body of bodies) {
      expect(body.data?.repository).toBeNull();
      const error = onlyError(body);
      expect(error.extensions?.code).toBe('UPSTREAM_TIMEOUT');
      expectNoStackTrace(body);
    }
    expect(elapsed).toBeGreaterThanOrEqual(4_500);
    expect(elapsed).toBeLessThan(15_000);
  }, 20_000);

  test('several failing lists in one query each report their own error', async () => {
    const body = await viaStandIn.graphql(`{
      a: repository(namespace: "apig429", name: "app") { tags(first: 1) { totalCount } }
      b: repository(namespace: "forbidden403", name: "app") { tags(first: 1) { totalCount } }
      c: repository(namespace: "ok", name: "hello") { tags(first: 1) { totalCount } }
    }`);
    const codes: Record<string, string | undefined> = {};
    for (const error of body.errors ?? []) {
      codes[String(error.path?.[0])] = error.extensions?.code;
    }
    expect(codes).toEqual({ a: 'RATE_LIMITED', b: 'FORBIDDEN' });
    expect(body.data).toEqual({ a: null, b: null, c: { tags: { totalCount: 1 } } });
  });
});

/**
 * A 200 whose values break what the schema promises outside the tag's strict core (its name and
 * update time) is read with the stated defaults: the page is served, never failed for a field.
 * A total that cannot be read is an upstream error; a missing one is read from a short page.
 */
describe('odd values in a 200 answer are read with their defaults', () => {
  afterEach(expectStandInAnswers);

  const query = `query Q($ns: String!) { repository(namespace: $ns, name: "app") {
    tags(first: 5) { totalCount nodes { name size createdAt updatedAt deletedAt scanned digest } }
  } }`;
  const [hello] = HELLO;

  test.each([
    { label: 'a created time that is not a date-time', namespace: 'baddate200' },
    { label: 'a negative size', namespace: 'negsize200' },
    { label: 'a fractional size', namespace: 'fractionsize200' },
    { label: 'no Content-Range on a short page', namespace: 'norange200' },
  ])('$label: the page is served', async ({ namespace }) => {
    const body = await viaStandIn.graphql(query, { ns: namespace });
    expect(body.errors).toBeUndefined();
    const tags = (body.data?.repository as { tags: { totalCount: number; nodes: Fields[] } }).tags;
    expect(tags.totalCount).toBe(1);
    expect(tags.nodes[0]?.name).toBe(hello?.Tag);
    if (namespace === 'baddate200') expect(tags.nodes[0]?.createdAt).toBe(hello?.updated);
    if (namespace.endsWith('size200')) expect(tags.nodes[0]?.size).toBe('0');
  });

  test('a tag of nothing but its name and a nine-digit update time: every default', async () => {
    const body = await viaStandIn.graphql(query, { ns: 'sparse200' });
    expect(body.errors).toBeUndefined();
    const tags = (body.data?.repository as { tags: { totalCount: number; nodes: Fields[] } }).tags;
    expect(tags.nodes).toEqual([
      {
        name: 'latest',
        size: '0',
        createdAt: '2025-10-01T03:00:02.542841141Z',
        updatedAt: '2025-10-01T03:00:02.542841141Z',
        deletedAt: null,
        scanned: null,
        digest: '',
      },
    ]);
  });

  test('a Content-Range total beyond GraphQL Int is UPSTREAM_ERROR', async () => {
    const body = await viaStandIn.graphql(query, { ns: 'hugetotal200' });
    expectNoStackTrace(body);
    expect(body.data).toEqual({ repository: null });
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions?.upstream).toMatchObject({ status: 200 });
  });
});

type Fields = Record<string, unknown>;

describe('after all failures', () => {
  test('the gateway still answers a normal query, against the sandbox and the stand-in', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { first: 5 });
    expectPageAt(page, expectedNames('library', 'nginx'), 0, 5);
    const standInPage = await fetchPage(viaStandIn, 'ok', 'hello', { first: 5 });
    expect(standInPage.totalCount).toBe(1);
    expect(standInPage.nodes).toEqual([{ name: 'latest' }]);
  });
});

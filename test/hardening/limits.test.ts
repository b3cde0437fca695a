/**
 * Hardening: what a hostile or careless caller can send. Expensive queries, every armor limit,
 * oversized and broken bodies, unknown operations and huge variables are refused before any
 * upstream request, and the same server keeps serving. Production mode hides field
 * suggestions and masks unexpected errors while coded errors keep their code.
 */
import { request } from 'node:http';
import { expectedTags } from '../support/sandbox-data';
import { serializeTag } from '../../src/sandbox/wire';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  NGINX_QUERY,
  expectNginxData,
  graphql,
  json,
  onlyError,
  post,
  startGateway,
  startStandIn,
  status,
  type Answer,
  type Gateway,
  type StandIn,
} from './support';

const LIMITS = {
  MAX_DEPTH: '12',
  MAX_ALIASES: '30',
  MAX_TOKENS: '2000',
  MAX_DIRECTIVES: '20',
  MAX_UPSTREAM_REQUESTS: '50',
  MAX_NODES: '5000',
  MAX_BODY_BYTES: '1000000',
};

let standIn: StandIn;
let gateway: Gateway;
let production: Gateway;

beforeAll(async () => {
  standIn = await startStandIn();
  gateway = await startGateway({ SWR_ENDPOINT: standIn.url, SWR_TIMEOUT_MS: '2000', ...LIMITS });
  production = await startGateway({
    SWR_ENDPOINT: standIn.url,
    SWR_TIMEOUT_MS: '2000',
    NODE_ENV: 'production',
    ...LIMITS,
  });
});

afterAll(async () => {
  await gateway.app.close();
  await production.app.close();
  await standIn.close();
});

beforeEach(() => {
  standIn.reset();
});

const NGINX = 'repository(namespace: "library", name: "nginx")';

/** Runs a request that must be refused before execution: no upstream attempt at all. */
async function refusedWithoutUpstream(send: () => Promise<Answer>): Promise<Answer> {
  const answer = await send();
  expect(standIn.attempts).toHaveLength(0);
  return answer;
}

describe('the cost model', () => {
  test('30 aliases × tags(first: 100) is QUERY_TOO_EXPENSIVE, with no upstream request', async () => {
    const fields = Array.from(
      { length: 30 },
      (_, i) => `a${i}: tags(first: 100) { totalCount nodes { name } }`,
    ).join('\n');
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, `query Wide { ${NGINX} { ${fields} } }`, DEMO_TOKEN),
    );
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.message).toMatch(/too expensive.*60 SWR requests.*50 allowed/);
    expect(error.extensions?.cost).toEqual({ upstreamRequests: 60, nodes: 3000 });
    expect(json(answer).data ?? null).toBeNull();
  });

  test('nested nodes { repository { tags(first: 100) } } is QUERY_TOO_EXPENSIVE, with no upstream request', async () => {
    const query = `query Nested { ${NGINX} {
      tags(first: 100) { nodes { repository { tags(first: 100) { nodes { name } } } } }
    } }`;
    const answer = await refusedWithoutUpstream(() => graphql(gateway.url, query, DEMO_TOKEN));
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.message).toContain('The query is too expensive');
    expect(error.extensions?.cost).toEqual({ upstreamRequests: 202, nodes: 10_100 });
  });

  test('page sizes passed as variables are costed too', async () => {
    const fields = Array.from({ length: 26 }, (_, i) => `a${i}: tags(first: $n) { totalCount }`);
    const query = `query Vars($n: Int) { ${NGINX} { ${fields.join(' ')} } }`;
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, query, DEMO_TOKEN, { variables: { n: 100 } }),
    );
    expect(onlyError(answer).extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
  });

  /**
   * Runs an `_entities` query with `$r` on the subgraph, which must be refused unsent; its
   * reported cost.
   */
  async function refusedEntities(
    query: string,
    representations: Record<string, unknown>[],
  ): Promise<unknown> {
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.subgraphUrl, query, DEMO_TOKEN, { variables: { r: representations } }),
    );
    expect(onlyError(answer).extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    return onlyError(answer).extensions?.cost;
  }

  const repositories = (count: number): Record<string, unknown>[] =>
    Array.from({ length: count }, (_, i) => ({
      __typename: 'Repository',
      namespace: 'library',
      name: `repository-${i}`,
    }));
  const byId = (typename: string, count: number): Record<string, unknown>[] =>
    Array.from({ length: count }, (_, i) => ({ __typename: typename, id: `tag-${i}` }));

  test('_entities is costed per representation: 200 repositories × details and tags', async () => {
    const query = `query Entities($r: [_Any!]!) { _entities(representations: $r) {
      ... on Repository { description tags(first: 5) { totalCount } }
    } }`;
    // 200 detail requests, 200 × 2 for the tag lists; 200 × 5 tags.
    expect(await refusedEntities(query, repositories(200))).toEqual({
      upstreamRequests: 600,
      nodes: 1000,
    });
  });

  test('_entities: each tag representation is a lookup, counted even with no field that reads SWR', async () => {
    const query = `query Tags($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
    expect(await refusedEntities(query, byId('Tag', 51))).toEqual({
      upstreamRequests: 51,
      nodes: 0,
    });
  });

  test('_entities: a representation by interface (Node) costs as its object type (Tag)', async () => {
    const query = `query Nodes($r: [_Any!]!) { _entities(representations: $r) { ... on Tag { name } } }`;
    expect(await refusedEntities(query, byId('Node', 51))).toEqual({
      upstreamRequests: 51,
      nodes: 0,
    });
  });

  test('_entities: a type name that is no type of the schema costs nothing and breaks no count', async () => {
    const query = `query Odd($r: [_Any!]!) {
      odd: _entities(representations: [{ __typename: "constructor" }, { __typename: "__proto__" }]) @skip(if: true) { __typename }
      _entities(representations: $r) { __typename }
    }`;
    expect(await refusedEntities(query, byId('Tag', 51))).toEqual({
      upstreamRequests: 51,
      nodes: 0,
    });
  });

  test("_entities: fragments on one type share that type's details", async () => {
    const query = `query Split($r: [_Any!]!) { _entities(representations: $r) {
      ... on Repository { description } ... on Repository { tagCount } ...Size
    } }
    fragment Size on Repository { size }`;
    expect(await refusedEntities(query, repositories(51))).toEqual({
      upstreamRequests: 51,
      nodes: 0,
    });
  });

  test("_entities: an organization's details cost one request per representation", async () => {
    const organizations = Array.from({ length: 51 }, (_, i) => ({
      __typename: 'Namespace',
      name: `team${i}`,
    }));
    const query = `query Orgs($r: [_Any!]!) { _entities(representations: $r) {
      ... on Namespace { name creatorName permission }
    } }`;
    expect(await refusedEntities(query, organizations)).toEqual({
      upstreamRequests: 51,
      nodes: 0,
    });
  });

  test("a repository's details cost one request per repository that is not from a list", async () => {
    const fields = Array.from(
      { length: 26 },
      (_, i) =>
        `r${i}: repository(namespace: "library", name: "r${i}") { description tags(first: 1) { totalCount } }`,
    ).join('\n');
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, `query Details { ${fields} }`, DEMO_TOKEN),
    );
    expect(onlyError(answer).extensions?.cost).toEqual({ upstreamRequests: 78, nodes: 26 });
  });

  test("the tags of one connection share their repository's details: one request, served", async () => {
    const query = `{ ${NGINX} { description tags(first: 100) { nodes { name repository { description tagCount } } } } }`;
    const answer = await graphql(gateway.url, query, DEMO_TOKEN);
    const body = json(answer);
    expect(body.errors).toBeUndefined();
    const repository = body.data?.repository as {
      description: string;
      tags: { nodes: { repository: { description: string; tagCount: number } }[] };
    };
    expect(repository.tags.nodes).toHaveLength(97);
    expect(new Set(repository.tags.nodes.map((node) => node.repository.tagCount))).toEqual(
      new Set([97]),
    );
    // One details request and one page: the loaders share both among the 97 tags.
    expect(standIn.attempts).toHaveLength(2);
  });

  test('a query just within the budget is served', async () => {
    // 25 aliases × 2 requests = 50, the limit itself; the loader needs one request for all.
    const fields = Array.from({ length: 25 }, (_, i) => `a${i}: tags(first: 2) { totalCount }`);
    const answer = await graphql(gateway.url, `{ ${NGINX} { ${fields.join(' ')} } }`, DEMO_TOKEN);
    const body = json(answer);
    expect(body.errors).toBeUndefined();
    expect((body.data?.repository as Record<string, { totalCount: number }>).a24?.totalCount).toBe(
      97,
    );
    expect(standIn.attempts.length).toBeGreaterThanOrEqual(1);
  });
});

describe('MAX_UPSTREAM_ATTEMPTS, the bound while a query runs', () => {
  test('with 3 allowed, the fourth list of a query fails with QUERY_TOO_EXPENSIVE, unsent', async () => {
    const bounded = await startGateway({
      SWR_ENDPOINT: standIn.url,
      SWR_TIMEOUT_MS: '2000',
      MAX_UPSTREAM_ATTEMPTS: '3',
    });
    try {
      // Five repositories: five requests, within the cost model's 50 but over the bound of 3.
      const repositories = ['nginx', 'app', 'busybox', 'hello', 'multiarch'];
      const fields = repositories.map(
        (name, i) =>
          `r${i}: repository(namespace: "library", name: "${name}") { tags(first: 1) { totalCount } }`,
      );
      const answer = await graphql(bounded.url, `query Five { ${fields.join(' ')} }`, DEMO_TOKEN);
      expect(standIn.attempts).toHaveLength(3);
      const body = json(answer);
      const served = Object.values(body.data ?? {}).filter((value) => value !== null);
      expect(served).toHaveLength(3);
      expect(body.errors).toHaveLength(2);
      for (const error of body.errors ?? []) {
        expect(error.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
        expect(error.message).toContain(
          'more than the 3 SWR requests (retries included) one query may make',
        );
      }
      // The bound is per query: the next one is served whole.
      standIn.reset();
      const next = json(await graphql(bounded.url, NGINX_QUERY, DEMO_TOKEN));
      expect(next.errors).toBeUndefined();
    } finally {
      await bounded.app.close();
    }
  });
});

describe('graphql-armor limits (each refused before any upstream request)', () => {
  // Depth, aliases and directives are refused as QUERY_TOO_COMPLEX with HTTP 400.
  test('depth over MAX_DEPTH=12', async () => {
    let selection = 'name';
    for (let i = 0; i < 7; i++)
      selection = `tags(first: 1) { nodes { repository { ${selection} } } }`;
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, `query Deep { ${NGINX} { ${selection} } }`, DEMO_TOKEN),
    );
    const error = onlyError(answer);
    expect(error.message).toMatch(/^Query depth limit of 12 exceeded, found \d+/);
    expect(error.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.status).toBe(400);
    expect(json(answer).data ?? null).toBeNull();
  });

  test('31 aliases, over MAX_ALIASES=30', async () => {
    const fields = Array.from({ length: 31 }, (_, i) => `r${i}: ${NGINX} { name }`).join(' ');
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, `query Aliases { ${fields} }`, DEMO_TOKEN),
    );
    expect(onlyError(answer).message).toContain('Aliases limit of 30 exceeded, found 31');
    expect(onlyError(answer).extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.status).toBe(400);
    expect(json(answer).data ?? null).toBeNull();
  });

  test('30 aliases, at MAX_ALIASES, pass the alias limit', async () => {
    const fields = Array.from({ length: 30 }, (_, i) => `r${i}: ${NGINX} { name }`).join(' ');
    const body = json(await graphql(gateway.url, `{ ${fields} }`, DEMO_TOKEN));
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data ?? {})).toHaveLength(30);
  });

  test('over MAX_TOKENS=2000 tokens', async () => {
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, `query Tokens { ${NGINX} { ${'name '.repeat(2100)} } }`, DEMO_TOKEN),
    );
    const error = onlyError(answer);
    expect(error.message).toContain('Token limit of 2000 exceeded');
    expect(error.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(answer.status).toBe(400);
  });

  test('21 directives, over MAX_DIRECTIVES=20', async () => {
    const answer = await refusedWithoutUpstream(() =>
      graphql(
        gateway.url,
        `query Directives { ${NGINX} { ${'name @include(if: true) '.repeat(21)} } }`,
        DEMO_TOKEN,
      ),
    );
    expect(onlyError(answer).message).toContain('Directives limit of 20 exceeded, found 21');
    expect(onlyError(answer).extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.status).toBe(400);
    expect(json(answer).data ?? null).toBeNull();
  });
});

/** Sends a POST body over node:http, chunked (no Content-Length) when `chunked`. */
function rawPost(
  url: string,
  chunks: Iterable<string>,
  chunked: boolean,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const all = chunked ? null : [...chunks].join('');
  let answered = 0;
  let text = '';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'x-auth-token': DEMO_TOKEN,
          ...(all === null ? { 'transfer-encoding': 'chunked' } : {}),
        },
      },
      (response) => {
        answered = response.statusCode ?? 0;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: answered, text });
        });
      },
    );
    // The server may answer 413 and close before the whole body is written.
    req.on('error', (error) => {
      if (answered === 0) reject(error);
      else resolve({ status: answered, text });
    });
    if (all !== null) {
      req.end(all);
      return;
    }
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

function* threeMegabyteBody(): Generator<string> {
  yield `{"query":${JSON.stringify(NGINX_QUERY)},"variables":{"padding":"`;
  const chunk = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 48; i++) yield chunk;
  yield '"}}';
}

describe('request bodies', () => {
  test('a 3 MB body with Content-Length is refused with 413', async () => {
    const answer = await rawPost(gateway.url, threeMegabyteBody(), false);
    expect(answer.status).toBe(413);
    expect(answer.text).toMatch(/"code":"[A-Z_]*TOO_LARGE"/);
    expect(standIn.attempts).toHaveLength(0);
  });

  test('a small chunked body without Content-Length is served', async () => {
    const query = JSON.stringify({
      query:
        '{ repository(namespace: "library", name: "nginx") { tags(first: 2) { totalCount } } }',
    });
    const answer = await rawPost(gateway.url, [query.slice(0, 20), query.slice(20)], true);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      data: { repository: { tags: { totalCount: 97 } } },
    });
  });

  test('a chunked 3 MB body without Content-Length is refused with 413 too', async () => {
    const answer = await rawPost(gateway.url, threeMegabyteBody(), true);
    expect(standIn.attempts).toHaveLength(0);
    expect(answer.status).toBe(413);
    expect(answer.text).toMatch(/"code":"[A-Z_]*TOO_LARGE"/);
    expect(standIn.attempts).toHaveLength(0);
  });

  test('a body that is not JSON is refused with 400', async () => {
    const answer = await refusedWithoutUpstream(() =>
      post(gateway.url, '{"query": "{ __typename', { 'x-auth-token': DEMO_TOKEN }),
    );
    expect(answer.status).toBe(400);
    expect(onlyError(answer).extensions?.code).toBe('BAD_REQUEST');
  });

  test('an unknown operationName is refused with 400 and a clear error', async () => {
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN, { operationName: 'NoSuchOperation' }),
    );
    expect(answer.status).toBe(400);
    const error = onlyError(answer);
    expect(error.message).toMatch(/operation/i);
    expect(error.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  test('a 500 kB string variable gets a clear BAD_USER_INPUT, no upstream request, no crash', async () => {
    const query = `query Huge($namespace: String!) {
      repository(namespace: $namespace, name: "nginx") { tags(first: 1) { totalCount } }
    }`;
    const answer = await refusedWithoutUpstream(() =>
      graphql(gateway.url, query, DEMO_TOKEN, { variables: { namespace: 'a'.repeat(500_000) } }),
    );
    expect(answer.status).toBe(200);
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.argument).toBe('namespace');
    expect(error.message).toContain('is not a valid SWR organization name');
  });

  test('a 500 kB variable the operation does not declare is ignored', async () => {
    const answer = await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN, {
      variables: { unused: 'b'.repeat(500_000) },
    });
    expectNginxData(answer);
  });
});

describe('production mode (NODE_ENV=production)', () => {
  const MISSPELT = `{ ${NGINX} { nmae } }`;

  test('development shows field suggestions (the contrast)', async () => {
    const error = onlyError(await graphql(gateway.url, MISSPELT, DEMO_TOKEN));
    expect(error.message).toContain('Did you mean');
  });

  test('production hides field suggestions', async () => {
    const answer = await refusedWithoutUpstream(() =>
      graphql(production.url, MISSPELT, DEMO_TOKEN),
    );
    const error = onlyError(answer);
    expect(error.message).toContain('Cannot query field "nmae"');
    expect(error.message).not.toContain('Did you mean');
    expect(error.message).not.toContain('"name"');
  });

  test('a manifest size no BigInt carries exactly is null, with nothing internal leaked', async () => {
    // A manifest whose config size is 1e300: a JSON number no BigInt can represent exactly. The
    // parsed manifest drops it rather than let serialisation fail.
    const [hello] = expectedTags('library', 'hello', 'updated_at', 'desc');
    if (!hello) throw new Error('no library/hello tag in the sandbox');
    const manifest = '{"schemaVersion":2,"config":{"size":1e300,"digest":"sha256:00"}}';
    standIn.script(
      status(200, `[${serializeTag({ ...hello, manifest })}]`, { 'content-range': '0-1/1' }),
    );
    const answer = await graphql(
      production.url,
      `
        {
          repository(namespace: "library", name: "hello") {
            tags(first: 1) {
              nodes {
                name
                manifest {
                  config {
                    size
                  }
                }
              }
            }
          }
        }
      `,
      DEMO_TOKEN,
    );
    expect(standIn.attempts).toHaveLength(1);
    expect(json(answer)).toEqual({
      data: {
        repository: {
          tags: { nodes: [{ name: hello.Tag, manifest: { config: { size: null } } }] },
        },
      },
    });
    expect(answer.text).not.toContain('BigInt cannot represent');
    expect(answer.text).not.toMatch(/TypeError|\s+at |\.ts:\d+|stack/);
  });

  test('coded errors keep their extensions.code', async () => {
    const invalid = onlyError(
      await graphql(
        production.url,
        '{ repository(namespace: "Not Valid", name: "nginx") { tags { totalCount } } }',
        DEMO_TOKEN,
      ),
    );
    expect(invalid.extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.message).toContain('is not a valid SWR organization name');

    const missing = onlyError(
      await graphql(
        production.url,
        '{ repository(namespace: "library", name: "no-such-repo") { tags { totalCount } } }',
        DEMO_TOKEN,
      ),
    );
    expect(missing.extensions?.code).toBe('NOT_FOUND');

    const rejected = onlyError(await graphql(production.url, NGINX_QUERY, 'not-a-known-token'));
    expect(rejected.extensions?.code).toBe('UNAUTHENTICATED');

    const expensive = onlyError(
      await graphql(
        production.url,
        `{ ${NGINX} { tags(first: 100) { nodes { repository { tags(first: 100) { totalCount } } } } } }`,
        DEMO_TOKEN,
      ),
    );
    expect(expensive.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
  });

  test('the production server still serves a normal query', async () => {
    expectNginxData(await graphql(production.url, NGINX_QUERY, DEMO_TOKEN));
  });
});

describe('afterwards', () => {
  test('after all of the above, the same server still serves a normal query', async () => {
    const answer = await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN);
    expectNginxData(answer);
    expect(standIn.attempts).toHaveLength(1);
  });
});

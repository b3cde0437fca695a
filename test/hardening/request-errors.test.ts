/**
 * Every error coded, on the built gateway: a table of bad requests, each sent with both media
 * types a client may accept. Each answer is GraphQL's error shape with `extensions.code`, its
 * HTTP status is the one README.md's error table states for that `Accept` header, and none of
 * them costs an upstream request.
 */
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { buildGateway, startBuiltGateway, type BuiltGateway } from '../support/process';
import type { GraphQLBody } from './support';

const NGINX = 'repository(namespace: "library", name: "nginx")';
const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

interface BadRequest {
  label: string;
  /** POST with this body (JSON-encoded unless a string), or GET with these parameters. */
  post?: unknown;
  get?: Record<string, string>;
  method?: string;
  contentType?: string | null;
  path?: string;
  /** The token sent; the demo token unless null. */
  token?: string | null;
  code: string;
  /** What the message must say, where it is ours. */
  message?: RegExp;
  /** The HTTP status under `application/json`, and under `application/graphql-response+json`. */
  status: [number, number];
}

const deep = (levels: number): string =>
  `query Deep { ${NGINX} { ${'tags(first: 1) { nodes { repository { '.repeat(levels)}name${' } } }'.repeat(levels)} } }`;

const BAD_REQUESTS: BadRequest[] = [
  {
    label: 'a syntax error',
    post: { query: '{ repository(' },
    code: 'GRAPHQL_PARSE_FAILED',
    status: [200, 400],
  },
  {
    label: 'an unknown field',
    post: { query: '{ nope }' },
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: [200, 400],
  },
  {
    label: 'a federation field on /graphql',
    post: { query: '{ _entities(representations: []) { __typename } }' },
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: [200, 400],
  },
  {
    label: 'a wrongly typed literal argument',
    post: { query: `{ ${NGINX} { tags(first: "x") { totalCount } } }` },
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: [200, 400],
  },
  {
    label: 'a subscription, which the schema has not got',
    post: { query: 'subscription { tags }' },
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: [200, 400],
  },
  {
    label: 'a string for an Int variable',
    post: {
      query: `query ($n: Int) { ${NGINX} { tags(first: $n) { totalCount } } }`,
      variables: { n: 'ten' },
    },
    code: 'BAD_USER_INPUT',
    message: /Variable "\$n" got invalid value "ten"/,
    status: [200, 400],
  },
  {
    label: 'a missing required variable',
    post: {
      query: 'query ($name: String!) { repository(namespace: "library", name: $name) { name } }',
    },
    code: 'BAD_USER_INPUT',
    message: /Variable "\$name" of required type "String!" was not provided/,
    status: [200, 400],
  },
  {
    label: 'a null for a non-null variable inside an input',
    post: {
      query: 'mutation ($input: DeleteTagInput!) { deleteTag(input: $input) { deletedTagId } }',
      variables: { input: { namespace: 'library', repository: 'nginx', tag: null } },
    },
    code: 'BAD_USER_INPUT',
    status: [200, 400],
  },
  {
    label: 'first beyond 100',
    post: { query: `{ ${NGINX} { tags(first: 1000) { totalCount } } }` },
    code: 'BAD_USER_INPUT',
    status: [200, 200],
  },
  {
    label: 'an unknown operation name',
    post: { query: 'query A { __typename }', operationName: 'B' },
    code: 'OPERATION_RESOLUTION_FAILURE',
    message: /no operation named "B"/,
    status: [400, 400],
  },
  {
    label: 'two operations and no operation name',
    post: { query: 'query A { __typename } query B { __typename }' },
    code: 'OPERATION_RESOLUTION_FAILURE',
    message: /name one in `operationName`/,
    status: [400, 400],
  },
  { label: 'no query', post: {}, code: 'BAD_REQUEST', status: [200, 400] },
  { label: 'an empty body', post: '', code: 'BAD_REQUEST', status: [400, 400] },
  {
    label: 'a body that is not JSON',
    post: '{"query": "{ __typename',
    code: 'BAD_REQUEST',
    status: [400, 400],
  },
  {
    label: 'a batch (an array)',
    post: [{ query: '{ __typename }' }],
    code: 'BAD_REQUEST',
    status: [400, 400],
  },
  {
    label: 'variables that are not an object',
    post: { query: '{ __typename }', variables: '{}' },
    code: 'BAD_REQUEST',
    status: [400, 400],
  },
  {
    label: 'an unexpected parameter',
    post: { query: '{ __typename }', queryId: 'x' },
    code: 'BAD_REQUEST',
    status: [400, 400],
  },
  {
    label: 'a text/plain body',
    post: JSON.stringify({ query: '{ __typename }' }),
    contentType: 'text/plain',
    code: 'BAD_REQUEST',
    message: /Content-Type: application\/json/,
    status: [415, 415],
  },
  {
    label: 'a body without a content type',
    post: JSON.stringify({ query: '{ __typename }' }),
    contentType: null,
    code: 'BAD_REQUEST',
    status: [415, 415],
  },
  {
    label: 'a multipart body (no uploads)',
    post: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ __typename }"}\r\n--x--\r\n',
    contentType: 'multipart/form-data; boundary=x',
    code: 'BAD_REQUEST',
    status: [415, 415],
  },
  {
    label: 'PUT',
    post: { query: '{ __typename }' },
    method: 'PUT',
    code: 'BAD_REQUEST',
    status: [405, 405],
  },
  { label: 'DELETE', method: 'DELETE', code: 'BAD_REQUEST', status: [405, 405] },
  {
    label: 'a mutation by GET',
    get: {
      query:
        'mutation { deleteTag(input: { namespace: "library", repository: "nginx", tag: "x" }) { deletedTagId } }',
    },
    code: 'BAD_REQUEST',
    status: [405, 405],
  },
  {
    label: 'GET with variables that are not JSON',
    get: { query: '{ __typename }', variables: '{n:' },
    code: 'BAD_REQUEST',
    status: [400, 400],
  },
  { label: 'GET without a query', get: {}, code: 'BAD_REQUEST', status: [200, 400] },
  {
    label: 'no token',
    post: { query: `{ ${NGINX} { tags(first: 1) { totalCount } } }` },
    token: null,
    code: 'UNAUTHENTICATED',
    status: [200, 200],
  },
  {
    label: 'a selection deeper than MAX_DEPTH',
    post: { query: deep(5) },
    code: 'QUERY_TOO_COMPLEX',
    status: [200, 400],
  },
  {
    label: 'a query over MAX_UPSTREAM_REQUESTS',
    post: {
      query: `{ ${NGINX} { ${Array.from({ length: 30 }, (_, i) => `a${i}: tags(first: 100) { totalCount }`).join(' ')} } }`,
    },
    code: 'QUERY_TOO_EXPENSIVE',
    status: [200, 400],
  },
  {
    label: 'a body over MAX_BODY_BYTES',
    post: { query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } },
    code: 'PAYLOAD_TOO_LARGE',
    status: [413, 413],
  },
  {
    label: '/subgraph without the secret',
    path: '/subgraph',
    post: { query: '{ _service { sdl } }' },
    code: 'SUBGRAPH_FORBIDDEN',
    status: [403, 403],
  },
];

let gateway: BuiltGateway;

beforeAll(() => {
  buildGateway();
}, 120_000);

beforeAll(async () => {
  gateway = await startBuiltGateway({ SUBGRAPH_SECRET: 'request-errors-secret-0123' });
});

afterAll(async () => {
  await gateway.close();
});

beforeEach(() => {
  gateway.sandbox.resetRequests();
});

async function send(
  bad: BadRequest,
  accept: string,
): Promise<{ status: number; body: GraphQLBody }> {
  const headers: Record<string, string> = { accept };
  if (bad.token !== null) headers['x-auth-token'] = bad.token ?? DEMO_TOKEN;
  const target = new URL(bad.path ?? '/graphql', gateway.base);
  let body: string | undefined;
  if (bad.get) {
    for (const [name, value] of Object.entries(bad.get)) target.searchParams.set(name, value);
  } else if (bad.post !== undefined) {
    body = typeof bad.post === 'string' ? bad.post : JSON.stringify(bad.post);
    if (bad.contentType !== null) headers['content-type'] = bad.contentType ?? 'application/json';
  }
  const response = await fetch(target, {
    method: bad.method ?? (bad.get ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body: bad.contentType === null ? Buffer.from(body) : body }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLBody };
}

test('the table holds at least 12 bad requests', () => {
  expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(12);
});

describe.each([JSON_TYPE, GRAPHQL_RESPONSE])('Accept: %s', (accept) => {
  test.each(BAD_REQUESTS)('$label: $code, no upstream request', async (bad) => {
    const { status, body } = await send(bad, accept);
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) {
      expect(typeof error.message).toBe('string');
      expect(error.extensions?.code).toBe(bad.code);
      if (bad.message) expect(error.message).toMatch(bad.message);
    }
    expect(status).toBe(bad.status[accept === JSON_TYPE ? 0 : 1]);
    expect(JSON.stringify(body)).not.toContain('    at ');
    expect(gateway.upstreamCount()).toBe(0);
  });
});

test('after all of them the gateway still serves', async () => {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN },
    body: JSON.stringify({ query: `{ ${NGINX} { tags(first: 1) { totalCount } } }` }),
  });
  expect(await response.json()).toEqual({ data: { repository: { tags: { totalCount: 97 } } } });
});

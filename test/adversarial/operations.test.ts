/**
 * One document, several operations: the operation a request names is the one that is judged
 * (cost limit, GET rule, access log) and the one that runs, whatever ran the same document
 * before it.
 */
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { expectedTags } from '../support/sandbox-data';
import {
  get,
  graphql,
  json,
  memoryLogger,
  onlyError,
  startGateway,
  startStandIn,
  type Gateway,
  type MemoryLog,
  type StandIn,
} from '../hardening/support';

const TWO_QUERIES = `query A { __typename }
query B($n: Int!) { namespaces { repositories(first: $n) { nodes { tags(first: $n) { nodes { name } } } } } }`;

const READ_AND_DELETE = `query Read { __typename }
mutation Del($t: String!) {
  deleteTag(input: { namespace: "library", repository: "nginx", tag: $t }) { deletedTagId }
}`;

let standIn: StandIn;
let gateway: Gateway;
let log: MemoryLog;

beforeAll(async () => {
  standIn = await startStandIn();
  log = memoryLogger();
  gateway = await startGateway(
    { SWR_ENDPOINT: standIn.url, MAX_UPSTREAM_REQUESTS: '50', LOG_LEVEL: 'info' },
    log.logger,
  );
});

afterAll(async () => {
  await gateway.app.close();
  await standIn.close();
});

beforeEach(() => {
  standIn.reset();
});

/** The access log's line of the last request. */
function lastRequestLine(): Record<string, unknown> {
  const lines = log.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request');
  return lines[lines.length - 1] ?? {};
}

test('the operation named runs, not the one a former request compiled for the same document', async () => {
  const refused = await graphql(gateway.url, TWO_QUERIES, DEMO_TOKEN, {
    operationName: 'B',
    variables: { n: 100 },
  });
  expect(onlyError(refused).extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
  expect(standIn.attempts).toHaveLength(0);

  const small = await graphql(gateway.url, TWO_QUERIES, DEMO_TOKEN, {
    operationName: 'B',
    variables: { n: 1 },
  });
  expect(json(small).errors).toBeUndefined();
  expect(standIn.attempts.length).toBeGreaterThan(0);

  standIn.reset();
  const other = await graphql(gateway.url, TWO_QUERIES, DEMO_TOKEN, {
    operationName: 'A',
    variables: { n: 100 },
  });
  expect(json(other)).toEqual({ data: { __typename: 'Query' } });
  expect(standIn.attempts).toHaveLength(0);
  expect(lastRequestLine()).toMatchObject({ operationName: 'A', upstreamCalls: 0 });
});

test('no operation name turns a GET into a mutation, whichever ran the document before', async () => {
  const [doomed, kept] = expectedTags('library', 'nginx', 'tag', 'asc').map((tag) => tag.Tag);
  const first = await graphql(gateway.url, READ_AND_DELETE, DEMO_TOKEN, {
    operationName: 'Del',
    variables: { t: doomed },
  });
  expect(json(first).errors).toBeUndefined();
  expect(standIn.attempts.filter((attempt) => attempt.method === 'DELETE')).toHaveLength(1);
  standIn.reset();

  const url = new URL(gateway.url);
  url.searchParams.set('query', READ_AND_DELETE);
  url.searchParams.set('operationName', 'Read');
  url.searchParams.set('variables', JSON.stringify({ t: kept }));
  const read = await get(url.href, { 'x-auth-token': DEMO_TOKEN });
  expect(json(read)).toEqual({ data: { __typename: 'Query' } });
  expect(standIn.attempts.filter((attempt) => attempt.method === 'DELETE')).toHaveLength(0);

  url.searchParams.set('operationName', 'Del');
  const deletion = await get(url.href, { 'x-auth-token': DEMO_TOKEN });
  expect(deletion.status).toBe(405);
  expect(json(deletion).data ?? null).toBeNull();
  expect(standIn.attempts).toHaveLength(0);
});

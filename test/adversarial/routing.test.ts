/**
 * One routing decision per listener: the subgraph's secret is not skipped by another spelling
 * of its path, nothing but the exact paths reaches yoga, and a request target (or Host) that
 * makes no URL is a 400, never a 500 with a stack in the log.
 */
import type { AddressInfo } from 'node:net';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { rawRequest, type RawAnswer } from '../support/raw-http';
import {
  memoryLogger,
  startGateway,
  startStandIn,
  type Gateway,
  type MemoryLog,
  type StandIn,
} from '../hardening/support';

const SECRET = 'routers-secret-0123456789';
const SERVICE = JSON.stringify({ query: '{ _service { sdl } }' });
const ENTITIES = JSON.stringify({
  query: 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
  variables: { r: [{ __typename: 'Organization', name: 'library' }] },
});

/** Spellings of `/subgraph` that a path-matching router might take for it. */
const SPELLINGS = [
  '/subgraph/',
  '//subgraph',
  '/x?y=/subgraph',
  '/subgraph/.',
  '/graphql/../subgraph',
  '/./subgraph',
  '/%73ubgraph',
  '/SUBGRAPH',
  '/subgraph;x',
  '/subgraph#x',
  '/x/subgraph',
  '\\subgraph',
  'http://127.0.0.1/subgraph',
  '*',
];

let standIn: StandIn;
let gateway: Gateway;
let log: MemoryLog;
let apiPort: number;
let subgraphPort: number;

beforeAll(async () => {
  standIn = await startStandIn();
  log = memoryLogger();
  gateway = await startGateway(
    {
      SWR_ENDPOINT: standIn.url,
      SUBGRAPH_PORT: '0',
      SUBGRAPH_SECRET: SECRET,
      LOG_LEVEL: 'info',
    },
    log.logger,
  );
  apiPort = (gateway.app.server.address() as AddressInfo).port;
  subgraphPort = (gateway.app.subgraphServer?.address() as AddressInfo).port;
});

afterAll(async () => {
  await gateway.app.close();
  await standIn.close();
});

beforeEach(() => {
  standIn.reset();
});

function expectNoData(answer: RawAnswer): void {
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.body).not.toMatch(/"data"\s*:\s*\{/);
}

const post = (port: number, target: string, body: string, headers: Record<string, string> = {}) =>
  rawRequest({
    port,
    method: 'POST',
    target,
    body,
    headers: { 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN, ...headers },
  });

test('the subgraph port answers its exact path with the secret, and only with it', async () => {
  const served = await post(subgraphPort, '/subgraph', SERVICE, { 'x-subgraph-secret': SECRET });
  expect(served.status).toBe(200);
  expect(served.body).toContain('_service');
  expect((await post(subgraphPort, '/subgraph', SERVICE)).status).toBe(403);
});

test.each(SPELLINGS)('no secret, %s on the subgraph port: refused, no data', async (target) => {
  for (const body of [SERVICE, ENTITIES]) {
    const answer = await post(subgraphPort, target, body);
    expectNoData(answer);
  }
  expect(standIn.attempts).toHaveLength(0);
});

test.each(['/subgraph', ...SPELLINGS])(
  '%s on the public port, where /subgraph is not served: refused, no data',
  async (target) => {
    for (const body of [SERVICE, ENTITIES]) {
      expectNoData(await post(apiPort, target, body, { 'x-subgraph-secret': SECRET }));
    }
    expect(standIn.attempts).toHaveLength(0);
  },
);

test.each<{ label: string; target: string; headers: Record<string, string> }>([
  { label: 'an absolute target with a broken host', target: 'http://[zz/graphql', headers: {} },
  { label: 'a Host with a space', target: '/graphql', headers: { host: 'a b' } },
  { label: 'a Host with a path', target: '/graphql', headers: { host: 'gateway/evil' } },
  { label: 'dot segments', target: '/x/../graphql', headers: {} },
])('$label is a 400 with a code, chunked or not, and no error is logged', async (attack) => {
  for (const chunked of [false, true]) {
    const answer = await rawRequest({
      port: apiPort,
      method: 'POST',
      target: attack.target,
      chunked,
      body: '{"query":"{ __typename }"}',
      headers: { 'content-type': 'application/json', ...attack.headers },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('BAD_REQUEST');
  }
  const errors = log.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
  expect(errors).toEqual([]);
});

test('the public port still serves its exact path after all of it', async () => {
  const answer = await post(apiPort, '/graphql', '{"query":"{ __typename }"}');
  expect(answer.status).toBe(200);
  expect(answer.body).toContain('"__typename":"Query"');
});

test('/metrics is not on the public port, in any spelling; it is on METRICS_PORT alone', async () => {
  for (const target of ['/metrics', '/metrics/', '//metrics', '/x/../metrics']) {
    const answer = await rawRequest({ port: apiPort, method: 'GET', target });
    expect([400, 404]).toContain(answer.status);
    expect(answer.body).not.toContain('swr_upstream');
  }
  const metrics = await fetch(gateway.metricsUrl);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('gateway_http_request_duration_seconds');
});

test('with introspection off, no field suggestion tells the schema', async () => {
  const closed = await startGateway({ SWR_ENDPOINT: standIn.url, INTROSPECTION: 'false' });
  try {
    const answer = await fetch(closed.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ namespace { name } }' }),
    });
    const text = await answer.text();
    expect(text).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(text).not.toMatch(/Did you mean/i);
  } finally {
    await closed.app.close();
  }
});

/**
 * Hardening: what operators see. `/metrics` counts upstream requests exactly; request ids
 * travel from the caller to the upstream and back; the access log has what an operator needs
 * and no token, whatever the caller sent and however the upstream failed.
 */
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  FAIL_500,
  HANG,
  MALFORMED_200,
  NGINX_QUERY,
  THROTTLED_403,
  expectNginxData,
  get,
  graphql,
  json,
  memoryLogger,
  onlyError,
  post,
  sample,
  startGateway,
  startStandIn,
  type Answer,
  type Gateway,
  type MemoryLog,
  type StandIn,
} from './support';

let standIn: StandIn;
let gateway: Gateway;
let log: MemoryLog;

beforeAll(async () => {
  standIn = await startStandIn();
  log = memoryLogger();
  gateway = await startGateway(
    {
      SWR_ENDPOINT: standIn.url,
      SWR_TIMEOUT_MS: '300',
      SWR_MAX_RETRIES: '1',
      SWR_CIRCUIT_THRESHOLD: '1000',
      LOG_LEVEL: 'trace',
    },
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

async function metrics(): Promise<string> {
  const answer = await get(gateway.metricsUrl);
  expect(answer.status).toBe(200);
  return answer.text;
}

const OK = { operation: 'listTags', outcome: 'ok', status: '200' };

/** The access-log entries (msg "request") as objects. */
function accessLog(): Record<string, unknown>[] {
  return log.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === 'request');
}

describe('/metrics', () => {
  test('swr_upstream_requests_total{outcome="ok",status="200"} grows by exactly the upstream requests made', async () => {
    const before = await metrics();
    for (let i = 0; i < 3; i++)
      expectNginxData(await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN));
    // Two different lists: two upstream requests in one GraphQL request.
    const two = json(
      await graphql(
        gateway.url,
        `
          {
            repository(namespace: "library", name: "nginx") {
              a: tags(first: 2) {
                totalCount
              }
              b: tags(first: 2, orderBy: { field: UPDATED_AT, direction: ASC }) {
                totalCount
              }
            }
          }
        `,
        DEMO_TOKEN,
      ),
    );
    expect(two.errors).toBeUndefined();
    const after = await metrics();

    expect(standIn.attempts).toHaveLength(5);
    const name = 'swr_upstream_requests_total';
    expect(sample(after, name, OK) - sample(before, name, OK)).toBe(5);
    const histogram = 'swr_upstream_request_duration_seconds_count';
    const okDuration = { operation: 'listTags', outcome: 'ok' };
    expect(sample(after, histogram, okDuration) - sample(before, histogram, okDuration)).toBe(5);
    const http = 'gateway_http_request_duration_seconds_count';
    const graphql200 = { route: 'graphql', status: '200' };
    expect(sample(after, http, graphql200) - sample(before, http, graphql200)).toBe(4);
  });

  test('failed attempts are counted by outcome and status, retries included', async () => {
    const before = await metrics();
    standIn.script(FAIL_500);
    expectNginxData(await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN));
    standIn.script(MALFORMED_200);
    expect(onlyError(await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN)).extensions?.code).toBe(
      'UPSTREAM_ERROR',
    );
    const after = await metrics();
    const name = 'swr_upstream_requests_total';
    const delta = (labels: Record<string, string>): number =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(standIn.attempts).toHaveLength(3);
    expect(delta({ operation: 'listTags', outcome: 'status', status: '500' })).toBe(1);
    expect(delta({ operation: 'listTags', outcome: 'malformed', status: '200' })).toBe(1);
    expect(delta(OK)).toBe(1);
  });

  test('the circuit gauge exists and reads 0 while the circuit is closed', async () => {
    const text = await metrics();
    expect(text).toContain('# TYPE swr_upstream_circuit_open gauge');
    expect(sample(text, 'swr_upstream_circuit_open')).toBe(0);
  });

  test('BUG: paths a caller chooses do not become metric labels (bounded cardinality)', async () => {
    for (let i = 0; i < 20; i++) {
      const answer = await get(`${gateway.base}/probe-${i}-secret-token-in-path`);
      expect(answer.status).toBe(404);
    }
    const routes = new Set(
      [
        ...(await metrics()).matchAll(
          /^gateway_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm,
        ),
      ].map((match) => match[1]),
    );
    // metrics.ts promises "Labels stay few and bounded: no ... names ... which callers choose".
    expect([...routes].filter((route) => route?.includes('probe-'))).toEqual([]);
  });
});

describe('request ids', () => {
  test("a caller's X-Request-Id is echoed and reaches the upstream", async () => {
    const id = 'hardening-trace-0001';
    const answer = await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN, {}, { 'x-request-id': id });
    expectNginxData(answer);
    expect(answer.headers.get('x-request-id')).toBe(id);
    expect(standIn.attempts).toHaveLength(1);
    expect(standIn.attempts[0]?.headers['x-request-id']).toBe(id);
    expect(accessLog().some((entry) => entry.requestId === id)).toBe(true);
  });

  test('every retry carries the same request id', async () => {
    const id = 'hardening-trace-retry';
    standIn.script(FAIL_500);
    expectNginxData(
      await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN, {}, { 'x-request-id': id }),
    );
    expect(standIn.attempts.map((attempt) => attempt.headers['x-request-id'])).toEqual([id, id]);
  });

  test.each([
    ['with spaces', 'not a plain id'],
    ['too long', 'x'.repeat(129)],
    ['with a newline-like escape', 'abc%0d%0aSet-Cookie:x'],
  ])('an id %s is replaced by a generated one, the same upstream and back', async (_name, id) => {
    const answer = await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN, {}, { 'x-request-id': id });
    expectNginxData(answer);
    const echoed = answer.headers.get('x-request-id');
    expect(echoed).not.toBe(id);
    expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(standIn.attempts[0]?.headers['x-request-id']).toBe(echoed);
  });

  test('without a caller id, each request gets its own', async () => {
    const a = await graphql(gateway.url, '{ __typename }', null);
    const b = await graphql(gateway.url, '{ __typename }', null);
    expect(a.headers.get('x-request-id')).toBeTruthy();
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('the access log', () => {
  const TOKENS = [
    DEMO_TOKEN,
    'secret-token-XYZ',
    'bearer-secret-4711',
    'upstream-failure-token-Q9',
    'hung-upstream-token-K2',
    'throttled-token-T7',
  ];

  test('a mix of requests with distinctive tokens, valid, unknown, Bearer, failing upstream', async () => {
    const named = (name: string, token: string): Promise<Answer> =>
      graphql(
        gateway.url,
        `query ${name} { repository(namespace: "library", name: "nginx") { tags(first: 1) { totalCount } } }`,
        token,
        { operationName: name },
      );
    const bearer = (name: string, token: string): Promise<Answer> =>
      post(
        gateway.url,
        {
          query: `query ${name} { repository(namespace: "library", name: "nginx") { tags(first: 1) { totalCount } } }`,
          operationName: name,
        },
        { authorization: `Bearer ${token}` },
      );
    const code = async (answer: Promise<Answer>): Promise<unknown> =>
      onlyError(await answer).extensions?.code;

    // The valid demo token, as X-Auth-Token and as Bearer.
    expect(json(await named('Valid', DEMO_TOKEN)).errors).toBeUndefined();
    expect(json(await bearer('BearerValid', DEMO_TOKEN)).errors).toBeUndefined();
    // Unknown tokens: the sandbox answers 401.
    expect(await code(named('Unknown', 'secret-token-XYZ'))).toBe('UNAUTHENTICATED');
    expect(await code(bearer('BearerUnknown', 'bearer-secret-4711'))).toBe('UNAUTHENTICATED');
    // Upstream failures: 500 twice (retried once), a hang, throttling.
    standIn.script(FAIL_500, FAIL_500);
    expect(await code(named('Failing', 'upstream-failure-token-Q9'))).toBe('UPSTREAM_ERROR');
    standIn.script(HANG);
    expect(await code(named('Hung', 'hung-upstream-token-K2'))).toBe('UPSTREAM_TIMEOUT');
    standIn.script(THROTTLED_403, THROTTLED_403);
    expect(await code(named('Throttled', 'throttled-token-T7'))).toBe('RATE_LIMITED');
    // A token in a variable of an invalid query, and a body that is not JSON.
    await post(gateway.url, `{"query":"{ nope }","variables":{"t":"secret-token-XYZ"}}`, {
      'x-auth-token': 'secret-token-XYZ',
    });
    await post(gateway.url, '{"query": "{', { 'x-auth-token': 'secret-token-XYZ' });
    // The tokens did reach the upstream: the stand-in saw them.
    const seen = standIn.attempts.map((attempt) => attempt.headers['x-auth-token']);
    expect(seen).toEqual(
      expect.arrayContaining([
        DEMO_TOKEN,
        'secret-token-XYZ',
        'bearer-secret-4711',
        'upstream-failure-token-Q9',
        'hung-upstream-token-K2',
        'throttled-token-T7',
      ]),
    );
  });

  test('access-log lines carry requestId, operationName, durationMs and upstreamCalls', () => {
    const entries = accessLog();
    const failing = entries.find((entry) => entry.operationName === 'Failing');
    expect(failing).toMatchObject({
      operationName: 'Failing',
      route: 'graphql',
      method: 'POST',
      status: 200,
      upstreamCalls: 2,
    });
    expect(typeof failing?.requestId).toBe('string');
    expect(typeof failing?.durationMs).toBe('number');
    const valid = entries.find((entry) => entry.operationName === 'Valid');
    expect(valid).toMatchObject({ upstreamCalls: 1, status: 200 });
    for (const entry of entries) {
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining(['requestId', 'operationName', 'durationMs', 'upstreamCalls']),
      );
    }
  });

  test('BUG: the access log names the operation a single-operation document ran without operationName', async () => {
    const answer = await graphql(
      gateway.url,
      'query LoggedByName { __typename }',
      null,
      {},
      {
        'x-request-id': 'hardening-opname',
      },
    );
    expect(json(answer).data).toEqual({ __typename: 'Query' });
    const entry = accessLog().find((line) => line.requestId === 'hardening-opname');
    expect(entry).toBeDefined();
    // graphql-js runs "LoggedByName"; the log only copies the request's operationName param.
    expect(entry?.operationName).toBe('LoggedByName');
  });

  test('no log line of the whole run contains a token', () => {
    expect(log.lines.length).toBeGreaterThan(10);
    const leaks = log.lines.filter((line) => TOKENS.some((token) => line.includes(token)));
    expect(leaks).toEqual([]);
  });
});

describe('afterwards', () => {
  test('the same server still serves a normal query', async () => {
    expectNginxData(await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN));
  });
});

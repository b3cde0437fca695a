/**
 * A caller that leaves ends its work: no upstream request starts after it has gone, the ones in
 * flight are aborted, and the request is logged and counted with status 499.
 */
import { request as httpRequest } from 'node:http';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  NGINX_QUERY,
  expectNginxData,
  get,
  graphql,
  memoryLogger,
  sample,
  startGateway,
  startStandIn,
  type Gateway,
  type MemoryLog,
  type StandIn,
} from '../hardening/support';

/** Three levels of upstream requests: organizations, their repositories, their tags. */
const NESTED = JSON.stringify({
  query:
    '{ namespaces { repositories(first: 5) { nodes { tags(first: 5) { nodes { name } } } } } }',
});
const CALLERS = 5;

let standIn: StandIn;
let gateway: Gateway;
let log: MemoryLog;

beforeAll(async () => {
  standIn = await startStandIn();
  log = memoryLogger();
  // One upstream request at a time per GraphQL request: the others wait their turn.
  gateway = await startGateway(
    { SWR_ENDPOINT: standIn.url, LOG_LEVEL: 'info', UPSTREAM_CONCURRENCY: '1' },
    log.logger,
  );
});

afterAll(async () => {
  await gateway.app.close();
  await standIn.close();
});

/** Sends `body` and closes the connection once SWR has been asked for it. */
function leaveWhileUpstreamAnswers(asked: Promise<unknown>, body = NESTED): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(gateway.url);
    const caller = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN },
    });
    caller.on('error', () => {
      resolve();
    });
    caller.end(body);
    void asked.then(() => {
      caller.destroy();
    });
  });
}

/** The access log's lines with status 499. */
function goneLines(): Record<string, unknown>[] {
  return log.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request' && line.status === 499);
}

/** Resolves once SWR has received `count` requests. */
async function upstreamReceived(count: number): Promise<void> {
  while (standIn.attempts.length < count) await new Promise((resolve) => setImmediate(resolve));
}

test('five callers that leave while SWR answers slowly: no SWR request after they left', async () => {
  standIn.otherwise({ kind: 'hang' });
  const asked = upstreamReceived(CALLERS);
  await Promise.all(Array.from({ length: CALLERS }, () => leaveWhileUpstreamAnswers(asked)));
  // Every request in flight upstream is aborted: its connection closes unanswered.
  const answered = await Promise.all(standIn.attempts.map((attempt) => attempt.closed));
  expect(answered).toEqual(Array.from({ length: CALLERS }, () => false));
  while (goneLines().length < CALLERS) await new Promise((resolve) => setImmediate(resolve));
  expect(goneLines()).toHaveLength(CALLERS);
  expect(goneLines()[0]).toMatchObject({ route: 'graphql', upstreamCalls: 1 });

  // The upstream answers again; the gateway serves, and nothing was asked for the callers gone.
  standIn.reset();
  expectNginxData(await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN));
  expect(standIn.attempts).toHaveLength(1);
  const metrics = (await get(gateway.metricsUrl)).text;
  expect(
    sample(metrics, 'gateway_http_request_duration_seconds_count', {
      route: 'graphql',
      status: '499',
    }),
  ).toBe(CALLERS);
  expect(sample(metrics, 'swr_upstream_circuit_open')).toBe(0);
  // A caller's leaving is nobody's error.
  const levels = log.lines.map((line) => (JSON.parse(line) as { level: number }).level);
  expect(levels.filter((level) => level >= 50)).toEqual([]);
});

test('requests waiting their turn never start once the caller has gone', async () => {
  standIn.reset();
  standIn.script({ kind: 'hang' });
  const before = goneLines().length;
  const twoRepositories = JSON.stringify({
    query: `{
      a: repository(namespace: "library", name: "nginx") { tags(first: 2) { nodes { name } } }
      b: repository(namespace: "library", name: "busybox") { tags(first: 2) { nodes { name } } }
    }`,
  });
  await leaveWhileUpstreamAnswers(upstreamReceived(1), twoRepositories);
  expect(await standIn.attempts[0]?.closed).toBe(false);
  while (goneLines().length === before) await new Promise((resolve) => setImmediate(resolve));
  // A whole round trip through the gateway and SWR after the abort: a request that was waiting
  // for the first one's turn would have started by then.
  expectNginxData(await graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN));
  expect(standIn.attempts).toHaveLength(2);
  expect(standIn.attempts[1]?.url).toContain('/nginx/tags');
});

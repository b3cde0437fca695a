/**
 * Hardening: an upstream that fails. Transient failures are retried and served; throttling
 * honours `Retry-After`; what cannot be cured by a retry is not retried; retries are bounded;
 * a persistent outage opens the circuit, which fails fast (`/ready` stays 200, `/health` and the
 * metrics say it is open) and closes again once a trial succeeds; the request deadline bounds an upstream that fails slowly.
 *
 * The stand-in upstream (./support.ts) counts every attempt and answers as each test scripts.
 */
import { expectedTags } from '../support/sandbox-data';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  FAIL_500,
  FAIL_503,
  HANG,
  MALFORMED_200,
  NGINX_QUERY,
  PROXY,
  RESET,
  THROTTLED_403,
  THROTTLED_429,
  UNAUTHORIZED_401,
  expectNginxData,
  get,
  graphql,
  json,
  onlyError,
  sample,
  sleep,
  startGateway,
  startStandIn,
  status,
  truncatedTo,
  type Answer,
  type Gateway,
  type StandIn,
} from './support';

const TIMEOUT_MS = 300;
const OPEN_MS = 500;

let standIn: StandIn;
/** Retries 2, a circuit that never opens here (threshold 1000). */
let retrying: Gateway;
/** Retries 2, the circuit opens after 5 consecutive faults, for 500 ms. */
let circuit: Gateway;
/** Retries 2, a request deadline of 800 ms. */
let deadline: Gateway;
/**
 * A deadline (1500 ms) more than three timeouts (300 ms) long, so that only the deadline's
 * signal can end a body that trickles; upstream bodies of at most 100 kB.
 */
let bounded: Gateway;

beforeAll(async () => {
  standIn = await startStandIn();
  const common = {
    SWR_ENDPOINT: standIn.url,
    SWR_TIMEOUT_MS: String(TIMEOUT_MS),
    SWR_MAX_RETRIES: '2',
    SWR_CIRCUIT_OPEN_MS: String(OPEN_MS),
  };
  retrying = await startGateway({
    ...common,
    SWR_CIRCUIT_THRESHOLD: '1000',
    REQUEST_DEADLINE_MS: '10000',
  });
  circuit = await startGateway({
    ...common,
    SWR_CIRCUIT_THRESHOLD: '5',
    REQUEST_DEADLINE_MS: '10000',
  });
  deadline = await startGateway({
    ...common,
    SWR_CIRCUIT_THRESHOLD: '1000',
    REQUEST_DEADLINE_MS: '800',
  });
  bounded = await startGateway({
    ...common,
    SWR_CIRCUIT_THRESHOLD: '1000',
    REQUEST_DEADLINE_MS: '1500',
    SWR_MAX_BODY_BYTES: '100000',
  });
});

afterAll(async () => {
  await retrying.app.close();
  await circuit.app.close();
  await deadline.app.close();
  await bounded.app.close();
  await standIn.close();
});

beforeEach(() => {
  standIn.reset();
});

function nginx(gateway: Gateway): Promise<Answer> {
  return graphql(gateway.url, NGINX_QUERY, DEMO_TOKEN);
}

/** The gap between two attempts the stand-in saw, in ms. */
function gap(first: number, second: number): number {
  const a = standIn.attempts[first];
  const b = standIn.attempts[second];
  if (!a || !b) throw new Error(`no attempts ${first} and ${second}`);
  return b.at - a.at;
}

describe('a single transient failure is retried and served', () => {
  test.each([
    ['500', FAIL_500],
    ['503', FAIL_503],
    ['connection reset', RESET],
  ])('%s, then success: data, and exactly 2 attempts', async (_name, failure) => {
    standIn.script(failure);
    const answer = await nginx(retrying);
    expectNginxData(answer);
    expect(standIn.attempts).toHaveLength(2);
  });
});

describe('throttling', () => {
  test('429 with Retry-After: 1, then success: the retry waits about a second', async () => {
    standIn.script(THROTTLED_429);
    const answer = await nginx(retrying);
    expectNginxData(answer);
    expect(standIn.attempts).toHaveLength(2);
    expect(gap(0, 1)).toBeGreaterThanOrEqual(950);
    expect(gap(0, 1)).toBeLessThan(2_000);
  });

  test('a 429 that persists: RATE_LIMITED with retryAfterSeconds, after at most 3 attempts', async () => {
    standIn.otherwise(THROTTLED_429);
    const answer = await nginx(retrying);
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('RATE_LIMITED');
    expect(error.extensions?.retryAfterSeconds).toBe(1);
    expect(standIn.attempts).toHaveLength(3);
    expect(gap(1, 2)).toBeGreaterThanOrEqual(950);
  });

  test('SWR throttling (403 SVCSTG.SWR.4031032) that persists: RATE_LIMITED after 3 attempts', async () => {
    standIn.otherwise(THROTTLED_403);
    const error = onlyError(await nginx(retrying));
    expect(error.extensions?.code).toBe('RATE_LIMITED');
    expect(error.extensions?.upstream).toMatchObject({
      status: 403,
      errorCode: 'SVCSTG.SWR.4031032',
    });
    expect(standIn.attempts).toHaveLength(3);
  });

  test('SWR throttling once, then success: served after 2 attempts', async () => {
    standIn.script(THROTTLED_403);
    expectNginxData(await nginx(retrying));
    expect(standIn.attempts).toHaveLength(2);
  });
});

describe('failures a retry cannot cure are not retried', () => {
  test('a hung upstream: UPSTREAM_TIMEOUT after about SWR_TIMEOUT_MS, one attempt', async () => {
    standIn.otherwise(HANG);
    const answer = await nginx(retrying);
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    // Ended by the upstream timeout, not by the request's 10 s deadline (which a busy machine
    // could never stretch a 300 ms timeout to), and never retried.
    expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(answer.ms).toBeLessThan(10_000);
    expect(standIn.attempts).toHaveLength(1);
  });

  test('malformed JSON with 200: UPSTREAM_ERROR, one attempt', async () => {
    standIn.otherwise(MALFORMED_200);
    const error = onlyError(await nginx(retrying));
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain('SWR failed to answer');
    expect(standIn.attempts).toHaveLength(1);
  });

  test('401: UNAUTHENTICATED, exactly one attempt', async () => {
    standIn.otherwise(UNAUTHORIZED_401);
    const error = onlyError(await nginx(retrying));
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.extensions?.upstream).toMatchObject({ status: 401 });
    expect(standIn.attempts).toHaveLength(1);
  });

  test('403 that is not throttling: FORBIDDEN, exactly one attempt', async () => {
    standIn.otherwise(
      status(403, '{"error_code":"SVCSTG.SWR.4030170","error_msg":"Insufficient permissions"}'),
    );
    const error = onlyError(await nginx(retrying));
    expect(error.extensions?.code).toBe('FORBIDDEN');
    expect(standIn.attempts).toHaveLength(1);
  });
});

describe('retries are bounded', () => {
  test('a persistent 500: UPSTREAM_ERROR after 1 + SWR_MAX_RETRIES = 3 attempts', async () => {
    standIn.otherwise(FAIL_500);
    const error = onlyError(await nginx(retrying));
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions?.upstream).toMatchObject({ status: 500 });
    await sleep(300);
    expect(standIn.attempts).toHaveLength(3);
  });

  test('persistent connection resets: UPSTREAM_UNAVAILABLE after 3 attempts', async () => {
    standIn.otherwise(RESET);
    const error = onlyError(await nginx(retrying));
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    await sleep(300);
    expect(standIn.attempts).toHaveLength(3);
  });

  test('the same server serves a normal query afterwards', async () => {
    expectNginxData(await nginx(retrying));
    expect(standIn.attempts).toHaveLength(1);
  });
});

describe('a persistent outage opens the circuit (threshold 5, open 500 ms)', () => {
  // The steps build on each other, in order, on the `circuit` gateway.
  async function circuitGauge(): Promise<number> {
    return sample((await get(circuit.metricsUrl)).text, 'swr_upstream_circuit_open');
  }

  test('healthy at first: /ready 200, the circuit gauge 0', async () => {
    expectNginxData(await nginx(circuit));
    expect((await get(`${circuit.base}/ready`)).status).toBe(200);
    expect(await circuitGauge()).toBe(0);
  });

  test('1st failing request: 3 attempts (1 + SWR_MAX_RETRIES), UPSTREAM_ERROR, still closed', async () => {
    standIn.otherwise(FAIL_503);
    const error = onlyError(await nginx(circuit));
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(standIn.attempts).toHaveLength(3);
    expect((await get(`${circuit.base}/ready`)).status).toBe(200);
  });

  test('2nd failing request: the 5th consecutive fault opens the circuit, no retry after it', async () => {
    standIn.otherwise(FAIL_503);
    const error = onlyError(await nginx(circuit));
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(standIn.attempts).toHaveLength(2);
  });

  test('while open: fail fast with UPSTREAM_UNAVAILABLE and no attempt; still ready; gauge 1', async () => {
    const answer = await nginx(circuit);
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(answer.ms).toBeLessThan(TIMEOUT_MS / 2);
    expect(standIn.attempts).toHaveLength(0);
    // The replica can still serve (UPSTREAM_UNAVAILABLE): every replica leaving the balancer at
    // once would turn that answer into refused connections. /health says how SWR is.
    expect((await get(`${circuit.base}/ready`)).status).toBe(200);
    const health = await get(`${circuit.base}/health`);
    expect(JSON.parse(health.text)).toEqual({ status: 'ok', upstream: { circuit: 'open' } });
    expect(await circuitGauge()).toBe(1);
  });

  test('after SWR_CIRCUIT_OPEN_MS one trial goes through; when it fails the circuit reopens at once', async () => {
    await sleep(OPEN_MS + 100);
    expect((await get(`${circuit.base}/ready`)).status).toBe(200);
    standIn.otherwise(FAIL_503);
    const trial = onlyError(await nginx(circuit));
    expect(trial.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(standIn.attempts).toHaveLength(1);
    const next = await nginx(circuit);
    expect(onlyError(next).extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(standIn.attempts).toHaveLength(1);
    expect(await circuitGauge()).toBe(1);
  });

  test('after SWR_CIRCUIT_OPEN_MS, with the upstream healthy again, the trial closes the circuit', async () => {
    await sleep(OPEN_MS + 100);
    standIn.otherwise(PROXY);
    expectNginxData(await nginx(circuit));
    expect(standIn.attempts).toHaveLength(1);
    expect((await get(`${circuit.base}/ready`)).status).toBe(200);
    expect(await circuitGauge()).toBe(0);
    expectNginxData(await nginx(circuit));
    expectNginxData(await nginx(circuit));
    expect(standIn.attempts).toHaveLength(3);
  });

  test('throttling does not count as an outage: a persistent 403 throttle leaves it closed', async () => {
    standIn.otherwise(THROTTLED_403);
    for (let i = 0; i < 3; i++) {
      expect(onlyError(await nginx(circuit)).extensions?.code).toBe('RATE_LIMITED');
    }
    expect(standIn.attempts).toHaveLength(9);
    expect((await get(`${circuit.base}/ready`)).status).toBe(200);
    standIn.otherwise(PROXY);
    expectNginxData(await nginx(circuit));
  });
});

describe('REQUEST_DEADLINE_MS bounds a request whose upstream keeps failing slowly', () => {
  // Deadline 800 ms, timeout 300 ms, retries 2.
  test('slow 503, slow 503, then a body that trickles forever: UPSTREAM_TIMEOUT within ~1 s', async () => {
    standIn.script(status(503, '', {}, 150), status(503, '', {}, 150), {
      kind: 'trickle',
      everyMs: 100,
    });
    const answer = await nginx(deadline);
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(standIn.attempts).toHaveLength(3);
    expect(answer.ms).toBeGreaterThanOrEqual(700);
    expect(answer.ms).toBeLessThan(1_300);
  });

  test('a body that trickles forever (never 300 ms of silence) ends at the deadline', async () => {
    standIn.otherwise({ kind: 'trickle', everyMs: 100 });
    const answer = await nginx(deadline);
    expect(onlyError(answer).extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(answer.ms).toBeGreaterThanOrEqual(700);
    expect(answer.ms).toBeLessThan(1_300);
    expect(standIn.attempts).toHaveLength(1);
  });

  test('the deadline gateway still serves a normal query', async () => {
    expectNginxData(await nginx(deadline));
  });
});

describe('an upstream that answers too slowly or too much', () => {
  test('a body that trickles a byte every 100 ms ends at the deadline, however long the deadline is', async () => {
    standIn.otherwise({ kind: 'trickle', everyMs: 100 });
    const answer = await nginx(bounded);
    expect(onlyError(answer).extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(answer.ms).toBeGreaterThanOrEqual(1_400);
    expect(standIn.attempts).toHaveLength(1);
  });

  test.each([
    ['with its length declared', {}],
    ['streamed without a length', { 'transfer-encoding': 'chunked' }],
  ])('a body over SWR_MAX_BODY_BYTES, %s: UPSTREAM_ERROR, one attempt', async (_name, headers) => {
    const huge = `[${' '.repeat(200_000)}]`;
    standIn.otherwise(status(200, huge, { 'content-range': '0-0/0', ...headers }));
    const error = onlyError(await nginx(bounded));
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(standIn.attempts).toHaveLength(1);
  });

  test('a page with more tags than its limit is an upstream error, never served', async () => {
    const tags = expectedTags('library', 'nginx', 'updated_at', 'desc').slice(0, 40);
    standIn.otherwise(status(200, JSON.stringify(tags), { 'content-range': '0-40/97' }));
    const error = onlyError(await nginx(bounded));
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(standIn.attempts).toHaveLength(1);
  });

  test('a body just under the cap is served', async () => {
    expectNginxData(await nginx(bounded));
  });
});

describe('a list that shrinks while a cursor is followed', () => {
  test("the search for the cursor's tag starts again at the list's new end, and finds it", async () => {
    const newestFirst = expectedTags('library', 'app', 'updated_at', 'desc');
    const tag = newestFirst[990];
    if (!tag) throw new Error('library/app has fewer than 991 tags');
    const issued = json(
      await graphql(
        retrying.url,
        '{ repository(namespace: "library", name: "app") { tags(first: 1) { edges { cursor } } } }',
        DEMO_TOKEN,
      ),
    ).data as { repository: { tags: { edges: { cursor: string }[] } } };
    const [version, scope] = Buffer.from(issued.repository.tags.edges[0]?.cursor ?? '', 'base64url')
      .toString('latin1')
      .split(':');
    // The cursor's tag was at offset 2400.
    const after = Buffer.from(`${version}:${scope}:2400:${tag.Tag}@${tag.updated}`).toString(
      'base64url',
    );
    standIn.reset();
    // The page at 2400 is read whole; from the next read on, the list has 1000 rows.
    standIn.script(PROXY);
    standIn.otherwise(truncatedTo(1000));
    const answer = await graphql(
      retrying.url,
      `
        query After($after: String) {
          repository(namespace: "library", name: "app") {
            tags(first: 5, after: $after) {
              totalCount
              nodes {
                name
              }
            }
          }
        }
      `,
      DEMO_TOKEN,
      { variables: { after } },
    );
    standIn.reset();
    const body = json(answer);
    expect(body.errors).toBeUndefined();
    const tags = (
      body.data?.repository as { tags: { totalCount: number; nodes: { name: string }[] } }
    ).tags;
    expect(tags.nodes.map((node) => node.name)).toEqual(
      newestFirst.slice(991, 996).map((t) => t.Tag),
    );
    expect(tags.totalCount).toBe(1000);
  });
});

describe('afterwards', () => {
  test('every gateway still answers after all failures', async () => {
    for (const gateway of [retrying, circuit, deadline, bounded]) {
      const body = json(await graphql(gateway.url, '{ __typename }', null));
      expect(body.data).toEqual({ __typename: 'Query' });
      expectNginxData(await nginx(gateway));
    }
  });
});

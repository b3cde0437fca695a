/**
 * Tracing, end to end: the built gateway as a process (as `npm start` runs it) with the
 * standard OTEL_* variables, exporting to an OTLP/HTTP receiver in this test, in both
 * encodings; SWR is the stand-in upstream, which records the headers of every request.
 *
 * The batch processor's delay is set far beyond the test, so every span arrives in the export
 * made when the process is stopped with SIGTERM: graceful shutdown flushes what is buffered.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import {
  CLIENT,
  SERVER,
  startOtlpReceiver,
  type ExportedSpan,
  type OtlpReceiver,
} from '../support/otlp';
import { ROOT, buildGateway, startGatewayProcess, type GatewayProcess } from '../support/process';
import { FAIL_500, startStandIn, type StandIn } from './support';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;
/** A vendor's entry in the caller's trace state, passed on to SWR as it came. */
const TRACESTATE = 'router=00f067aa0ba902b7';
const REQUEST_ID = 'tracing-test-request-1';
/** A filter only the caller chose: it must reach SWR, and no span. */
const FILTER = 'alpine';
const TAGS_ROUTE = '/v2/manage/namespaces/{namespace}/repos/{repository}/tags';

const PAGE = /* GraphQL */ `
  query AlpinePage($after: String, $filter: String) {
    repository(namespace: "library", name: "nginx") {
      tags(first: 2, after: $after, nameContains: $filter) {
        pageInfo {
          endCursor
        }
        nodes {
          name
        }
      }
    }
  }
`;

interface PageBody {
  data?: { repository: { tags: { pageInfo: { endCursor: string }; nodes: { name: string }[] } } };
  errors?: unknown[];
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: PageBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as PageBody };
}

/** The gateway's JSON log lines. */
function logLines(gateway: GatewayProcess): Record<string, unknown>[] {
  return gateway
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(() => {
  buildGateway();
}, 120_000);

describe.each(['http/json', 'http/protobuf'])('tracing over %s', (protocol) => {
  const service = `swr-gateway-test-${protocol.replace('/', '-')}`;
  let receiver: OtlpReceiver;
  let standIn: StandIn;
  let gateway: GatewayProcess;
  let cursor: string;
  let exitCode: number | null;
  let spans: ExportedSpan[];
  /** What SWR received for the traced request. */
  let attempts: StandIn['attempts'];
  /** The trace of the first request, which came without a traceparent. */
  let firstTraceId: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    standIn = await startStandIn();
    gateway = await startGatewayProcess({
      SWR_ENDPOINT: standIn.url,
      SWR_MAX_RETRIES: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_SERVICE_NAME: service,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    // The first page (its cursor is the caller's), then the next one, whose first SWR attempt
    // fails with a 500 and is retried.
    const first = await post(gateway.url, { query: PAGE, variables: { filter: FILTER } });
    expect(first.body.errors).toBeUndefined();
    cursor = first.body.data?.repository.tags.pageInfo.endCursor ?? '';
    expect(cursor).not.toBe('');
    standIn.reset();
    standIn.script(FAIL_500);
    const next = await post(
      gateway.url,
      { query: PAGE, variables: { after: cursor, filter: FILTER } },
      { traceparent: TRACEPARENT, tracestate: TRACESTATE, 'x-request-id': REQUEST_ID },
    );
    expect(next.status).toBe(200);
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data?.repository.tags.nodes.every((tag) => tag.name.includes(FILTER))).toBe(
      true,
    );
    attempts = [...standIn.attempts];
    // A GET carries its variables in the query string.
    const get = await fetch(
      `${gateway.url}?query=${encodeURIComponent(PAGE)}&variables=${encodeURIComponent(
        JSON.stringify({ after: cursor, filter: FILTER }),
      )}`,
      { headers: { 'x-auth-token': DEMO_TOKEN, accept: 'application/json' } },
    );
    expect(get.status).toBe(200);
    expect(receiver.exports).toHaveLength(0);
    exitCode = await gateway.stop();
    spans = receiver.spans().filter((span) => span.traceId === TRACE_ID);
    firstTraceId = logLines(gateway).find(
      (entry) => entry.msg === 'request' && entry.requestId !== REQUEST_ID,
    )?.trace_id as string;
  }, 60_000);

  afterAll(async () => {
    await gateway.stop();
    await standIn.close();
    await receiver.close();
  });

  test('graceful shutdown exports the buffered spans and exits 0', () => {
    expect(exitCode).toBe(0);
    expect(receiver.exports.length).toBeGreaterThan(0);
    const type = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
    expect(receiver.exports.every((e) => e.contentType.startsWith(type))).toBe(true);
  });

  test('every span carries service.name as OTEL_SERVICE_NAME set it', () => {
    expect(receiver.spans().length).toBeGreaterThan(0);
    expect(new Set(receiver.spans().map((span) => span.service))).toEqual(new Set([service]));
  });

  test("the server span continues the caller's traceparent, with the operation's name and type", () => {
    const servers = spans.filter((span) => span.kind === SERVER);
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({
      name: 'POST /graphql',
      parentSpanId: CALLER_SPAN_ID,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'http.response.status_code': 200,
        'graphql.operation.name': 'AlpinePage',
        'graphql.operation.type': 'query',
      },
    });
  });

  test('parse and validate are spans below the server span when yoga parsed and validated', () => {
    const below = (trace: ExportedSpan[]) => {
      const server = trace.find((span) => span.kind === SERVER);
      return trace
        .filter((span) => span.parentSpanId === server?.spanId && span.kind !== CLIENT)
        .map((span) => span.name)
        .sort();
    };
    // The first request brought the document: parsed and validated, then cached by yoga.
    const firstTrace = receiver.spans().filter((span) => span.traceId === firstTraceId);
    expect(below(firstTrace)).toEqual(['graphql.parse', 'graphql.validate']);
    // The traced one sent the same document: yoga's cache answered, nothing was parsed.
    expect(below(spans)).toEqual([]);
  });

  test('one client span per SWR attempt, with route, status, retry number and error code', () => {
    const server = spans.find((span) => span.kind === SERVER);
    const clients = spans.filter((span) => span.kind === CLIENT);
    expect(attempts).toHaveLength(2);
    expect(clients).toHaveLength(2);
    expect(clients.every((span) => span.parentSpanId === server?.spanId)).toBe(true);
    const [failed, retried] = [...clients].sort(
      (a, b) =>
        Number(a.attributes['http.request.resend_count'] ?? 0) -
        Number(b.attributes['http.request.resend_count'] ?? 0),
    );
    expect(failed).toMatchObject({
      name: `GET ${TAGS_ROUTE}`,
      status: 2,
      attributes: {
        'http.request.method': 'GET',
        'url.template': TAGS_ROUTE,
        'http.response.status_code': 500,
        'swr.error_code': 'SVCSTG.SWR.5001056',
        'error.type': '500',
      },
    });
    expect(failed?.attributes['http.request.resend_count']).toBeUndefined();
    expect(retried).toMatchObject({
      status: 0,
      attributes: { 'http.response.status_code': 200, 'http.request.resend_count': 1 },
    });
  });

  test('SWR received a traceparent of the same trace on every attempt, naming its client span', () => {
    const clients = spans.filter((span) => span.kind === CLIENT).map((span) => span.spanId);
    const received = attempts.map((attempt) => attempt.headers.traceparent);
    expect(received).toHaveLength(2);
    for (const header of received) {
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(header));
      expect(match?.[1]).toBe(TRACE_ID);
      expect(clients).toContain(match?.[2]);
    }
    expect(new Set(received).size).toBe(2);
    expect(attempts.map((attempt) => attempt.headers.tracestate)).toEqual([TRACESTATE, TRACESTATE]);
    // X-Request-Id still travels beside it.
    expect(attempts.map((attempt) => attempt.headers['x-request-id'])).toEqual([
      REQUEST_ID,
      REQUEST_ID,
    ]);
  });

  test('no token, cursor, filter or query string anywhere in the exported data', () => {
    const everything = Buffer.concat(receiver.exports.map((e) => e.body));
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of [DEMO_TOKEN, cursor, FILTER, 'variables', 'offset=', 'limit=']) {
      expect(everything.includes(secret)).toBe(false);
    }
    // The GET request is traced too, by its path alone.
    const gets = receiver.spans().filter((span) => span.name === 'GET /graphql');
    expect(gets).toHaveLength(1);
    expect(gets[0]?.attributes['url.path']).toBe('/graphql');
  });

  test('log lines carry trace_id and span_id; the access log keeps its request id', () => {
    const server = spans.find((span) => span.kind === SERVER);
    const line = logLines(gateway).find((entry) => entry.requestId === REQUEST_ID);
    expect(line).toMatchObject({ msg: 'request', trace_id: TRACE_ID, span_id: server?.spanId });
    expect(gateway.output()).not.toContain(DEMO_TOKEN);
  });
});

describe('sampling and batching, from the environment', () => {
  test('OTEL_TRACES_SAMPLER=traceidratio with OTEL_TRACES_SAMPLER_ARG=0: nothing is exported, SWR still learns the trace', async () => {
    const receiver = await startOtlpReceiver();
    const standIn = await startStandIn();
    const gateway = await startGatewayProcess({
      SWR_ENDPOINT: standIn.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    try {
      const answer = await post(
        gateway.url,
        { query: PAGE, variables: { filter: FILTER } },
        { traceparent: TRACEPARENT },
      );
      expect(answer.body.errors).toBeUndefined();
      expect(standIn.attempts[0]?.headers.traceparent).toMatch(
        new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`),
      );
    } finally {
      expect(await gateway.stop()).toBe(0);
      await standIn.close();
      await receiver.close();
    }
    expect(receiver.spans()).toEqual([]);
  });

  test('OTEL_BSP_SCHEDULE_DELAY=50: spans are exported while the gateway runs', async () => {
    const receiver = await startOtlpReceiver();
    const standIn = await startStandIn();
    const gateway = await startGatewayProcess({
      SWR_ENDPOINT: standIn.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    try {
      await post(gateway.url, { query: PAGE, variables: { filter: FILTER } });
      const spans = await receiver.waitFor((found) => found.some((span) => span.kind === SERVER));
      expect(spans.filter((span) => span.kind === CLIENT)).toHaveLength(1);
      expect(spans.every((span) => span.service === 'swr-graphql-gateway')).toBe(true);
    } finally {
      expect(await gateway.stop()).toBe(0);
      await standIn.close();
      await receiver.close();
    }
  });
  test('a trusted document: the server span names its id, never its text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracing-documents-'));
    const id = createHash('sha256').update(PAGE).digest('hex');
    const manifest = join(dir, 'documents.json');
    writeFileSync(manifest, JSON.stringify({ [id]: PAGE }));
    const receiver = await startOtlpReceiver();
    const standIn = await startStandIn();
    const gateway = await startGatewayProcess({
      SWR_ENDPOINT: standIn.url,
      PERSISTED_DOCUMENTS: manifest,
      SUBGRAPH_SECRET: 'routers-secret-0123456789',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    try {
      const answer = await post(gateway.url, { documentId: id, variables: { filter: FILTER } });
      expect(answer.body.errors).toBeUndefined();
    } finally {
      expect(await gateway.stop()).toBe(0);
      await standIn.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const server = receiver.spans().find((span) => span.kind === SERVER);
    expect(server?.attributes).toMatchObject({
      'graphql.document.id': id,
      'graphql.operation.name': 'AlpinePage',
      'graphql.operation.type': 'query',
    });
    const exported = receiver.exports.map((e) => e.body.toString('utf8')).join('\n');
    expect(exported).not.toContain('nameContains');
  });
});

describe('tracing off', () => {
  test('without OTEL_* variables: no traceparent to SWR, no trace ids in the log', async () => {
    const standIn = await startStandIn();
    const gateway = await startGatewayProcess({ SWR_ENDPOINT: standIn.url });
    try {
      const answer = await post(
        gateway.url,
        { query: PAGE, variables: { filter: FILTER } },
        { traceparent: TRACEPARENT, 'x-request-id': REQUEST_ID },
      );
      expect(answer.body.errors).toBeUndefined();
      expect(standIn.attempts).toHaveLength(1);
      expect(standIn.attempts[0]?.headers.traceparent).toBeUndefined();
      expect(standIn.attempts[0]?.headers['x-request-id']).toBe(REQUEST_ID);
    } finally {
      expect(await gateway.stop()).toBe(0);
      await standIn.close();
    }
    const line = logLines(gateway).find((entry) => entry.requestId === REQUEST_ID);
    expect(line).toBeDefined();
    expect(line?.trace_id).toBeUndefined();
    expect(gateway.output()).not.toContain(TRACE_ID);
  });

  test.each([
    ['no variable set', {}, false],
    [
      'OTEL_TRACES_EXPORTER=none',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_TRACES_EXPORTER: 'none' },
      false,
    ],
    ['OTEL_SDK_DISABLED=true', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }, false],
    ['an endpoint set', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, true],
    ['OTEL_TRACES_EXPORTER=otlp', { OTEL_TRACES_EXPORTER: 'otlp' }, true],
  ])('with %s, the OpenTelemetry SDK is loaded only when tracing is on', (_name, env, on) => {
    // The API package alone is loaded anyway (prom-client uses it); without an SDK it is a no-op.
    const script = `
      require('./dist/app');
      require('./dist/observability/tracing').startTracing().then(async (tracing) => {
        const loaded = Object.keys(require.cache).filter(
          (path) => path.includes('@opentelemetry/') && !path.includes('@opentelemetry/api/'),
        );
        process.stdout.write(JSON.stringify({ on: tracing !== null, loaded: loaded.length }));
        await tracing?.shutdown();
      });`;
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { on: boolean; loaded: number };
    expect(result.on).toBe(on);
    if (on) expect(result.loaded).toBeGreaterThan(0);
    else expect(result.loaded).toBe(0);
  });

  test.each([
    [
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    ],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }],
    ['OTEL_TRACES_SAMPLER', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'sometimes' }],
    ['OTEL_TRACES_EXPORTER', { OTEL_TRACES_EXPORTER: 'zipkin' }],
  ])('a bad %s stops the gateway with a message naming it', async (name, env) => {
    await expect(startGatewayProcess(env)).rejects.toThrow(name);
  });
});

import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { useOpenTelemetry } from '@graphql-hive/plugin-opentelemetry';
import { disable, openTelemetrySetup } from '@graphql-hive/plugin-opentelemetry/setup';
import { SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { startStandIn, type StandIn } from '../hardening/support';
import type { Listening } from '../support/listen';
import { CLIENT, SERVER, startOtlpReceiver, type OtlpReceiver } from '../support/otlp';
import { buildGateway, startGatewayProcess, type GatewayProcess } from '../support/process';
import { DEPLOYMENTS_SDL, listen, startDeployments } from './deployments';

/**
 * One trace across the supergraph: Hive Gateway (its runtime, with its OpenTelemetry plugin)
 * routes a query from a `deployments` subgraph into this gateway, built and started as a
 * process with tracing on, which asks SWR (the stand-in, recording headers). The gateway
 * exports to an OTLP receiver; the router, in this test's process, keeps its spans in memory
 * (its OTLP exporter loads node:http by a dynamic import, which jest's module sandbox refuses).
 * The trace id the router starts must reach SWR.
 */

/** Where this gateway serves the federation surface. */
const SUBGRAPH_PATH = '/subgraph';
const ROUTER_SERVICE = 'hive-gateway';
const SUBGRAPH_SERVICE = 'swr-subgraph';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const routerSpans = new InMemorySpanExporter();
let receiver: OtlpReceiver;
let standIn: StandIn;
let subgraph: GatewayProcess;
let deployments: Listening;
let router: Listening;
let disposeRouter: () => Promise<void> | void;

beforeAll(async () => {
  buildGateway();
  receiver = await startOtlpReceiver();
  standIn = await startStandIn();
  subgraph = await startGatewayProcess({
    SWR_ENDPOINT: standIn.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_SERVICE_NAME: SUBGRAPH_SERVICE,
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });
  const subgraphUrl = `http://127.0.0.1:${subgraph.port}${SUBGRAPH_PATH}`;

  deployments = await startDeployments([
    { id: 'd1', environment: 'production', repository: { namespace: 'library', name: 'nginx' } },
  ]);

  const sdl = await fetch(subgraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const { data } = (await sdl.json()) as { data: { _service: { sdl: string } } };
  const composed = composeServices([
    { name: 'swr', typeDefs: parse(data._service.sdl), url: subgraphUrl },
    { name: 'deployments', typeDefs: parse(DEPLOYMENTS_SDL), url: deployments.url },
  ]);
  if (composed.supergraphSdl === undefined) throw new Error('composition failed');

  // Hive Gateway's OpenTelemetry, set up as its documentation shows.
  openTelemetrySetup({
    contextManager: new AsyncLocalStorageContextManager(),
    resource: { serviceName: ROUTER_SERVICE },
    traces: { exporter: routerSpans, batching: false },
  });
  const runtime = createGatewayRuntime({
    supergraph: composed.supergraphSdl,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        'x-auth-token': request.headers.get('x-auth-token'),
      }),
    },
    plugins: (context) => [useOpenTelemetry({ ...context, traces: true })],
  });
  disposeRouter = () => runtime.dispose();
  router = await listen((request, response) => void runtime(request, response), '');
}, 120_000);

afterAll(async () => {
  await router.close();
  await disposeRouter();
  disable();
  await deployments.close();
  await subgraph.stop();
  await standIn.close();
  await receiver.close();
});

test('one trace id spans the router, the subgraph and SWR', async () => {
  const response = await fetch(`${router.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN },
    body: JSON.stringify({
      query: '{ deployments { repository { name tags(first: 2) { totalCount } } } }',
    }),
  });
  const body = (await response.json()) as {
    data?: { deployments: { repository: { tags: { totalCount: number } } }[] };
    errors?: unknown[];
  };
  expect(body.errors).toBeUndefined();
  expect(body.data?.deployments[0]?.repository.tags.totalCount).toBe(97);

  // The router's trace: its HTTP server span has no parent (and ends as the answer is sent).
  const findRoot = () =>
    routerSpans
      .getFinishedSpans()
      .find((span) => span.kind === SpanKind.SERVER && !span.parentSpanContext);
  for (let wait = 0; !findRoot() && wait < 100; wait++) await sleep(50);
  const routed = routerSpans.getFinishedSpans();
  const root = findRoot();
  const traceId = root?.spanContext().traceId;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const routerIds = routed
    .filter((span) => span.spanContext().traceId === traceId)
    .map((span) => span.spanContext().spanId);

  // The subgraph's server span continues it, from the span the router sent the request from.
  const spans = await receiver.waitFor((found) =>
    found.some((span) => span.traceId === traceId && span.kind === SERVER),
  );
  const subgraphServer = spans.find((span) => span.traceId === traceId && span.kind === SERVER);
  expect(subgraphServer?.service).toBe(SUBGRAPH_SERVICE);
  expect(routerIds).toContain(subgraphServer?.parentSpanId);

  // The subgraph's SWR calls, and what SWR received.
  const swrCalls = spans.filter(
    (span) => span.service === SUBGRAPH_SERVICE && span.kind === CLIENT,
  );
  expect(swrCalls.length).toBeGreaterThan(0);
  expect(swrCalls.every((span) => span.traceId === traceId)).toBe(true);
  expect(standIn.attempts).toHaveLength(swrCalls.length);
  for (const attempt of standIn.attempts) {
    const [, trace, span] = String(attempt.headers.traceparent).split('-');
    expect(trace).toBe(traceId);
    expect(swrCalls.map((call) => call.spanId)).toContain(span);
  }
});

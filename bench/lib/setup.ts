/**
 * What the bench runs and against what: the four services (upstream sandbox with its counter,
 * the gateway, the bare proxy, the Apollo gateway), the queries of the legs, and the checks
 * made on one sample response of every leg before any load.
 */
import { isDeepStrictEqual } from 'node:util';
import { join, resolve } from 'node:path';
import { HOST, freePort, startService, waitReady, type Service } from './processes';
import type { Target } from './load';
import { DEMO_TOKEN as TOKEN } from '../../src/sandbox/server';

/** The repository root (this file runs from bench/dist/bench/lib/). */
export const ROOT = resolve(__dirname, '..', '..', '..', '..');
const BENCH_JS = join(ROOT, 'bench', 'dist', 'bench');

/** No single request of the set-up may take longer (the load has its own timeout). */
const FETCH_TIMEOUT_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Services

export interface Upstream {
  service: Service;
  url: string;
  counterUrl: string;
}

export interface Counts {
  requests: number;
  tags: number;
  errors: number;
}

export async function readCounts(upstream: Upstream): Promise<Counts> {
  const response = await fetch(`${upstream.counterUrl}/__count`, {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`upstream counter answered ${response.status}`);
  return (await response.json()) as Counts;
}

/** One request the upstream served, from its log: when it arrived and was answered (ms). */
export interface ServedRequest {
  method: string;
  path: string;
  status: number;
  startedAt: number;
  endedAt: number;
}

/** The requests the upstream served since the last call (the log is cleared). */
export async function drainRequests(upstream: Upstream): Promise<ServedRequest[]> {
  const response = await fetch(`${upstream.counterUrl}/__requests`, {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`upstream counter answered ${response.status}`);
  return (await response.json()) as ServedRequest[];
}

export const SWR_PAGE_PATH =
  '/v2/manage/namespaces/library/repos/app/tags?offset=0&limit=20&order_column=updated_at&order_type=desc';
const SWR_HEADERS = { 'x-auth-token': TOKEN, 'content-type': 'application/json' };

/** The upstream process; with `delayMs`, every answer waits that long, as a region's would. */
export async function startUpstream(delayMs = 0): Promise<Upstream> {
  const [sandboxPort, counterPort] = [await freePort(), await freePort()];
  const service = startService(
    delayMs > 0 ? 'slow-upstream' : 'upstream',
    [join(BENCH_JS, 'upstream.js')],
    {
      SANDBOX_PORT: String(sandboxPort),
      COUNTER_PORT: String(counterPort),
      SANDBOX_DELAY_MS: String(delayMs),
      NODE_ENV: 'production',
    },
    ROOT,
  );
  const upstream = {
    service,
    url: `http://${HOST}:${sandboxPort}`,
    counterUrl: `http://${HOST}:${counterPort}`,
  };
  await waitReady(service, async () => {
    await readCounts(upstream);
    const page = await fetch(`${upstream.url}${SWR_PAGE_PATH}`, {
      headers: SWR_HEADERS,
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    await page.arrayBuffer();
    return page.status === 200;
  });
  return upstream;
}

/** A GraphQL server the bench started (a gateway, the floor, Apollo, the bare proxy). */
export interface GraphQLServer {
  service: Service;
  /** The GraphQL endpoint. */
  url: string;
}

async function startGraphQLService(
  name: string,
  args: string[],
  upstream: Upstream,
  path: string,
  env: Record<string, string> = {},
): Promise<GraphQLServer> {
  const port = await freePort();
  const service = startService(
    name,
    args,
    {
      SWR_ENDPOINT: upstream.url,
      PORT: String(port),
      HOST,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...env,
    },
    ROOT,
  );
  const url = `http://${HOST}:${port}${path}`;
  await waitReady(service, async () => {
    const response = await postQuery(url, PAGE_QUERY);
    return response.status === 200;
  });
  return { service, url };
}

/**
 * The gateway under test: `node [nodeFlags] dist/main.js`, as `npm start` would run it
 * (BENCH_GATEWAY_MAIN names another build's main.js, for example to compare two builds;
 * `options.main` names the build of leg (m)).
 */
export function startGateway(
  upstream: Upstream,
  nodeFlags: string[] = [],
  options: { name?: string; main?: string; env?: Record<string, string> } = {},
): Promise<GraphQLServer> {
  return startGraphQLService(
    options.name ?? 'gateway',
    [...nodeFlags, options.main ?? process.env.BENCH_GATEWAY_MAIN ?? join(ROOT, 'dist', 'main.js')],
    upstream,
    '/graphql',
    // Tracing stays off, whatever OTEL_* variables the bench itself was started with.
    { OTEL_SDK_DISABLED: 'true', ...options.env },
  );
}

export interface Sink {
  service: Service;
  url: string;
}

/** The trace collector of leg (l): `bench/otlp-sink.ts`. */
export async function startOtlpSink(): Promise<Sink> {
  const port = await freePort();
  const service = startService(
    'otlp-sink',
    [join(BENCH_JS, 'otlp-sink.js')],
    { SINK_PORT: String(port) },
    ROOT,
  );
  const sink = { service, url: `http://${HOST}:${port}` };
  await waitReady(service, async () => (await readSink(sink)).exports >= 0);
  return sink;
}

export async function readSink(sink: Sink): Promise<{ exports: number; bytes: number }> {
  const response = await fetch(`${sink.url}/__count`, {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  return (await response.json()) as { exports: number; bytes: number };
}

/**
 * Leg (l)'s gateway: the same build with tracing on, spans exported in OTLP/HTTP protobuf (the
 * default) to the sink with the batch processor's defaults. Every request is sampled, unless
 * BENCH_TRACES_SAMPLER_RATIO samples that share of the traces (`traceidratio`).
 */
const TRACES_RATIO = process.env.BENCH_TRACES_SAMPLER_RATIO?.trim() || undefined;

export function startTracedGateway(
  upstream: Upstream,
  sink: Sink,
  nodeFlags: string[] = [],
): Promise<GraphQLServer> {
  return startGateway(upstream, nodeFlags, {
    name: 'gateway-traced',
    env: {
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      ...(TRACES_RATIO === undefined
        ? { OTEL_TRACES_SAMPLER: 'always_on' }
        : { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: TRACES_RATIO }),
    },
  });
}

export function startBareProxy(upstream: Upstream): Promise<GraphQLServer> {
  return startGraphQLService(
    'bare-proxy',
    [join(BENCH_JS, 'bare-proxy', 'server.js')],
    upstream,
    '/graphql',
  );
}

export function startFloor(upstream: Upstream, nodeFlags: string[] = []): Promise<GraphQLServer> {
  return startGraphQLService(
    'floor',
    [...nodeFlags, join(BENCH_JS, 'floor', 'server.js')],
    upstream,
    '/graphql',
  );
}

export function startApolloGateway(upstream: Upstream): Promise<GraphQLServer> {
  return startGraphQLService(
    'apollo-gateway',
    [join(BENCH_JS, 'apollo-gateway', 'server.js')],
    upstream,
    '/',
  );
}

// ---------------------------------------------------------------------------------------------
// Queries

const CONNECTION_FIELDS =
  'totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name digest size updatedAt } }';

/** Legs (a), (b), (f): the first 20 tags of library/app. */
export const PAGE_QUERY = `{ repository(namespace: "library", name: "app") { tags(first: 20) { ${CONNECTION_FIELDS} } } }`;

/** Leg (c): 20 tags after a cursor deep in the list. */
export const DEEP_QUERY = `query Deep($after: String!) { repository(namespace: "library", name: "app") { tags(first: 20, after: $after) { ${CONNECTION_FIELDS} } } }`;

/** Leg (k): 100 tags, each with its parsed manifest, where the costs per tag show. */
export const MANIFEST_QUERY = `{ repository(namespace: "library", name: "app") { tags(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name digest size updatedAt manifest { schemaVersion mediaType config { digest size } layers { digest size } manifests { digest platform { os architecture variant } } } } } } } }`;

/** Leg (d): 10 repositories × their first 5 tags, aliased. */
export const FANOUT_QUERY = `{ ${Array.from(
  { length: 10 },
  (_, i) =>
    `r${i}: repository(namespace: "acme", name: "svc-${i}") { tags(first: 5) { ${CONNECTION_FIELDS} } }`,
).join(' ')} }`;

/** Leg (h): no field that reaches SWR: what a GraphQL request costs before any resolver. */
export const TYPENAME_QUERY = '{ __typename }';

/** Leg (i): the upstream request of (b) and its connection, without a single edge. */
export const COUNT_QUERY =
  '{ repository(namespace: "library", name: "app") { tags(first: 20) { totalCount } } }';

/** Leg (e): the last 20 tags of library/app. */
export const LAST_QUERY = `{ repository(namespace: "library", name: "app") { tags(last: 20) { ${CONNECTION_FIELDS} } } }`;

export function graphQLBody(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify(variables === undefined ? { query } : { query, variables });
}

const GRAPHQL_HEADERS = { 'content-type': 'application/json', 'x-auth-token': TOKEN };

export function postQuery(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: GRAPHQL_HEADERS,
    body: graphQLBody(query, variables),
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
}

export function graphQLTarget(
  url: string,
  expectBody: string,
  query: string,
  variables?: Record<string, unknown>,
): Target {
  return {
    url,
    method: 'POST',
    headers: GRAPHQL_HEADERS,
    body: graphQLBody(query, variables),
    expectBody,
  };
}

export function upstreamTarget(upstream: Upstream, expectBody: string): Target {
  return {
    url: `${upstream.url}${SWR_PAGE_PATH}`,
    method: 'GET',
    headers: SWR_HEADERS,
    expectBody,
  };
}

// ---------------------------------------------------------------------------------------------
// Sample checks

interface Edge {
  cursor: string;
  node: { name: string; digest: string; size: string; updatedAt: string; manifest?: unknown };
}
interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Edge[];
}
type GraphQLResult = {
  data?: Record<string, { tags: Connection } | null> | null;
  errors?: unknown[];
};

export class CheckError extends Error {
  override name = 'CheckError';
}

/** One sample request: status 200, a body without `errors`, every aliased field present. */
export async function sampleQuery(
  what: string,
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ body: string; connections: Record<string, Connection> }> {
  const response = await postQuery(url, query, variables);
  const body = await response.text();
  if (response.status !== 200) {
    throw new CheckError(`${what}: HTTP ${response.status}: ${body.slice(0, 500)}`);
  }
  const result = JSON.parse(body) as GraphQLResult;
  if (result.errors !== undefined || !result.data) {
    throw new CheckError(`${what}: the response has errors: ${body.slice(0, 500)}`);
  }
  const connections: Record<string, Connection> = {};
  for (const [alias, repository] of Object.entries(result.data)) {
    if (!repository) throw new CheckError(`${what}: ${alias} is null`);
    connections[alias] = repository.tags;
  }
  return { body, connections };
}

export function expect(what: string, condition: boolean, detail: string): void {
  if (!condition) throw new CheckError(`${what}: ${detail}`);
}

export function sameData(what: string, body: string, reference: string): void {
  const same = isDeepStrictEqual(JSON.parse(body), JSON.parse(reference));
  expect(
    what,
    same,
    `the data differs from the gateway's:\n  ${body.slice(0, 300)}\n  vs\n  ${reference.slice(0, 300)}`,
  );
}

/** The sandbox's tag names at [offset, offset + limit) of library/app (updated_at desc). */
export async function upstreamNames(
  upstream: Upstream,
  offset: number,
  limit: number,
): Promise<string[]> {
  const path = SWR_PAGE_PATH.replace('offset=0&limit=20', `offset=${offset}&limit=${limit}`);
  const response = await fetch(`${upstream.url}${path}`, {
    headers: SWR_HEADERS,
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  const tags = (await response.json()) as { Tag: string }[];
  return tags.map((t) => t.Tag);
}

/** The cursor of the edge at `index` of library/app, paging through it once with first: 100. */
export async function cursorAt(gatewayUrl: string, index: number): Promise<string> {
  const query = `query Page($after: String) { repository(namespace: "library", name: "app") { tags(first: 100, after: $after) { ${CONNECTION_FIELDS} } } }`;
  let seen = 0;
  let after: string | null = null;
  for (;;) {
    const { connections } = await sampleQuery('paging', gatewayUrl, query, { after });
    const page = connections.repository;
    if (!page || page.edges.length === 0) {
      throw new CheckError(`paging: the list ended before edge ${index}`);
    }
    const edge = page.edges[index - seen];
    if (edge) return edge.cursor;
    seen += page.edges.length;
    after = page.pageInfo.endCursor;
  }
}

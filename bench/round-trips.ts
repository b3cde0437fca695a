/**
 * Latency as a front end feels it: how many sequential upstream round trips each typical query
 * costs when every SWR answer takes `BENCH_DELAY_MS` (40) ms, as a remote region's does. A
 * round trip is worth far more than the gateway's CPU time here, so a busy machine moves these
 * figures much less than it moves throughput.
 *
 * For each query: the fewest round trips its shape allows; the rounds the upstream's request
 * log shows (a request that arrived after another one's answer was written is in a later
 * round); wall time ÷ delay and the wall time beyond the rounds' delays (medians of
 * `BENCH_TRIP_RUNS` runs, after one warm-up); and the SWR requests it made, beside the most it
 * may make (what it made before its reads were sent side by side). Run by `npm run bench`
 * when BENCH_LEGS holds `r` (as it does by default; `BENCH_LEGS=r npm run bench` runs them
 * alone), or built, as `node bench/dist/bench/round-trips.js`. BENCH_TRIP_TIMELINE=1 prints
 * every run's upstream requests with their times.
 */
import { roundsOf } from '../src/sandbox/request-log';
import { killAllSync, stopAll, stopService } from './lib/processes';
import { envInt, median } from './lib/stats';
import {
  CheckError,
  drainRequests,
  postQuery,
  readCounts,
  startGateway,
  startUpstream,
  type GraphQLServer,
  type ServedRequest,
  type Upstream,
} from './lib/setup';

export interface TripOptions {
  delayMs: number;
  runs: number;
  /** Print every run's upstream requests, with when each arrived and was answered. */
  timeline: boolean;
  /** Node flags for the gateway's process. */
  gatewayNodeOptions: string[];
}

interface TripQuery {
  title: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Sent to the federation subgraph (`/subgraph`) rather than the public API. */
  subgraph?: boolean;
  /** The fewest sequential round trips the query's shape allows. */
  fewest: number;
  /** The most SWR requests it may make. */
  maxRequests: number;
}

export interface TripResult {
  title: string;
  fewest: number;
  /** Rounds in the upstream's log (median over the runs). */
  rounds: number;
  /** Wall time ÷ delay (median over the runs). */
  trips: number;
  /** Wall time per run, in ms. */
  wallMs: number[];
  /** Wall time beyond the rounds' delays (median), in ms: the gateway's, the upstream's and the machine's own time. */
  restMs: number;
  /** SWR requests per run (the most over the runs). */
  requests: number;
  maxRequests: number;
  pass: boolean;
}

const PAGE =
  'totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name digest size updatedAt } }';
const APP = 'repository(namespace: "library", name: "app")';

/** The queries, given the cursor and the tag id they need (read from the gateway first). */
function tripQueries(endCursor: string, tagId: string): TripQuery[] {
  const tenRepositories = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
  return [
    {
      title: 'first page',
      query: `{ ${APP} { tags(first: 20) { ${PAGE} } } }`,
      fewest: 1,
      maxRequests: 1,
    },
    {
      title: 'next page, after a cursor',
      query: `query ($after: String!) { ${APP} { tags(first: 20, after: $after) { ${PAGE} } } }`,
      variables: { after: endCursor },
      fewest: 1,
      maxRequests: 1,
    },
    {
      title: '`last: 20`',
      query: `{ ${APP} { tags(last: 20) { ${PAGE} } } }`,
      fewest: 1,
      maxRequests: 1,
    },
    {
      title: 'a repository’s details and its tags',
      query: `{ ${APP} { description tagCount size updatedAt tags(first: 20) { ${PAGE} } } }`,
      fewest: 1,
      maxRequests: 2,
    },
    {
      title: 'an organization by name, its repositories',
      query:
        '{ namespace(name: "acme") { name creatorName repositories(first: 20) { totalCount nodes { name tagCount updatedAt } } } }',
      fewest: 1,
      maxRequests: 2,
    },
    {
      title: '`node(id:)` of a tag',
      query: 'query ($id: ID!) { node(id: $id) { id ... on Tag { name digest updatedAt } } }',
      variables: { id: tagId },
      fewest: 1,
      maxRequests: 1,
    },
    {
      title: 'organizations → repositories → tags',
      query:
        '{ namespaces { name repositories(first: 5) { nodes { name tags(first: 3) { totalCount nodes { name updatedAt } } } } } }',
      fewest: 3,
      // The organizations, each one's repositories (two), each repository's tags (5 + 5).
      maxRequests: 13,
    },
    {
      title: '10 aliased repositories × `tags(first: 5)`',
      query: `{ ${tenRepositories
        .map(
          (name, i) =>
            `r${i}: repository(namespace: "acme", name: "${name}") { tags(first: 5) { ${PAGE} } }`,
        )
        .join(' ')} }`,
      fewest: 1,
      maxRequests: 10,
    },
    {
      title: 'federation `_entities`: 10 repositories’ tags',
      query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Repository { name tags(first: 5) { ${PAGE} } } } }`,
      variables: {
        representations: tenRepositories.map((name) => ({
          __typename: 'Repository',
          namespace: 'acme',
          name,
        })),
      },
      subgraph: true,
      fewest: 1,
      maxRequests: 10,
    },
  ];
}

function printTimeline(
  query: TripQuery,
  sentAt: number,
  walls: number[],
  served: readonly ServedRequest[],
): void {
  const ms = (at: number): string => (at - sentAt).toFixed(1).padStart(7);
  console.log(`${query.title}: answered after ${(walls[walls.length - 1] ?? NaN).toFixed(1)} ms`);
  for (const request of [...served].sort((a, b) => a.startedAt - b.startedAt)) {
    console.log(
      `  ${ms(request.startedAt)} → ${ms(request.endedAt)}  ${request.method} ${request.path}`,
    );
  }
}

async function answer(gateway: GraphQLServer, query: TripQuery): Promise<string> {
  const url = query.subgraph ? gateway.url.replace(/\/graphql$/, '/subgraph') : gateway.url;
  const response = await postQuery(url, query.query, query.variables);
  const body = await response.text();
  const result = JSON.parse(body) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || result.errors !== undefined || result.data == null) {
    throw new CheckError(`round trips, ${query.title}: ${body.slice(0, 400)}`);
  }
  return body;
}

async function measure(
  gateway: GraphQLServer,
  upstream: Upstream,
  query: TripQuery,
  options: TripOptions,
): Promise<TripResult> {
  await answer(gateway, query);
  const walls: number[] = [];
  const rounds: number[] = [];
  const requests: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    await drainRequests(upstream);
    const before = await readCounts(upstream);
    const started = performance.now();
    await answer(gateway, query);
    walls.push(performance.now() - started);
    const served = await drainRequests(upstream);
    if (options.timeline) printTimeline(query, performance.timeOrigin + started, walls, served);
    rounds.push(roundsOf(served).length);
    requests.push((await readCounts(upstream)).requests - before.requests);
  }
  const result = {
    title: query.title,
    fewest: query.fewest,
    rounds: median(rounds),
    trips: median(walls) / options.delayMs,
    wallMs: walls,
    restMs: median(walls.map((wall, i) => wall - (rounds[i] ?? 0) * options.delayMs)),
    requests: Math.max(...requests),
    maxRequests: query.maxRequests,
  };
  // Wall time ÷ delay also holds the time each hop takes to be scheduled on a busy machine; the
  // rounds in the upstream's log do not, so they decide.
  const pass = result.rounds <= query.fewest && result.requests <= query.maxRequests;
  return { ...result, pass };
}

/** Starts an upstream with the delay and a gateway on it, and measures every query. */
export async function runRoundTrips(options: TripOptions): Promise<TripResult[]> {
  const upstream = await startUpstream(options.delayMs);
  const gateway = await startGateway(upstream, options.gatewayNodeOptions);
  try {
    const first = JSON.parse(
      await answer(gateway, {
        title: 'set-up',
        query: `{ ${APP} { tags(first: 20) { pageInfo { endCursor } nodes { id } } } }`,
        fewest: 1,
        maxRequests: 1,
      }),
    ) as {
      data: { repository: { tags: { pageInfo: { endCursor: string }; nodes: { id: string }[] } } };
    };
    const { pageInfo, nodes } = first.data.repository.tags;
    const results: TripResult[] = [];
    for (const query of tripQueries(pageInfo.endCursor, nodes[0]?.id ?? '')) {
      results.push(await measure(gateway, upstream, query, options));
    }
    return results;
  } finally {
    await Promise.all([stopService(gateway.service), stopService(upstream.service)]);
  }
}

export function printRoundTrips(results: TripResult[], options: TripOptions): void {
  console.log(
    `round trips at ${options.delayMs} ms per upstream answer (median of ${options.runs} runs after a warm-up):\n`,
  );
  const header = [
    'query',
    'fewest',
    'rounds',
    'wall ÷ delay',
    'rest ms',
    'SWR requests',
    'at most',
    '',
  ];
  const rows = results.map((r) => [
    r.title,
    String(r.fewest),
    String(r.rounds),
    r.trips.toFixed(2),
    r.restMs.toFixed(1),
    String(r.requests),
    String(r.maxRequests),
    r.pass ? 'ok' : 'MISSED',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) =>
        i > 0 && i < 7 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(
    "\nrounds: from the upstream's log (a request that arrived after another one was answered is a round later); " +
      'rest ms: wall time beyond rounds × delay (the gateway, the upstream and the machine); ' +
      'at most: the SWR requests the query may make',
  );
  const missed = results.filter((r) => !r.pass).length;
  console.log(
    missed === 0
      ? '\nevery query at its fewest round trips, with no more SWR requests than it may make'
      : `\n${missed} quer${missed === 1 ? 'y' : 'ies'} MISSED the fewest round trips or made too many requests`,
  );
}

/** BENCH_DELAY_MS (40), BENCH_TRIP_RUNS (5), BENCH_TRIP_TIMELINE (unset). */
export function tripOptionsFromEnvironment(gatewayNodeOptions: string[]): TripOptions {
  return {
    delayMs: envInt('BENCH_DELAY_MS', 40, 1),
    runs: envInt('BENCH_TRIP_RUNS', 5, 1),
    timeline: process.env.BENCH_TRIP_TIMELINE === '1',
    gatewayNodeOptions,
  };
}

if (require.main === module) {
  const options = tripOptionsFromEnvironment([]);
  process.once('exit', killAllSync);
  runRoundTrips(options)
    .then((results) => {
      printRoundTrips(results, options);
    })
    .catch((error: unknown) => {
      console.error(
        `round trips failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exitCode = 1;
    })
    .finally(() => stopAll());
}

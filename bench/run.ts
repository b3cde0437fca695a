/**
 * `npm run bench`: the gateway against a bare proxy, an Apollo Server gateway and the upstream
 * alone, under the same load. See bench/README.md.
 *
 * First the round trips of the typical queries against an upstream that answers after
 * BENCH_DELAY_MS (see round-trips.ts; BENCH_LEGS `r`), then throughput. Processes: the upstream
 * (SWR sandbox + request counter), the gateway (`dist/main.js`), the bare proxy, the floor, the
 * Apollo gateway, the gateway with tracing on and the OTLP sink it exports to (leg l), and a
 * baseline build (leg m) each run in their own process; this process drives the load with
 * autocannon. Legs alternate within each round (a, b, … m in the first round, then shuffled),
 * each a warm-up then a measured run; the table shows the median of every leg over the rounds.
 *
 * Environment: BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (2),
 * BENCH_CONNECTIONS (32), BENCH_LEGS (all: "rabcdefghijkl", and m with BENCH_BASELINE_MAIN),
 * BENCH_DELAY_MS (40), BENCH_TRIP_RUNS (5), BENCH_RESULTS (bench/results.json),
 * BENCH_GATEWAY_NODE_OPTIONS (none: flags for the gateway's node, such as a heap limit),
 * BENCH_BASELINE_MAIN (none: another build's main.js, served as leg (m) beside this one's (b)),
 * BENCH_TRACES_SAMPLER_RATIO (none: leg (l) samples every trace; 0.1 samples a tenth).
 * Exit code: 0 when the bench ran, targets missed or not; 1 on an error (a service that did not
 * start, a wrong sample response, errors or wrong bodies under load, a tracing leg (l) that
 * exported no spans).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { mulberry32 } from '../src/sandbox/random';
import { runLoad, type LoadResult, type Target } from './lib/load';
import { envInt, median } from './lib/stats';
import { reportMemory } from './memory';
import {
  printRoundTrips,
  runRoundTrips,
  tripOptionsFromEnvironment,
  type TripResult,
} from './round-trips';
import {
  RssSampler,
  killAllSync,
  readCpuMs,
  readMemory,
  stopAll,
  type Service,
} from './lib/processes';
import {
  COUNT_QUERY,
  CheckError,
  DEEP_QUERY,
  FANOUT_QUERY,
  LAST_QUERY,
  MANIFEST_QUERY,
  PAGE_QUERY,
  ROOT,
  TYPENAME_QUERY,
  cursorAt,
  expect,
  graphQLTarget,
  postQuery,
  readCounts,
  readSink,
  sameData,
  sampleQuery,
  startApolloGateway,
  startBareProxy,
  startFloor,
  startGateway,
  startOtlpSink,
  startTracedGateway,
  startUpstream,
  upstreamNames,
  upstreamTarget,
  type Upstream,
} from './lib/setup';

const SECONDS = envInt('BENCH_SECONDS', 5, 1);
const ROUNDS = envInt('BENCH_ROUNDS', 3, 1);
const WARMUP = envInt('BENCH_WARMUP_SECONDS', 2, 0);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 32, 1);
const RESULTS = process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'results.json');
/** Flags for the gateway's node only (NODE_OPTIONS would reach tsc and the load generator too). */
const GATEWAY_NODE_OPTIONS = (process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '')
  .split(/\s+/)
  .filter((flag) => flag !== '');

/** A build of the gateway to serve as leg (m), for comparing two builds within one run. */
const BASELINE_MAIN = process.env.BENCH_BASELINE_MAIN;

type LegId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm';
const ALL_LEGS: readonly LegId[] = [
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  'g',
  'h',
  'i',
  'j',
  'k',
  'l',
  'm',
];
/** BENCH_LEGS's letter for the round trips, which run before the throughput legs. */
const ROUND_TRIPS = 'r';
const TITLES: Record<LegId, string> = {
  a: 'bare proxy, 20-tag page',
  b: 'gateway, 20-tag page',
  c: 'gateway, 20 tags after tag 2001',
  d: 'gateway, 10 repos × first 5',
  e: 'gateway, last 20',
  f: 'Apollo + RESTDataSource, 20-tag page',
  g: 'upstream alone, the SWR page of (a)',
  h: 'gateway, `{ __typename }`',
  i: 'gateway, `totalCount` of (b)',
  j: 'floor: yoga + jit + undici, 20-tag page',
  k: 'gateway, 100 tags with manifests',
  l: 'gateway, tracing on, the page of (b)',
  m: 'baseline build, the page of (b)',
};

function selection(): { legs: LegId[]; roundTrips: boolean } {
  const defaults = ALL_LEGS.filter((leg) => leg !== 'm' || BASELINE_MAIN !== undefined);
  const raw = process.env.BENCH_LEGS ?? ROUND_TRIPS + defaults.join('');
  const legs = ALL_LEGS.filter((leg) => raw.includes(leg));
  const roundTrips = raw.includes(ROUND_TRIPS);
  if (legs.length === 0 && !roundTrips)
    throw new Error(`BENCH_LEGS selects no leg of "${ROUND_TRIPS}${ALL_LEGS.join('')}": "${raw}"`);
  if (legs.includes('m') && BASELINE_MAIN === undefined)
    throw new Error('leg (m) needs BENCH_BASELINE_MAIN, the main.js of the build to compare');
  return { legs, roundTrips };
}

const TRIP_OPTIONS = tripOptionsFromEnvironment(GATEWAY_NODE_OPTIONS);

interface Leg {
  id: LegId;
  target: Target;
  /** The process serving the leg, whose memory is sampled. */
  server: Service;
}

interface LegRound extends LoadResult {
  upstreamRequestsPerQuery: number;
  tagsPerQuery: number;
  upstreamErrors: number;
  peakRssBytes: number;
  /** CPU time of the process serving the leg (all its threads) per response, in ms. */
  cpuMsPerQuery: number;
}

interface LegSummary {
  id: LegId;
  title: string;
  rounds: LegRound[];
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  mismatches: number;
  upstreamErrors: number;
  upstreamRequestsPerQuery: number;
  tagsPerQuery: number;
  peakRssBytes: number;
  cpuMsPerQuery: number;
}

function summarise(id: LegId, rounds: LegRound[]): LegSummary {
  const pick = (f: (r: LegRound) => number): number[] => rounds.map(f);
  const sum = (f: (r: LegRound) => number): number => pick(f).reduce((x, y) => x + y, 0);
  return {
    id,
    title: TITLES[id],
    rounds,
    rps: median(pick((r) => r.rps)),
    p50: median(pick((r) => r.p50)),
    p99: median(pick((r) => r.p99)),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    mismatches: sum((r) => r.mismatches),
    upstreamErrors: sum((r) => r.upstreamErrors),
    upstreamRequestsPerQuery: median(pick((r) => r.upstreamRequestsPerQuery)),
    tagsPerQuery: median(pick((r) => r.tagsPerQuery)),
    peakRssBytes: Math.max(...pick((r) => r.peakRssBytes)),
    cpuMsPerQuery: median(pick((r) => r.cpuMsPerQuery)),
  };
}

// ---------------------------------------------------------------------------------------------
// Sample checks, then the targets of every leg

async function prepareLegs(
  upstream: Upstream,
  services: {
    gateway: Service;
    gatewayUrl: string;
    bare?: { service: Service; url: string };
    apollo?: { service: Service; url: string };
    floor?: { service: Service; url: string };
    traced?: { service: Service; url: string };
    baseline?: { service: Service; url: string };
  },
  legs: LegId[],
): Promise<Leg[]> {
  const { gateway, gatewayUrl } = services;
  const page = await sampleQuery('(b) gateway, 20-tag page', gatewayUrl, PAGE_QUERY);
  const first = page.connections.repository;
  const firstNames = await upstreamNames(upstream, 0, 20);
  expect(
    '(b)',
    first?.totalCount === 2500 && first.edges.map((e) => e.node.name).join() === firstNames.join(),
    'not the first 20 tags of the 2500 of library/app',
  );
  const prepared: Leg[] = [];
  for (const id of legs) {
    switch (id) {
      case 'a': {
        const bare = services.bare;
        if (!bare) throw new Error('the bare proxy is not running');
        const sample = await sampleQuery('(a) bare proxy', bare.url, PAGE_QUERY);
        sameData('(a) bare proxy', sample.body, page.body);
        prepared.push({
          id,
          server: bare.service,
          target: graphQLTarget(bare.url, sample.body, PAGE_QUERY),
        });
        break;
      }
      case 'b':
        prepared.push({
          id,
          server: gateway,
          target: graphQLTarget(gatewayUrl, page.body, PAGE_QUERY),
        });
        break;
      case 'c': {
        const after = await cursorAt(gatewayUrl, 2000);
        const sample = await sampleQuery('(c) deep page', gatewayUrl, DEEP_QUERY, { after });
        const expected = await upstreamNames(upstream, 2001, 1);
        const names = sample.connections.repository?.edges.map((e) => e.node.name) ?? [];
        expect(
          '(c)',
          names.length === 20 && names[0] === expected[0],
          `not the 20 tags from offset 2001: ${names.join()}`,
        );
        prepared.push({
          id,
          server: gateway,
          target: graphQLTarget(gatewayUrl, sample.body, DEEP_QUERY, { after }),
        });
        break;
      }
      case 'd': {
        const sample = await sampleQuery('(d) 10 repositories', gatewayUrl, FANOUT_QUERY);
        const connections = Object.values(sample.connections);
        expect(
          '(d)',
          connections.length === 10 && connections.every((c) => c.edges.length === 5),
          'not 10 × 5 tags',
        );
        prepared.push({
          id,
          server: gateway,
          target: graphQLTarget(gatewayUrl, sample.body, FANOUT_QUERY),
        });
        break;
      }
      case 'e': {
        const sample = await sampleQuery('(e) last 20', gatewayUrl, LAST_QUERY);
        const expected = await upstreamNames(upstream, 2480, 20);
        const names = sample.connections.repository?.edges.map((e) => e.node.name) ?? [];
        expect('(e)', names.join() === expected.join(), `not the last 20 tags: ${names.join()}`);
        prepared.push({
          id,
          server: gateway,
          target: graphQLTarget(gatewayUrl, sample.body, LAST_QUERY),
        });
        break;
      }
      case 'f': {
        const apollo = services.apollo;
        if (!apollo) throw new Error('the Apollo gateway is not running');
        const sample = await sampleQuery('(f) Apollo gateway', apollo.url, PAGE_QUERY);
        sameData('(f) Apollo gateway', sample.body, page.body);
        prepared.push({
          id,
          server: apollo.service,
          target: graphQLTarget(apollo.url, sample.body, PAGE_QUERY),
        });
        break;
      }
      case 'j': {
        const floor = services.floor;
        if (!floor) throw new Error('the floor is not running');
        const sample = await sampleQuery('(j) floor', floor.url, PAGE_QUERY);
        sameData('(j) floor', sample.body, page.body);
        prepared.push({
          id,
          server: floor.service,
          target: graphQLTarget(floor.url, sample.body, PAGE_QUERY),
        });
        break;
      }
      case 'l':
      case 'm': {
        const other = id === 'l' ? services.traced : services.baseline;
        if (!other) throw new Error(`the gateway of leg (${id}) is not running`);
        const sample = await sampleQuery(`(${id}) ${TITLES[id]}`, other.url, PAGE_QUERY);
        sameData(`(${id}) ${TITLES[id]}`, sample.body, page.body);
        prepared.push({
          id,
          server: other.service,
          target: graphQLTarget(other.url, sample.body, PAGE_QUERY),
        });
        break;
      }
      case 'k': {
        const sample = await sampleQuery('(k) 100 tags with manifests', gatewayUrl, MANIFEST_QUERY);
        const edges = sample.connections.repository?.edges ?? [];
        const expected = await upstreamNames(upstream, 0, 100);
        expect(
          '(k)',
          edges.map((e) => e.node.name).join() === expected.join() &&
            edges.every((e) => e.node.manifest != null),
          'not the first 100 tags, each with its manifest',
        );
        prepared.push({
          id,
          server: gateway,
          target: graphQLTarget(gatewayUrl, sample.body, MANIFEST_QUERY),
        });
        break;
      }
      case 'g': {
        const response = await fetch(upstreamTarget(upstream, '').url, {
          headers: upstreamTarget(upstream, '').headers,
          signal: AbortSignal.timeout(5_000),
        });
        const body = await response.text();
        expect(
          '(g)',
          response.status === 200 && (JSON.parse(body) as unknown[]).length === 20,
          'not 20 tags',
        );
        prepared.push({ id, server: upstream.service, target: upstreamTarget(upstream, body) });
        break;
      }
      case 'h': {
        const response = await postQuery(gatewayUrl, TYPENAME_QUERY);
        const body = await response.text();
        expect('(h)', response.status === 200 && body.includes('"Query"'), body.slice(0, 200));
        prepared.push({
          id,
          server: gateway,
          target: graphQLTarget(gatewayUrl, body, TYPENAME_QUERY),
        });
        break;
      }
      case 'i': {
        const response = await postQuery(gatewayUrl, COUNT_QUERY);
        const body = await response.text();
        expect(
          '(i)',
          response.status === 200 && body.includes('"totalCount":2500'),
          body.slice(0, 200),
        );
        prepared.push({
          id,
          server: gateway,
          target: graphQLTarget(gatewayUrl, body, COUNT_QUERY),
        });
        break;
      }
    }
  }
  return prepared;
}

// ---------------------------------------------------------------------------------------------
// Load

/**
 * The legs in the order of one round: as listed in the first, shuffled (reproducibly) in the
 * next, so that no leg always runs right after the same other one (after (d), say, whose
 * garbage the next leg's collector may have to clear).
 */
function roundOrder<T>(legs: readonly T[], round: number): T[] {
  const order = [...legs];
  if (round === 1) return order;
  const random = mulberry32(round * 0x9e3779b9);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}

/** Long enough for the requests a stopped run left in flight to reach the upstream. */
const SETTLE_MS = 300;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

async function runLeg(leg: Leg, upstream: Upstream): Promise<LegRound> {
  if (WARMUP > 0) await runLoad(leg.target, CONNECTIONS, WARMUP);
  await settle();
  const sampler = new RssSampler(leg.server.pid);
  const before = await readCounts(upstream);
  const cpuBefore = readCpuMs(leg.server.pid);
  const result = await runLoad(leg.target, CONNECTIONS, SECONDS);
  const cpuAfter = readCpuMs(leg.server.pid);
  await settle();
  const after = await readCounts(upstream);
  const peakRssBytes = sampler.stop();
  // Per query: the run's upstream traffic over the queries that reached the server (the ones
  // still in flight when the run stopped made their upstream requests too).
  const per = (delta: number): number => (result.sent > 0 ? delta / result.sent : NaN);
  return {
    ...result,
    upstreamRequestsPerQuery: per(after.requests - before.requests),
    tagsPerQuery: per(after.tags - before.tags),
    upstreamErrors: after.errors - before.errors,
    peakRssBytes,
    cpuMsPerQuery:
      cpuBefore === null || cpuAfter === null || result.requests === 0
        ? NaN
        : (cpuAfter - cpuBefore) / result.requests,
  };
}

/**
 * (b) and (d) again with one connection, so that no query waits behind another: at 32
 * connections a saturated server's latency is the queue's (connections / throughput), and p50
 * then compares the legs' costs rather than how long one query takes.
 */
interface Unqueued {
  b: { p50: number; rps: number };
  d: { p50: number; rps: number };
  ratio: number;
}

async function runUnqueued(prepared: Leg[]): Promise<Unqueued | null> {
  const b = prepared.find((leg) => leg.id === 'b');
  const d = prepared.find((leg) => leg.id === 'd');
  if (!b || !d) return null;
  const measure = async (leg: Leg): Promise<{ p50: number; rps: number }> => {
    await runLoad(leg.target, 1, 1);
    const result = await runLoad(leg.target, 1, SECONDS);
    if (result.errors + result.non2xx + result.mismatches > 0) {
      throw new CheckError(`(${leg.id}) with one connection: errors or wrong bodies`);
    }
    return { p50: result.p50, rps: result.rps };
  };
  const unqueuedB = await measure(b);
  const unqueuedD = await measure(d);
  return { b: unqueuedB, d: unqueuedD, ratio: unqueuedD.p50 / unqueuedB.p50 };
}

// ---------------------------------------------------------------------------------------------
// Report

interface Check {
  name: string;
  /** From the medians of the legs. */
  value: number;
  /** The same ratio within each round (legs of one round ran under the same conditions). */
  perRound: number[];
  target: string;
  pass: boolean;
}

type Stats = Pick<LegRound, 'rps' | 'p50' | 'p99' | 'upstreamRequestsPerQuery'>;
type LegStats = Partial<Record<LegId, Stats>>;

const RATIOS: {
  name: string;
  target: string;
  pass: (v: number) => boolean;
  of: (s: LegStats) => number | undefined;
}[] = [
  {
    name: '(b)/(a) req/s',
    target: '≥ 0.50',
    pass: (v) => v >= 0.5,
    of: ({ a, b }) => b && a && b.rps / a.rps,
  },
  {
    name: 'p99(b)/p99(a)',
    target: '< 2.00',
    pass: (v) => v < 2,
    of: ({ a, b }) => b && a && b.p99 / a.p99,
  },
  {
    name: '(b)/(j) req/s',
    target: '≥ 0.95',
    pass: (v) => v >= 0.95,
    of: ({ b, j }) => b && j && b.rps / j.rps,
  },
  {
    name: '(b)/(f) req/s',
    target: '≥ 2.00',
    pass: (v) => v >= 2,
    of: ({ b, f }) => b && f && b.rps / f.rps,
  },
  {
    name: '(c)/(b) req/s',
    target: '≥ 0.90 (within 10%)',
    pass: (v) => v >= 0.9,
    of: ({ b, c }) => c && b && c.rps / b.rps,
  },
  {
    name: '(e)/(b) req/s',
    target: '≥ 0.90 (within 10%)',
    pass: (v) => v >= 0.9,
    of: ({ b, e }) => e && b && e.rps / b.rps,
  },
  {
    name: '(d) upstream requests/query',
    target: '= 10',
    pass: (v) => Math.abs(v - 10) < 0.05,
    of: ({ d }) => d?.upstreamRequestsPerQuery,
  },
  {
    name: '(l)/(b) req/s, tracing on',
    target: '≥ 0.85 (costs ≤ 15%)',
    pass: (v) => v >= 0.85,
    of: ({ b, l }) => l && b && l.rps / b.rps,
  },
  {
    name: '(b)/(m) req/s, vs the baseline',
    target: '≥ 0.95 (within noise)',
    pass: (v) => v >= 0.95,
    of: ({ b, m }) => b && m && b.rps / m.rps,
  },
  {
    name: 'p50(d)/p50(b)',
    target: '< 2.00',
    pass: (v) => v < 2,
    of: ({ b, d }) => d && b && d.p50 / b.p50,
  },
];

function checks(summaries: LegSummary[], gatewayPeakRss: number): Check[] {
  const medians: LegStats = Object.fromEntries(summaries.map((s) => [s.id, s]));
  const rounds: LegStats[] = Array.from({ length: ROUNDS }, (_, i) =>
    Object.fromEntries(summaries.flatMap((s) => (s.rounds[i] ? [[s.id, s.rounds[i]]] : []))),
  );
  const list: Check[] = [];
  for (const ratio of RATIOS) {
    const value = ratio.of(medians);
    if (value === undefined || Number.isNaN(value)) continue;
    const perRound = rounds.map((r) => ratio.of(r) ?? NaN);
    list.push({ name: ratio.name, value, perRound, target: ratio.target, pass: ratio.pass(value) });
  }
  if (gatewayPeakRss > 0) {
    const value = gatewayPeakRss / 2 ** 20;
    list.push({
      name: 'gateway peak RSS (MB)',
      value,
      perRound: [],
      target: '< 150',
      pass: value < 150,
    });
  }
  return list;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printTable(summaries: LegSummary[]): void {
  const header = [
    'leg',
    'req/s',
    'p50 ms',
    'p99 ms',
    'err/non2xx/bad',
    'up req/q',
    'tags/q',
    'peak RSS',
    'CPU ms/q',
    'req/s per round',
  ];
  const rows = summaries.map((s) => [
    `(${s.id}) ${s.title}`,
    s.rps.toFixed(0),
    s.p50.toFixed(2),
    s.p99.toFixed(2),
    `${s.errors}/${s.non2xx}/${s.mismatches}`,
    s.upstreamRequestsPerQuery.toFixed(2),
    s.tagsPerQuery.toFixed(1),
    `${(s.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
    s.cpuMsPerQuery.toFixed(3),
    s.rounds.map((r) => r.rps.toFixed(0)).join(' / '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => pad(cell, widths[i] ?? 0, i > 0 && i < 9)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

// ---------------------------------------------------------------------------------------------

const loadAtStart = loadavg();

async function main(): Promise<number> {
  const { legs, roundTrips } = selection();
  const parts = [
    ...(roundTrips ? [`round trips at ${TRIP_OPTIONS.delayMs} ms`] : []),
    ...(legs.length > 0
      ? [
          `legs ${legs.join('')}, ${ROUNDS} round(s) of ${WARMUP} s warm-up + ${SECONDS} s per leg, ` +
            `${CONNECTIONS} connections`,
        ]
      : []),
  ];
  console.log(
    `bench: ${parts.join(', ')}; node ${process.version}, ${cpus().length} CPUs, ` +
      `load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}` +
      (GATEWAY_NODE_OPTIONS.length > 0 ? `; gateway node ${GATEWAY_NODE_OPTIONS.join(' ')}` : ''),
  );
  let trips: TripResult[] | null = null;
  if (roundTrips) {
    trips = await runRoundTrips(TRIP_OPTIONS);
    printRoundTrips(trips, TRIP_OPTIONS);
    console.log('');
  }
  const throughput = legs.length > 0 ? await runThroughput(legs) : null;
  const memory = await reportMemory();

  // Formatted as the repository's Prettier settings would (`npm run lint` checks it too).
  const json = JSON.stringify({
    date: new Date().toISOString(),
    config: {
      seconds: SECONDS,
      rounds: ROUNDS,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      legs,
      roundTrips: roundTrips ? { delayMs: TRIP_OPTIONS.delayMs, runs: TRIP_OPTIONS.runs } : null,
      gatewayNodeOptions: GATEWAY_NODE_OPTIONS,
    },
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg(),
    },
    roundTrips: trips,
    ...throughput?.report,
    memory,
  });
  writeFileSync(RESULTS, await format(json, { parser: 'json', ...(await resolveConfig(RESULTS)) }));
  console.log(`results written to ${RESULTS}`);
  return memory.met ? (throughput?.code ?? 0) : 1;
}

async function runThroughput(legs: LegId[]): Promise<{ code: number; report: object }> {
  const upstream = await startUpstream();
  const gateway = await startGateway(upstream, GATEWAY_NODE_OPTIONS);
  const bare = legs.includes('a') ? await startBareProxy(upstream) : undefined;
  const apollo = legs.includes('f') ? await startApolloGateway(upstream) : undefined;
  const floor = legs.includes('j') ? await startFloor(upstream) : undefined;
  const sink = legs.includes('l') ? await startOtlpSink() : undefined;
  const traced = sink && (await startTracedGateway(upstream, sink, GATEWAY_NODE_OPTIONS));
  const baseline = legs.includes('m')
    ? await startGateway(upstream, GATEWAY_NODE_OPTIONS, { name: 'baseline', main: BASELINE_MAIN })
    : undefined;
  const prepared = await prepareLegs(
    upstream,
    {
      gateway: gateway.service,
      gatewayUrl: gateway.url,
      ...(bare && { bare: { service: bare.service, url: bare.url } }),
      ...(apollo && { apollo: { service: apollo.service, url: apollo.url } }),
      ...(floor && { floor: { service: floor.service, url: floor.url } }),
      ...(traced && { traced: { service: traced.service, url: traced.url } }),
      ...(baseline && { baseline: { service: baseline.service, url: baseline.url } }),
    },
    legs,
  );
  console.log(
    'sample responses checked: status 200, no `errors`, the expected tags; (a), (f), (j), (l) and (m) answer the same data as (b)\n',
  );

  const rounds = new Map<LegId, LegRound[]>(legs.map((id) => [id, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const leg of roundOrder(prepared, round)) {
      const result = await runLeg(leg, upstream);
      rounds.get(leg.id)?.push(result);
      console.log(
        `round ${round} (${leg.id}): ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, ` +
          `p99 ${result.p99.toFixed(2)} ms, errors ${result.errors}/${result.non2xx}/${result.mismatches}, ` +
          `upstream ${result.upstreamRequestsPerQuery.toFixed(2)} req/q`,
      );
    }
  }
  const unqueued = await runUnqueued(prepared);
  const gatewayMemory = readMemory(gateway.service.pid);
  const summaries = legs.map((id) => summarise(id, rounds.get(id) ?? []));
  const byId: Partial<Record<LegId, LegSummary>> = Object.fromEntries(
    summaries.map((s) => [s.id, s]),
  );
  const gatewaySampled = Math.max(
    0,
    ...summaries.filter((s) => 'bcdehik'.includes(s.id)).map((s) => s.peakRssBytes),
  );
  const gatewayPeakRss = Math.max(gatewayMemory?.hwm ?? 0, gatewaySampled);
  const results = checks(summaries, gatewayPeakRss);

  console.log(
    `\nmedian over ${ROUNDS} round(s); latency over every response; err/non2xx/bad = connection errors / non-2xx / body ≠ the checked sample;`,
  );
  console.log(
    'up req/q, tags/q = upstream requests and tags served during the run per query sent (in-flight ones included); peak RSS = sampled VmRSS of the process serving the leg; CPU ms/q = the CPU time of that process (user + system, all threads) per response\n',
  );
  printTable(summaries);
  // The bench itself keeps both CPUs busy; a load before it started means other work.
  if ((loadAtStart[0] ?? 0) > 1) {
    console.log(
      `\nNOTE: the load average was already ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} before the bench ` +
        'started: other work shares this machine, expect noisy absolute numbers (alternating rounds keep the ratios usable)',
    );
  }
  console.log(
    `\ngateway peak RSS: ${(gatewayPeakRss / 2 ** 20).toFixed(1)} MB (VmHWM ${((gatewayMemory?.hwm ?? 0) / 2 ** 20).toFixed(1)} MB)`,
  );
  if (byId.g && byId.b) {
    const demand = byId.b.rps * byId.b.upstreamRequestsPerQuery;
    console.log(
      `upstream alone: ${byId.g.rps.toFixed(0)} req/s, while (b) asked it for ${demand.toFixed(0)} req/s ` +
        `(${((demand / byId.g.rps) * 100).toFixed(0)}% of what it can serve with this load generator)`,
    );
  }
  if (byId.a && byId.b && byId.h && byId.i) {
    const { a, b, h, i } = byId;
    const ms = (value: number): string => `${value.toFixed(3)} ms`;
    console.log(
      `gateway CPU per query of (b), in steps: (h) ${ms(h.cpuMsPerQuery)} before any resolver, ` +
        `+ ${ms(i.cpuMsPerQuery - h.cpuMsPerQuery)} for the upstream request and the connection (i), ` +
        `+ ${ms(b.cpuMsPerQuery - i.cpuMsPerQuery)} for 20 edges = ${ms(b.cpuMsPerQuery)}; ` +
        `the bare proxy (a) spends ${ms(a.cpuMsPerQuery)} on all of it`,
    );
  }
  if (byId.b && byId.j) {
    const { b, j } = byId;
    console.log(
      `gateway CPU per query of (b) ${b.cpuMsPerQuery.toFixed(3)} ms, the floor (j) ${j.cpuMsPerQuery.toFixed(3)} ms: ` +
        `the gateway's own overhead ${(b.cpuMsPerQuery - j.cpuMsPerQuery).toFixed(3)} ms`,
    );
  }
  const exported = sink && (await readSink(sink));
  if (byId.b && byId.l && exported) {
    const { b, l } = byId;
    console.log(
      `tracing on (l): ${((1 - l.rps / b.rps) * 100).toFixed(1)}% fewer req/s than (b), ` +
        `${(l.cpuMsPerQuery - b.cpuMsPerQuery).toFixed(3)} ms more CPU per query; ` +
        `the sink received ${exported.exports} exports, ${(exported.bytes / 2 ** 20).toFixed(1)} MB`,
    );
  }
  // Leg (l) measures nothing if its spans never left the gateway.
  const untraced = legs.includes('l') && (exported?.exports ?? 0) === 0;
  if (untraced) console.log('ERROR: leg (l) exported no spans: tracing was not on');
  if (unqueued) {
    console.log(
      `one connection (no queueing): p50 (b) ${unqueued.b.p50.toFixed(2)} ms, (d) ${unqueued.d.p50.toFixed(2)} ms, ` +
        `p50(d)/p50(b) ${unqueued.ratio.toFixed(2)}`,
    );
  }
  console.log('\ntargets:');
  for (const check of results) {
    console.log(
      `  ${check.pass ? 'ok    ' : 'MISSED'}  ${pad(check.name, 30)} ${pad(check.value.toFixed(2), 8, true)}   ` +
        `${pad(`target ${check.target}`, 28)}${check.perRound.length > 1 ? `  per round: ${check.perRound.map((v) => v.toFixed(2)).join(' / ')}` : ''}`,
    );
  }
  const missed = results.filter((c) => !c.pass).length;
  const failures = summaries.filter(
    (s) => s.errors + s.non2xx + s.mismatches + s.upstreamErrors > 0,
  );
  console.log(missed === 0 ? '\nall targets met' : `\n${missed} target(s) MISSED`);
  for (const s of failures) {
    console.log(
      `ERROR: leg (${s.id}) had ${s.errors} errors, ${s.non2xx} non-2xx, ${s.mismatches} wrong bodies, ${s.upstreamErrors} upstream errors`,
    );
  }

  return {
    code: failures.length > 0 || untraced ? 1 : 0,
    report: {
      legs: summaries,
      gatewayPeakRssBytes: gatewayPeakRss,
      unqueued,
      tracingExports: exported ?? null,
      targets: results,
      missed,
      errors: failures.map((s) => s.id),
    },
  };
}

let stopping = false;
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.error(`\nbench: ${signal}, stopping the services`);
  void stopAll().finally(() => process.exit(130));
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
process.once('exit', killAllSync);

main()
  .then(
    (code) => code,
    async (error: unknown) => {
      console.error(
        `bench failed: ${error instanceof CheckError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      // An OOM kill shows up as a failed request: the memory table says which process died.
      await reportMemory();
      return 1;
    },
  )
  .then(async (code) => {
    await stopAll();
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });

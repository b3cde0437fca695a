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
import { LEGS, LEG_IDS, type LegId, type ServerName } from './legs';
import { runLoad, type Target } from './lib/load';
import { envInt } from './lib/stats';
import { reportMemory } from './memory';
import {
  RssSampler,
  killAllSync,
  readCpuMs,
  readMemory,
  stopAll,
  type Service,
} from './lib/processes';
import {
  CheckError,
  ROOT,
  expect,
  graphQLTarget,
  readCounts,
  readSink,
  sampleQuery,
  startApolloGateway,
  startBareProxy,
  startFloor,
  startGateway,
  startOtlpSink,
  startTracedGateway,
  startUpstream,
  upstreamTarget,
  type Sink,
  type Upstream,
} from './lib/setup';
import {
  checks,
  printComparisons,
  printTable,
  printTargets,
  summarise,
  type LegRound,
  type LegSummary,
} from './report';
import {
  printRoundTrips,
  runRoundTrips,
  tripOptionsFromEnvironment,
  type TripResult,
} from './round-trips';

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

/** BENCH_LEGS's letter for the round trips, which run before the throughput legs. */
const ROUND_TRIPS = 'r';

function selection(): { legs: LegId[]; roundTrips: boolean } {
  const defaults = LEG_IDS.filter((leg) => leg !== 'm' || BASELINE_MAIN !== undefined);
  const raw = process.env.BENCH_LEGS ?? ROUND_TRIPS + defaults.join('');
  const legs = LEG_IDS.filter((leg) => raw.includes(leg));
  const roundTrips = raw.includes(ROUND_TRIPS);
  if (legs.length === 0 && !roundTrips)
    throw new Error(`BENCH_LEGS selects no leg of "${ROUND_TRIPS}${LEG_IDS.join('')}": "${raw}"`);
  if (legs.includes('m') && BASELINE_MAIN === undefined)
    throw new Error('leg (m) needs BENCH_BASELINE_MAIN, the main.js of the build to compare');
  return { legs, roundTrips };
}

const TRIP_OPTIONS = tripOptionsFromEnvironment(GATEWAY_NODE_OPTIONS);

/** A leg ready to run: its load, checked against a sample, and the process it measures. */
interface PreparedLeg {
  id: LegId;
  target: Target;
  server: Service;
}

/** The processes serving the selected legs, by the names the legs give them. */
type Servers = Partial<Record<ServerName, { service: Service; url: string }>>;

// ---------------------------------------------------------------------------------------------
// Processes, then the sample checks of every leg

async function startServers(
  upstream: Upstream,
  legs: LegId[],
): Promise<{ servers: Servers; sink: Sink | undefined }> {
  const uses = (server: ServerName): boolean => legs.some((id) => LEGS[id].server === server);
  const gateway = await startGateway(upstream, GATEWAY_NODE_OPTIONS);
  const sink = uses('traced') ? await startOtlpSink() : undefined;
  const started = {
    upstream: upstream,
    gateway,
    bare: uses('bare') ? await startBareProxy(upstream) : undefined,
    apollo: uses('apollo') ? await startApolloGateway(upstream) : undefined,
    floor: uses('floor') ? await startFloor(upstream) : undefined,
    traced: sink && (await startTracedGateway(upstream, sink, GATEWAY_NODE_OPTIONS)),
    baseline: uses('baseline')
      ? await startGateway(upstream, GATEWAY_NODE_OPTIONS, {
          name: 'baseline',
          main: BASELINE_MAIN,
        })
      : undefined,
  };
  const servers: Servers = {};
  for (const [name, server] of Object.entries(started) as [
    ServerName,
    typeof gateway | undefined,
  ][]) {
    if (server) servers[name] = { service: server.service, url: server.url };
  }
  return { servers, sink };
}

/** The SWR page of (a), straight from the upstream: leg (g)'s sample. */
async function upstreamSample(upstream: Upstream): Promise<string> {
  const { url, headers } = upstreamTarget(upstream, '');
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  const body = await response.text();
  expect('(g)', response.status === 200, `HTTP ${response.status}`);
  return body;
}

async function prepareLeg(
  id: LegId,
  upstream: Upstream,
  server: { service: Service; url: string },
  reference: string,
): Promise<PreparedLeg> {
  const leg = LEGS[id];
  const context = { upstream, url: server.url, reference };
  if (leg.query === null) {
    const body = await upstreamSample(upstream);
    await leg.check({ body, connections: {} }, context);
    return { id, server: server.service, target: upstreamTarget(upstream, body) };
  }
  const variables = await leg.variables?.(context);
  const sample = await sampleQuery(`(${id}) ${leg.title}`, server.url, leg.query, variables);
  await leg.check(sample, context);
  return {
    id,
    server: server.service,
    target: graphQLTarget(server.url, sample.body, leg.query, variables),
  };
}

async function prepareLegs(
  upstream: Upstream,
  servers: Servers,
  legs: LegId[],
): Promise<PreparedLeg[]> {
  const gateway = servers.gateway;
  if (!gateway || LEGS.b.query === null) throw new Error('the gateway is not running');
  // (b)'s answer, checked, is what every leg serving the same page must answer.
  const reference = await sampleQuery(`(b) ${LEGS.b.title}`, gateway.url, LEGS.b.query);
  await LEGS.b.check(reference, { upstream, url: gateway.url, reference: reference.body });
  const prepared: PreparedLeg[] = [];
  for (const id of legs) {
    const server = servers[LEGS[id].server];
    if (!server) throw new Error(`the server of leg (${id}), ${LEGS[id].server}, is not running`);
    prepared.push(await prepareLeg(id, upstream, server, reference.body));
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

async function runLeg(leg: PreparedLeg, upstream: Upstream): Promise<LegRound> {
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

async function runRounds(
  prepared: PreparedLeg[],
  upstream: Upstream,
): Promise<Map<LegId, LegRound[]>> {
  const rounds = new Map<LegId, LegRound[]>(prepared.map((leg) => [leg.id, []]));
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
  return rounds;
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

async function runUnqueued(prepared: PreparedLeg[]): Promise<Unqueued | null> {
  const b = prepared.find((leg) => leg.id === 'b');
  const d = prepared.find((leg) => leg.id === 'd');
  if (!b || !d) return null;
  const measure = async (leg: PreparedLeg): Promise<{ p50: number; rps: number }> => {
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

const loadAtStart = loadavg();

function printStart(legs: LegId[], roundTrips: boolean): void {
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
}

async function main(): Promise<number> {
  const { legs, roundTrips } = selection();
  printStart(legs, roundTrips);
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
  const { servers, sink } = await startServers(upstream, legs);
  const prepared = await prepareLegs(upstream, servers, legs);
  console.log(
    'sample responses checked: status 200, no `errors`, the expected tags; (a), (f), (j), (l) and (m) answer the same data as (b)\n',
  );
  const rounds = await runRounds(prepared, upstream);
  const unqueued = await runUnqueued(prepared);
  const summaries = legs.map((id) => summarise(id, rounds.get(id) ?? []));
  const gatewayPid = servers.gateway?.service.pid;
  const gatewayMemory = gatewayPid === undefined ? null : readMemory(gatewayPid);
  const gatewaySampled = Math.max(
    0,
    ...summaries.filter((s) => LEGS[s.id].server === 'gateway').map((s) => s.peakRssBytes),
  );
  const gatewayPeakRss = Math.max(gatewayMemory?.hwm ?? 0, gatewaySampled);
  const exported = sink && (await readSink(sink));
  return report({
    summaries,
    unqueued,
    gatewayPeakRss,
    gatewayHwm: gatewayMemory?.hwm ?? 0,
    exported,
    traced: legs.includes('l'),
  });
}

interface Measured {
  summaries: LegSummary[];
  unqueued: Unqueued | null;
  gatewayPeakRss: number;
  gatewayHwm: number;
  exported: { exports: number; bytes: number } | undefined;
  traced: boolean;
}

/** What the table does not show: the machine's load, memory, comparisons, tracing, one connection. */
function printFindings(measured: Measured, byId: Partial<Record<LegId, LegSummary>>): boolean {
  const { unqueued, gatewayPeakRss, gatewayHwm, exported } = measured;
  // The bench itself keeps both CPUs busy; a load before it started means other work.
  if ((loadAtStart[0] ?? 0) > 1) {
    console.log(
      `\nNOTE: the load average was already ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} before the bench ` +
        'started: other work shares this machine, expect noisy absolute numbers (alternating rounds keep the ratios usable)',
    );
  }
  console.log(
    `\ngateway peak RSS: ${(gatewayPeakRss / 2 ** 20).toFixed(1)} MB (VmHWM ${(gatewayHwm / 2 ** 20).toFixed(1)} MB)`,
  );
  printComparisons(byId);
  const { b, l } = byId;
  if (b && l && exported) {
    console.log(
      `tracing on (l): ${((1 - l.rps / b.rps) * 100).toFixed(1)}% fewer req/s than (b), ` +
        `${(l.cpuMsPerQuery - b.cpuMsPerQuery).toFixed(3)} ms more CPU per query; ` +
        `the sink received ${exported.exports} exports, ${(exported.bytes / 2 ** 20).toFixed(1)} MB`,
    );
  }
  // Leg (l) measures nothing if its spans never left the gateway.
  const untraced = measured.traced && (exported?.exports ?? 0) === 0;
  if (untraced) console.log('ERROR: leg (l) exported no spans: tracing was not on');
  if (unqueued) {
    console.log(
      `one connection (no queueing): p50 (b) ${unqueued.b.p50.toFixed(2)} ms, (d) ${unqueued.d.p50.toFixed(2)} ms, ` +
        `p50(d)/p50(b) ${unqueued.ratio.toFixed(2)}`,
    );
  }
  return untraced;
}

function report(measured: Measured): { code: number; report: object } {
  const { summaries, gatewayPeakRss } = measured;
  const byId: Partial<Record<LegId, LegSummary>> = Object.fromEntries(
    summaries.map((s) => [s.id, s]),
  );
  const results = checks(summaries, ROUNDS, gatewayPeakRss);
  console.log(
    `\nmedian over ${ROUNDS} round(s); latency over every response; err/non2xx/bad = connection errors / non-2xx / body ≠ the checked sample;`,
  );
  console.log(
    'up req/q, tags/q = upstream requests and tags served during the run per query sent (in-flight ones included); peak RSS = sampled VmRSS of the process serving the leg; CPU ms/q = the CPU time of that process (user + system, all threads) per response\n',
  );
  printTable(summaries);
  const untraced = printFindings(measured, byId);
  printTargets(results);
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
      unqueued: measured.unqueued,
      tracingExports: measured.exported ?? null,
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

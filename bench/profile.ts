/**
 * A CPU profile of the gateway under leg (b), or (d) with BENCH_PROFILE_LEG=d, or of the floor
 * under (b)'s query with BENCH_PROFILE_LEG=j, or of the gateway with tracing on, exporting to the
 * bench's OTLP sink, under (b)'s query with BENCH_PROFILE_LEG=l: the upstream and the server as
 * in the bench, run as `node --cpu-prof --cpu-prof-dir=$BENCH_PROFILE_DIR dist/main.js` (or the
 * floor's server.js), a warm-up and one load of the leg's query, then a graceful stop (the
 * profile is written on exit) and a summary of its self time.
 *
 *   node bench/dist/bench/profile.js
 *
 * Environment: BENCH_PROFILE_DIR (/tmp/prof), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2),
 * BENCH_CONNECTIONS (32), BENCH_TOP (15), BENCH_PROFILE_LEG (b). The profile stays in that
 * directory: never commit it.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatSummary, readProfile, summarise } from './cpuprofile-summary';
import { runLoad } from './lib/load';
import { killAllSync, stopAll, stopService } from './lib/processes';
import {
  FANOUT_QUERY,
  PAGE_QUERY,
  graphQLTarget,
  readSink,
  sampleQuery,
  startFloor,
  startGateway,
  startOtlpSink,
  startTracedGateway,
  startUpstream,
  type GraphQLServer,
  type Sink,
  type Upstream,
} from './lib/setup';

const DIR = process.env.BENCH_PROFILE_DIR ?? '/tmp/prof';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOP = Number(process.env.BENCH_TOP ?? 15);
const LEGS = {
  b: { title: '(b) gateway, 20-tag page', query: PAGE_QUERY, start: startGateway },
  d: { title: '(d) gateway, 10 repos × first 5', query: FANOUT_QUERY, start: startGateway },
  j: { title: '(j) floor, 20-tag page', query: PAGE_QUERY, start: startFloor },
  l: { title: '(l) gateway, tracing on, 20-tag page', query: PAGE_QUERY, start: startTraced },
};

/** The sink leg (l)'s gateway exports to. */
let sink: Sink | undefined;

async function startTraced(upstream: Upstream, nodeFlags: string[]): Promise<GraphQLServer> {
  sink = await startOtlpSink();
  return startTracedGateway(upstream, sink, nodeFlags);
}

const LEG_ID = process.env.BENCH_PROFILE_LEG ?? 'b';

async function main(): Promise<void> {
  if (LEG_ID !== 'b' && LEG_ID !== 'd' && LEG_ID !== 'j' && LEG_ID !== 'l')
    throw new Error(`BENCH_PROFILE_LEG is b, d, j or l, not "${LEG_ID}"`);
  const leg = LEGS[LEG_ID];
  mkdirSync(DIR, { recursive: true });
  const before = new Set(readdirSync(DIR));
  const upstream = await startUpstream();
  const gateway = await leg.start(upstream, ['--cpu-prof', `--cpu-prof-dir=${DIR}`]);
  const sample = await sampleQuery(leg.title, gateway.url, leg.query);
  const target = graphQLTarget(gateway.url, sample.body, leg.query);
  if (WARMUP > 0) await runLoad(target, CONNECTIONS, WARMUP);
  const result = await runLoad(target, CONNECTIONS, SECONDS);
  console.log(
    `${leg.title} under the profiler: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, ` +
      `p99 ${result.p99.toFixed(2)} ms, errors ${result.errors}/${result.non2xx}/${result.mismatches}`,
  );
  // The graceful stop also flushes the spans still buffered in the traced gateway.
  await stopService(gateway.service);
  if (sink) {
    const exported = await readSink(sink);
    // A profile of (l) says nothing about tracing if no span left the gateway.
    if (exported.exports === 0) throw new Error('leg (l) exported no spans: tracing was not on');
    console.log(
      `the sink received ${exported.exports} exports, ${(exported.bytes / 2 ** 20).toFixed(1)} MB`,
    );
  }
  const written = readdirSync(DIR).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  const file = written[0];
  if (file === undefined) throw new Error(`the server wrote no .cpuprofile into ${DIR}`);
  const path = join(DIR, file);
  console.log(`profile: ${path} (the whole server process: start-up, warm-up and load)\n`);
  console.log(formatSummary(summarise(readProfile(path)), TOP));
}

process.once('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}
main()
  .catch((error: unknown) => {
    console.error(`profile failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());

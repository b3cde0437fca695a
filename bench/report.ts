/** What the throughput legs measured: each leg's medians, the targets' checks, the printed report. */
import type { LoadResult } from './lib/load';
import { median } from './lib/stats';
import {
  GATEWAY_PEAK_RSS_MB,
  LEGS,
  TARGETS,
  describeBound,
  passes,
  type LegId,
  type LegStats,
} from './legs';

export interface LegRound extends LoadResult {
  upstreamRequestsPerQuery: number;
  tagsPerQuery: number;
  upstreamErrors: number;
  peakRssBytes: number;
  /** CPU time of the process serving the leg (all its threads) per response, in ms. */
  cpuMsPerQuery: number;
}

export interface LegSummary {
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

export function summarise(id: LegId, rounds: LegRound[]): LegSummary {
  const pick = (f: (r: LegRound) => number): number[] => rounds.map(f);
  const sum = (f: (r: LegRound) => number): number => pick(f).reduce((x, y) => x + y, 0);
  return {
    id,
    title: LEGS[id].title,
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

export interface Check {
  name: string;
  /** From the medians of the legs. */
  value: number;
  /** The same ratio within each round (legs of one round ran under the same conditions). */
  perRound: number[];
  target: string;
  pass: boolean;
}

export function checks(summaries: LegSummary[], rounds: number, gatewayPeakRss: number): Check[] {
  const medians: LegStats = Object.fromEntries(summaries.map((s) => [s.id, s]));
  const perRound: LegStats[] = Array.from({ length: rounds }, (_, i) =>
    Object.fromEntries(summaries.flatMap((s) => (s.rounds[i] ? [[s.id, s.rounds[i]]] : []))),
  );
  const list: Check[] = [];
  for (const target of TARGETS) {
    const value = target.of(medians);
    if (value === undefined || Number.isNaN(value)) continue;
    list.push({
      name: target.name,
      value,
      perRound: perRound.map((r) => target.of(r) ?? NaN),
      target: describeBound(target.bound, target.note),
      pass: passes(target.bound, value),
    });
  }
  if (gatewayPeakRss > 0) {
    const value = gatewayPeakRss / 2 ** 20;
    list.push({
      name: 'gateway peak RSS (MB)',
      value,
      perRound: [],
      target: describeBound(GATEWAY_PEAK_RSS_MB, undefined, 0),
      pass: passes(GATEWAY_PEAK_RSS_MB, value),
    });
  }
  return list;
}

export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const HEADER = [
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

export function printTable(summaries: LegSummary[]): void {
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
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => pad(cell, widths[i] ?? 0, i > 0 && i < HEADER.length - 1)).join('  ');
  console.log(line(HEADER));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function printTargets(results: Check[]): void {
  console.log('\ntargets:');
  for (const check of results) {
    const rounds =
      check.perRound.length > 1
        ? `  per round: ${check.perRound.map((v) => v.toFixed(2)).join(' / ')}`
        : '';
    console.log(
      `  ${check.pass ? 'ok    ' : 'MISSED'}  ${pad(check.name, 30)} ${pad(check.value.toFixed(2), 8, true)}   ` +
        `${pad(`target ${check.target}`, 28)}${rounds}`,
    );
  }
}

const ms = (value: number): string => `${value.toFixed(3)} ms`;

/** The figures that compare legs: the upstream's headroom, the CPU per query in steps. */
export function printComparisons(byId: Partial<Record<LegId, LegSummary>>): void {
  const { a, b, g, h, i, j } = byId;
  if (g && b) {
    const demand = b.rps * b.upstreamRequestsPerQuery;
    console.log(
      `upstream alone: ${g.rps.toFixed(0)} req/s, while (b) asked it for ${demand.toFixed(0)} req/s ` +
        `(${((demand / g.rps) * 100).toFixed(0)}% of what it can serve with this load generator)`,
    );
  }
  if (a && b && h && i) {
    console.log(
      `gateway CPU per query of (b), in steps: (h) ${ms(h.cpuMsPerQuery)} before any resolver, ` +
        `+ ${ms(i.cpuMsPerQuery - h.cpuMsPerQuery)} for the upstream request and the connection (i), ` +
        `+ ${ms(b.cpuMsPerQuery - i.cpuMsPerQuery)} for 20 edges = ${ms(b.cpuMsPerQuery)}; ` +
        `the bare proxy (a) spends ${ms(a.cpuMsPerQuery)} on all of it`,
    );
  }
  if (b && j) {
    console.log(
      `gateway CPU per query of (b) ${ms(b.cpuMsPerQuery)}, the floor (j) ${ms(j.cpuMsPerQuery)}: ` +
        `the gateway's own overhead ${ms(b.cpuMsPerQuery - j.cpuMsPerQuery)}`,
    );
  }
}

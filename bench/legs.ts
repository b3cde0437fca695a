/**
 * The throughput legs as data: for each, the process that serves it, the query it is driven
 * with, and the check of its sample answer before any load. Then the targets, each bound written
 * once as a number; the report derives its text from it.
 */
import {
  COUNT_QUERY,
  DEEP_QUERY,
  FANOUT_QUERY,
  LAST_QUERY,
  MANIFEST_QUERY,
  PAGE_QUERY,
  TYPENAME_QUERY,
  cursorAt,
  expect,
  sameData,
  upstreamNames,
  type Upstream,
} from './lib/setup';

export const LEG_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'] as const;
export type LegId = (typeof LEG_IDS)[number];

/** The processes that serve legs; `upstream` is the SWR sandbox itself. */
export type ServerName =
  'gateway' | 'bare' | 'apollo' | 'floor' | 'traced' | 'baseline' | 'upstream';

/** A leg's sample answer: its body, and the `tags` connection under each alias. */
export interface Sample {
  body: string;
  connections: Record<
    string,
    { totalCount: number; edges: { node: { name: string; manifest?: unknown } }[] }
  >;
}

export interface SampleContext {
  upstream: Upstream;
  /** The URL of the process serving the leg. */
  url: string;
  /** (b)'s sample body: what every leg serving (b)'s page must answer too. */
  reference: string;
}

export interface Leg {
  title: string;
  server: ServerName;
  /** The GraphQL query under load; null for the SWR page the upstream serves itself. */
  query: string | null;
  /** The query's variables, found before the load. */
  variables?: (context: SampleContext) => Promise<Record<string, unknown>>;
  /** Throws a CheckError unless the sample answer is the expected one. */
  check: (sample: Sample, context: SampleContext) => Promise<void> | void;
}

/** The 2,500 tags of library/app, newest first, as the sandbox serves them. */
const TAGS = 2500;

function namesOf(sample: Sample, alias = 'repository'): string[] {
  return sample.connections[alias]?.edges.map((edge) => edge.node.name) ?? [];
}

/** Legs that serve (b)'s page from another process answer exactly (b)'s data. */
function sameAsReference(title: string): Leg['check'] {
  return (sample, { reference }) => {
    sameData(title, sample.body, reference);
  };
}

export const LEGS: Record<LegId, Leg> = {
  a: {
    title: 'bare proxy, 20-tag page',
    server: 'bare',
    query: PAGE_QUERY,
    check: sameAsReference('(a) bare proxy'),
  },
  b: {
    title: 'gateway, 20-tag page',
    server: 'gateway',
    query: PAGE_QUERY,
    check: async (sample, { upstream }) => {
      const expected = await upstreamNames(upstream, 0, 20);
      expect(
        '(b)',
        sample.connections.repository?.totalCount === TAGS &&
          namesOf(sample).join() === expected.join(),
        `not the first 20 tags of the ${TAGS} of library/app`,
      );
    },
  },
  c: {
    title: 'gateway, 20 tags after tag 2001',
    server: 'gateway',
    query: DEEP_QUERY,
    variables: async ({ url }) => ({ after: await cursorAt(url, 2000) }),
    check: async (sample, { upstream }) => {
      const [expected] = await upstreamNames(upstream, 2001, 1);
      const names = namesOf(sample);
      expect(
        '(c)',
        names.length === 20 && names[0] === expected,
        `not the 20 tags from offset 2001: ${names.join()}`,
      );
    },
  },
  d: {
    title: 'gateway, 10 repos × first 5',
    server: 'gateway',
    query: FANOUT_QUERY,
    check: (sample) => {
      const connections = Object.values(sample.connections);
      expect(
        '(d)',
        connections.length === 10 && connections.every((c) => c.edges.length === 5),
        'not 10 × 5 tags',
      );
    },
  },
  e: {
    title: 'gateway, last 20',
    server: 'gateway',
    query: LAST_QUERY,
    check: async (sample, { upstream }) => {
      const expected = await upstreamNames(upstream, TAGS - 20, 20);
      const names = namesOf(sample);
      expect('(e)', names.join() === expected.join(), `not the last 20 tags: ${names.join()}`);
    },
  },
  f: {
    title: 'Apollo + RESTDataSource, 20-tag page',
    server: 'apollo',
    query: PAGE_QUERY,
    check: sameAsReference('(f) Apollo gateway'),
  },
  g: {
    title: 'upstream alone, the SWR page of (a)',
    server: 'upstream',
    query: null,
    check: (sample) => {
      expect('(g)', (JSON.parse(sample.body) as unknown[]).length === 20, 'not 20 tags');
    },
  },
  h: {
    title: 'gateway, `{ __typename }`',
    server: 'gateway',
    query: TYPENAME_QUERY,
    check: (sample) => {
      expect('(h)', sample.body.includes('"Query"'), sample.body.slice(0, 200));
    },
  },
  i: {
    title: 'gateway, `totalCount` of (b)',
    server: 'gateway',
    query: COUNT_QUERY,
    check: (sample) => {
      expect('(i)', sample.body.includes(`"totalCount":${TAGS}`), sample.body.slice(0, 200));
    },
  },
  j: {
    title: 'floor: yoga + jit + undici, 20-tag page',
    server: 'floor',
    query: PAGE_QUERY,
    check: sameAsReference('(j) floor'),
  },
  k: {
    title: 'gateway, 100 tags with manifests',
    server: 'gateway',
    query: MANIFEST_QUERY,
    check: async (sample, { upstream }) => {
      const expected = await upstreamNames(upstream, 0, 100);
      const edges = sample.connections.repository?.edges ?? [];
      expect(
        '(k)',
        namesOf(sample).join() === expected.join() && edges.every((e) => e.node.manifest != null),
        'not the first 100 tags, each with its manifest',
      );
    },
  },
  l: {
    title: 'gateway, tracing on, the page of (b)',
    server: 'traced',
    query: PAGE_QUERY,
    check: sameAsReference('(l) gateway, tracing on'),
  },
  m: {
    title: 'baseline build, the page of (b)',
    server: 'baseline',
    query: PAGE_QUERY,
    check: sameAsReference('(m) baseline build'),
  },
};

// ---------------------------------------------------------------------------------------------
// Targets

/** What the targets read of a leg: its medians, or one round's figures. */
export interface Stats {
  rps: number;
  p50: number;
  p99: number;
  upstreamRequestsPerQuery: number;
}
export type LegStats = Partial<Record<LegId, Stats>>;

/** A bound on a figure: at least, below, or equal to a number. */
export type Bound = { atLeast: number } | { below: number } | { equals: number };

export interface Target {
  name: string;
  bound: Bound;
  /** Why the bound is what it is, when the number alone does not say. */
  note?: string;
  of: (legs: LegStats) => number | undefined;
}

/** How far (c) and (e) may fall behind (b): neither the depth nor the end of a list may cost. */
const SAME_AS_B = 0.1;
/** What tracing every request may cost (l) against (b). */
const TRACING_COST = 0.15;
/** The noise within which two builds count as the same. */
const NOISE = 0.05;

const percent = (share: number): string => `${Math.round(share * 100)}%`;

export const TARGETS: Target[] = [
  { name: '(b)/(a) req/s', bound: { atLeast: 0.5 }, of: ({ a, b }) => b && a && b.rps / a.rps },
  { name: 'p99(b)/p99(a)', bound: { below: 2 }, of: ({ a, b }) => b && a && b.p99 / a.p99 },
  { name: '(b)/(j) req/s', bound: { atLeast: 0.95 }, of: ({ b, j }) => b && j && b.rps / j.rps },
  { name: '(b)/(f) req/s', bound: { atLeast: 2 }, of: ({ b, f }) => b && f && b.rps / f.rps },
  {
    name: '(c)/(b) req/s',
    bound: { atLeast: 1 - SAME_AS_B },
    note: `within ${percent(SAME_AS_B)}`,
    of: ({ b, c }) => c && b && c.rps / b.rps,
  },
  {
    name: '(e)/(b) req/s',
    bound: { atLeast: 1 - SAME_AS_B },
    note: `within ${percent(SAME_AS_B)}`,
    of: ({ b, e }) => e && b && e.rps / b.rps,
  },
  {
    name: '(d) upstream requests/query',
    bound: { equals: 10 },
    of: ({ d }) => d?.upstreamRequestsPerQuery,
  },
  {
    name: '(l)/(b) req/s, tracing on',
    bound: { atLeast: 1 - TRACING_COST },
    note: `costs ≤ ${percent(TRACING_COST)}`,
    of: ({ b, l }) => l && b && l.rps / b.rps,
  },
  {
    name: '(b)/(m) req/s, vs the baseline',
    bound: { atLeast: 1 - NOISE },
    note: 'within noise',
    of: ({ b, m }) => b && m && b.rps / m.rps,
  },
  { name: 'p50(d)/p50(b)', bound: { below: 2 }, of: ({ b, d }) => d && b && d.p50 / b.p50 },
];

/** The gateway's peak RSS, in MB, over every leg it serves. */
export const GATEWAY_PEAK_RSS_MB: Bound = { below: 150 };

/** Counts within this of an `equals` bound pass: per-query counts are averages over a run. */
const COUNT_TOLERANCE = 0.05;

export function passes(bound: Bound, value: number): boolean {
  if ('atLeast' in bound) return value >= bound.atLeast;
  if ('below' in bound) return value < bound.below;
  return Math.abs(value - bound.equals) < COUNT_TOLERANCE;
}

export function describeBound(bound: Bound, note?: string, digits = 2): string {
  const text =
    'atLeast' in bound
      ? `≥ ${bound.atLeast.toFixed(digits)}`
      : 'below' in bound
        ? `< ${bound.below.toFixed(digits)}`
        : `= ${bound.equals}`;
  return note === undefined ? text : `${text} (${note})`;
}

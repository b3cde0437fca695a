/**
 * The version order over HTTP: `tags(orderBy: {field: VERSION})` pages every tag once in the
 * reference's order (test/support/version-reference.ts), both ways, while tags are pushed; it
 * reads SWR in at most two rounds and ⌈total ÷ 1,000⌉ requests per page; `variant` and
 * `nameContains` filter it; the bound and the cost limit refuse what they must before SWR is
 * asked for more; a cursor pages from its tag's place however far it moved.
 */
import { DEFAULT_LIMITS } from '../../src/graphql/limits';
import { roundsOf } from '../../src/sandbox/server';
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { roundGate } from '../support/round-gate';
import { refParse, refSorted } from '../support/version-reference';
import { expectedNames } from './support';

const gate = roundGate();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { delay: gate.delay }, upstreamConcurrency: 16 });
});

afterAll(async () => {
  await h.close();
});

const TAGS = `query ($namespace: String!, $name: String!, $direction: OrderDirection!, $first: Int,
  $after: String, $last: Int, $before: String, $nameContains: String, $variant: String) {
  repository(namespace: $namespace, name: $name) {
    tags(orderBy: {field: VERSION, direction: $direction}, first: $first, after: $after,
      last: $last, before: $before, nameContains: $nameContains, variant: $variant) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { name } }
    }
  }
}`;

interface Page {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  edges: { cursor: string; node: { name: string } }[];
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  const body = await h.graphql(TAGS, { namespace: 'library', ...variables });
  expect(body.errors).toBeUndefined();
  return (body.data?.repository as { tags: Page }).tags;
}

function names(p: Page): string[] {
  return p.edges.map((edge) => edge.node.name);
}

/** Walks forward with `first`, or backward with `last`, to the end; each page's names. */
async function walk(
  name: string,
  direction: 'ASC' | 'DESC',
  size: number,
  way: 'forward' | 'backward',
  between: (index: number) => void = () => undefined,
): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  for (;;) {
    const p: Page = await page(
      way === 'forward'
        ? { name, direction, first: size, after: cursor }
        : { name, direction, last: size, before: cursor },
    );
    pages.push(names(p));
    const more = way === 'forward' ? p.pageInfo.hasNextPage : p.pageInfo.hasPreviousPage;
    cursor = way === 'forward' ? p.pageInfo.endCursor : p.pageInfo.startCursor;
    if (!more) break;
    between(pages.length);
  }
  return way === 'forward' ? pages : pages.reverse();
}

/** Rounds answer in any order: compare the pages read by their offsets. */
function byOffset(a: (string | undefined)[], b: (string | undefined)[]): number {
  return Number(a[1]) - Number(b[1]);
}

function sandboxNames(namespace: string, name: string): string[] {
  return expectedNames(namespace, name, { field: 'NAME', direction: 'ASC' });
}

describe('tags in the version order', () => {
  test.each([
    ['nginx', 'DESC', 20, 'forward'],
    ['nginx', 'ASC', 7, 'backward'],
    ['team/app', 'ASC', 5, 'forward'],
    ['busybox', 'DESC', 3, 'backward'],
    ['app', 'DESC', 100, 'forward'],
    ['app', 'ASC', 100, 'backward'],
  ] as const)(
    '%s %s, pages of %d, %s: every tag once, in the reference order',
    async (name, direction, size, way) => {
      const pages = await walk(name, direction, size, way);
      expect(pages.flat()).toEqual(
        refSorted(sandboxNames('library', name), direction === 'ASC' ? 'asc' : 'desc'),
      );
      // Every page is full but the one at the walk's far end.
      const full = way === 'forward' ? pages.slice(0, -1) : pages.slice(1);
      expect(full.every((p) => p.length === size)).toBe(true);
    },
  );

  test('a walk both ways while tags are pushed (new names and old ones again) sees each old tag once, in order', async () => {
    const pushes = ['0.0.1', '99.0.0', '1.2.3-alpine', 'zzz-not-a-version', 'v5.5.5'];
    const before = sandboxNames('library', 'multiarch');
    for (const way of ['forward', 'backward'] as const) {
      const pushed: string[] = [];
      const pages = await walk('multiarch', 'DESC', 2, way, (index) => {
        const tag =
          index % 2 === 0
            ? `${way}-${pushes[index % pushes.length] ?? ''}`
            : (before[index] ?? 'latest');
        h.sandbox.pushTag('library', 'multiarch', tag);
        pushed.push(tag);
      });
      const seen = pages.flat();
      expect(new Set(seen).size).toBe(seen.length);
      for (const tag of before) expect(seen.filter((name) => name === tag)).toHaveLength(1);
      expect(seen).toEqual(refSorted(seen, 'desc'));
      expect(pushed.length).toBeGreaterThan(2);
    }
  });
});

describe('reading SWR for the version order', () => {
  test.each([
    ['nginx', 97, [1]],
    ['app', 2500, [1, 2]],
  ] as const)(
    '%s (%d tags): rounds of %j, ⌈total ÷ 1000⌉ requests, every page of 1,000 after the first at once',
    async (name, total, rounds) => {
      for (const variables of [{ first: 20 }, { last: 20 }, { first: 5, after: null }]) {
        h.sandbox.resetRequests();
        gate.expectRounds(rounds);
        const p = await page({ name, direction: 'DESC', ...variables });
        const answered = gate.answered();
        gate.expectRounds([]);
        expect(p.totalCount).toBe(total);
        expect(answered).toEqual(rounds);
        const logged = roundsOf(h.sandbox.requests);
        expect(logged.map((round) => round.length)).toEqual(rounds);
        expect(h.sandbox.requests).toHaveLength(Math.ceil(total / 1000));
        expect(
          h.sandbox.requests.map((r) => [r.query.limit, r.query.offset]).sort(byOffset),
        ).toEqual(
          Array.from({ length: Math.ceil(total / 1000) }, (_, i) => ['1000', String(i * 1000)]),
        );
      }
    },
  );

  test('two connections and latestTag of one repository in one query share one read of the list', async () => {
    h.sandbox.resetRequests();
    const body = await h.graphql(`{ repository(namespace: "library", name: "app") {
      a: tags(orderBy: {field: VERSION, direction: DESC}, first: 3) { totalCount }
      b: tags(orderBy: {field: VERSION, direction: ASC}, last: 3) { totalCount }
      latestTag { name } } }`);
    expect(body.errors).toBeUndefined();
    expect(h.sandbox.requests).toHaveLength(3);
  });
});

describe('filters of the version order', () => {
  test.each([
    [{ variant: 'alpine' }, (n: string) => refParse(n)?.variant === 'alpine'],
    [{ variant: '' }, (n: string) => refParse(n)?.variant === ''],
    [{ nameContains: '1.' }, (n: string) => n.includes('1.')],
    [
      { nameContains: '1', variant: 'slim' },
      (n: string) => n.includes('1') && refParse(n)?.variant === 'slim',
    ],
  ])('%j keeps what the reference keeps, in its order', async (filters, keep) => {
    const p = await page({ name: 'app', direction: 'ASC', first: 100, ...filters });
    const expected = refSorted(sandboxNames('library', 'app').filter(keep), 'asc');
    expect(p.totalCount).toBe(expected.length);
    expect(names(p)).toEqual(expected.slice(0, 100));
  });

  test.each([
    '{ repository(namespace: "library", name: "app") { tags(orderBy: {field: VERSION, direction: ASC}, variant: "al pine") { totalCount } } }',
    '{ repository(namespace: "library", name: "app") { latestTag(variant: "x/../y") { name } } }',
  ])('a variant no tag could have is refused before SWR is asked: %s', async (query) => {
    h.sandbox.resetRequests();
    const body: GraphQLBody = await h.graphql(query);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'variant',
    });
    expect(h.sandbox.requests).toHaveLength(0);
  });

  test('a cursor of one variant is refused by another variant, and by the list without a variant', async () => {
    const alpine = await page({ name: 'app', direction: 'DESC', first: 2, variant: 'alpine' });
    h.sandbox.resetRequests();
    for (const variant of ['', 'slim', null]) {
      const body = await h.graphql(TAGS, {
        namespace: 'library',
        name: 'app',
        direction: 'DESC',
        first: 2,
        after: alpine.pageInfo.endCursor,
        variant,
      });
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'after',
      });
    }
    expect(h.sandbox.requests).toHaveLength(0);
  });

  test('`variant` with another order is refused before SWR is asked', async () => {
    h.sandbox.resetRequests();
    const body: GraphQLBody = await h.graphql(
      '{ repository(namespace: "library", name: "app") { tags(variant: "alpine") { totalCount } } }',
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(h.sandbox.requests).toHaveLength(0);
  });
});

describe('bounds', () => {
  test('a list longer than VERSION_ORDER_MAX_TAGS is refused with a code after one request; a shorter one is served', async () => {
    const bounded = await startHarness({
      limits: { ...DEFAULT_LIMITS, versionOrderMaxTags: 2000 },
    });
    try {
      const refused = await bounded.graphql(
        '{ repository(namespace: "library", name: "app") { tags(orderBy: {field: VERSION, direction: DESC}) { totalCount } } }',
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_EXPENSIVE',
        limits: { versionOrderMaxTags: 2000 },
        total: 2500,
      });
      expect(bounded.upstreamCount()).toBe(1);
      const served = await bounded.graphql(
        '{ repository(namespace: "library", name: "app") { tags(orderBy: {field: VERSION, direction: DESC}, nameContains: "1") { totalCount } } }',
      );
      expect(served.errors).toBeUndefined();
    } finally {
      await bounded.close();
    }
  });

  test('the cost limit counts ⌈VERSION_ORDER_MAX_TAGS ÷ 1000⌉ requests for each version-ordered connection', async () => {
    const field = (alias: string) =>
      `${alias}: tags(orderBy: {field: VERSION, direction: DESC}, first: 1) { totalCount }`;
    const query = (count: number) =>
      `{ repository(namespace: "library", name: "nginx") { ${Array.from({ length: count }, (_, i) => field(`t${i}`)).join(' ')} } }`;
    h.sandbox.resetRequests();
    const allowed = await h.graphql(query(5));
    expect(allowed.errors).toBeUndefined();
    const refused = await h.graphql(query(6));
    expect(refused.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(h.sandbox.requests).toHaveLength(1);
    const latest = await h.graphql(
      `{ repository(namespace: "library", name: "nginx") { latestTag { name } ${field('a')} ${field('b')} ${field('c')} ${field('d')} ${field('e')} } }`,
    );
    expect(latest.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
  });
});

describe('cursors of the version order', () => {
  test('a cursor whose tag moved by more than 2,000 places, or was deleted, still pages from its place', async () => {
    const own = await startHarness();
    try {
      const query = (variables: Record<string, unknown>) =>
        own.graphql(TAGS, { namespace: 'library', name: 'nginx', direction: 'DESC', ...variables });
      const first = await query({ first: 10 });
      const start = (first.data?.repository as { tags: Page }).tags;
      const cursor = start.pageInfo.endCursor;
      const cursorTag = start.edges[9]?.node.name ?? '';
      const pushed = Array.from({ length: 2100 }, (_, i) => `9999.${i}.0`);
      for (const tag of pushed) own.sandbox.pushTag('library', 'nginx', tag);
      const now = refSorted([...sandboxNames('library', 'nginx'), ...pushed], 'desc');
      const at = now.indexOf(cursorTag);
      expect(at).toBe(2109);
      const after = await query({ first: 10, after: cursor });
      expect(after.errors).toBeUndefined();
      expect(names((after.data?.repository as { tags: Page }).tags)).toEqual(
        now.slice(at + 1, at + 11),
      );
      const before = await query({ last: 10, before: cursor });
      expect(names((before.data?.repository as { tags: Page }).tags)).toEqual(
        now.slice(at - 10, at),
      );
      const deleted = await own.graphql(
        `mutation { deleteTag(input: { namespace: "library", repository: "nginx", tag: "${cursorTag}" }) { deletedTagId } }`,
      );
      expect(deleted.errors).toBeUndefined();
      const afterGone = await query({ first: 10, after: cursor });
      expect(names((afterGone.data?.repository as { tags: Page }).tags)).toEqual(
        now.slice(at + 1, at + 11),
      );
    } finally {
      await own.close();
    }
  });
});

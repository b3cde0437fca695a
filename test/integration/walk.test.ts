/**
 * Relay pagination is exact: walking any list forward or backward, in any order and page size,
 * yields the upstream's list exactly, and every page's pageInfo says where the page stands.
 */
import { startHarness, type Harness } from '../support/harness';
import {
  DEFAULT_ORDER,
  ORDERS,
  allCursors,
  cursorAt,
  expectPageAt,
  expectedNames,
  fetchPage,
  walkBackward,
  walkForward,
  type Connection,
  type TagOrder,
} from './support';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

const WALKED: readonly { repository: string; sizes: readonly number[] }[] = [
  { repository: 'empty', sizes: [1, 3, 7, 20] },
  { repository: 'hello', sizes: [1, 3, 7, 20] },
  { repository: 'busybox', sizes: [1, 3, 7, 20] },
  { repository: 'nginx', sizes: [1, 3, 7, 20, 100] },
  { repository: 'team/app', sizes: [1, 3, 7, 20] },
  { repository: 'tied', sizes: [1, 3, 7, 20] },
  { repository: 'multiarch', sizes: [1, 3, 7, 20] },
];

const CASES = WALKED.flatMap(({ repository, sizes }) =>
  ORDERS.flatMap((order) => sizes.map((size) => ({ repository, order, size }))),
);

function walkTags(
  repository: string,
  order: TagOrder,
  size: number,
  nameContains?: string,
): Promise<string[]> {
  return walkForward(expectedNames('library', repository, order, nameContains), size, (args) =>
    fetchPage(h, 'library', repository, {
      ...args,
      orderBy: order,
      ...(nameContains === undefined ? {} : { nameContains }),
    }),
  );
}

function walkTagsBackward(repository: string, order: TagOrder, size: number): Promise<string[]> {
  return walkBackward(expectedNames('library', repository, order), size, (args) =>
    fetchPage(h, 'library', repository, { ...args, orderBy: order }),
  );
}

describe('walking a whole list', () => {
  test.each(CASES)(
    'forward with first:$size over library/$repository in $order.field $order.direction yields the exact list',
    async ({ repository, order, size }) => {
      const names = await walkTags(repository, order, size);
      expect(names).toEqual(expectedNames('library', repository, order));
    },
  );

  test.each(CASES)(
    'backward with last:$size over library/$repository in $order.field $order.direction yields the exact list',
    async ({ repository, order, size }) => {
      const names = await walkTagsBackward(repository, order, size);
      expect(names).toEqual(expectedNames('library', repository, order));
    },
  );
});

describe('connection arguments', () => {
  const nginx = expectedNames('library', 'nginx');
  let cursors: string[];

  beforeAll(async () => {
    cursors = await allCursors(h, 'library', 'nginx');
    expect(cursors).toHaveLength(nginx.length);
  });

  test('without first or last, a connection is the first 20 tags in UPDATED_AT DESC', async () => {
    const page = await fetchPage(h, 'library', 'nginx');
    expectPageAt(page, nginx, 0, 20);
    expect(page.edges.map((edge) => edge.cursor)).toEqual(cursors.slice(0, 20));
  });

  test('cursors of the same edge are the same whatever page issued them', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { first: 7, after: cursorAt(cursors, 30) });
    expect(page.edges.map((edge) => edge.cursor)).toEqual(cursors.slice(31, 38));
  });

  test.each([
    { label: 'first:10 last:3', after: null, before: null, first: 10, last: 3, start: 7, end: 10 },
    {
      label: 'after(4) first:10 last:3',
      after: 4,
      before: null,
      first: 10,
      last: 3,
      start: 12,
      end: 15,
    },
    {
      label: 'after(4) before(20) first:10 last:3',
      after: 4,
      before: 20,
      first: 10,
      last: 3,
      start: 12,
      end: 15,
    },
    {
      label: 'after(4) before(10) first:10 last:3',
      after: 4,
      before: 10,
      first: 10,
      last: 3,
      start: 7,
      end: 10,
    },
    {
      label: 'before(10) first:5 last:3',
      after: null,
      before: 10,
      first: 5,
      last: 3,
      start: 2,
      end: 5,
    },
    {
      label: 'after(4) before(10) first:2 last:30',
      after: 4,
      before: 10,
      first: 2,
      last: 30,
      start: 5,
      end: 7,
    },
    {
      label: 'after(4) before(10)',
      after: 4,
      before: 10,
      first: null,
      last: null,
      start: 5,
      end: 10,
    },
    {
      label: 'after(90) last:3',
      after: 90,
      before: null,
      first: null,
      last: 3,
      start: 94,
      end: 97,
    },
    {
      label: 'after(90) last:30',
      after: 90,
      before: null,
      first: null,
      last: 30,
      start: 91,
      end: 97,
    },
    { label: 'before(5) last:30', after: null, before: 5, first: null, last: 30, start: 0, end: 5 },
    {
      label: 'after(10) before(5)',
      after: 10,
      before: 5,
      first: 3,
      last: null,
      start: 11,
      end: 11,
    },
    {
      label: 'first:100 last:100',
      after: null,
      before: null,
      first: 100,
      last: 100,
      start: 0,
      end: 97,
    },
  ])('$label selects the window after/before, then first, then last', async (c) => {
    const page = await fetchPage(h, 'library', 'nginx', {
      first: c.first,
      last: c.last,
      after: c.after === null ? null : cursorAt(cursors, c.after),
      before: c.before === null ? null : cursorAt(cursors, c.before),
    });
    expectPageAt(page, nginx, c.start, c.end - c.start);
  });

  test('after the last edge, the page is empty, with hasPreviousPage true', async () => {
    const page = await fetchPage(h, 'library', 'nginx', {
      first: 10,
      after: cursorAt(cursors, nginx.length - 1),
    });
    expectPageAt(page, nginx, nginx.length, 0);
    expect(page.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });

  test('before the first edge, the page is empty, with hasNextPage true', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { last: 10, before: cursorAt(cursors, 0) });
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
    expect(page.edges).toEqual([]);
    expect(page.totalCount).toBe(nginx.length);
  });

  test('first:0 gives an empty page that still counts the list and says tags follow', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { first: 0 });
    expectPageAt(page, nginx, 0, 0);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  test('first:0 after an edge says tags precede and follow', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { first: 0, after: cursorAt(cursors, 4) });
    expectPageAt(page, nginx, 5, 0);
    expect(page.pageInfo.hasPreviousPage).toBe(true);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  test('last:0 gives an empty page at the end of the list', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { last: 0 });
    expectPageAt(page, nginx, nginx.length, 0);
    expect(page.pageInfo.hasPreviousPage).toBe(true);
  });

  test('first:0 on the empty repository says nothing precedes or follows', async () => {
    const page = await fetchPage(h, 'library', 'empty', { first: 0 });
    expect(page).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      edges: [],
      nodes: [],
    });
  });

  test('first:100 on a 97-tag list returns the whole list on one page', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { first: 100 });
    expectPageAt(page, nginx, 0, nginx.length);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });
});

describe('nameContains', () => {
  test.each([
    { repository: 'nginx', fragment: 'alpine', size: 3 },
    { repository: 'nginx', fragment: '.1', size: 7 },
    { repository: 'tied', fragment: 'sha-', size: 2 },
    { repository: 'busybox', fragment: '1.36.1', size: 1 },
  ])(
    'totalCount counts the tags of library/$repository containing "$fragment" and a walk yields exactly them',
    async ({ repository, fragment, size }) => {
      for (const order of ORDERS) {
        const expected = expectedNames('library', repository, order, fragment);
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(expectedNames('library', repository).length);
        expect(expected.every((name) => name.includes(fragment))).toBe(true);
        const names = await walkTags(repository, order, size, fragment);
        expect(names).toEqual(expected);
      }
    },
  );

  test('a fragment that no tag contains gives an empty list with totalCount 0', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { nameContains: 'zzzz' });
    expect(page).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      edges: [],
      nodes: [],
    });
  });

  test('the match is case-sensitive', async () => {
    const page = await fetchPage(h, 'library', 'nginx', { nameContains: 'ALPINE' });
    expect(page.totalCount).toBe(0);
  });
});

describe('a large list (library/app, 2500 tags)', () => {
  const app = expectedNames('library', 'app');

  test('walking it with first:100 yields the exact list page by page', async () => {
    const names: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 25; pages++) {
      const page: Connection = await fetchPage(h, 'library', 'app', { first: 100, after });
      expectPageAt(page, app, names.length, 100);
      names.push(...page.edges.map((edge) => edge.node.name));
      after = page.pageInfo.endCursor;
    }
    expect(names).toEqual(app);
    const end = await fetchPage(h, 'library', 'app', { first: 100, after });
    expectPageAt(end, app, app.length, 0);
  });

  test('a deep page after a cursor past 2000, not aligned to the page size, is exact', async () => {
    let after: string | null = null;
    let page: Connection | undefined;
    for (let pages = 0; pages < 21; pages++) {
      page = await fetchPage(h, 'library', 'app', { first: 100, after });
      after = page.pageInfo.endCursor;
    }
    // The 21st page holds offsets 2000..2099; continue after its 50th edge (offset 2049).
    const cursor = page?.edges[49]?.cursor ?? null;
    expect(cursor).not.toBeNull();
    const deep = await fetchPage(h, 'library', 'app', { first: 100, after: cursor });
    expectPageAt(deep, app, 2050, 100);
    const deepBack = await fetchPage(h, 'library', 'app', { last: 37, before: cursor });
    expectPageAt(deepBack, app, 2049 - 37, 37);
  });

  test('last:100 gives the list end, and before its start the page preceding it', async () => {
    const tail = await fetchPage(h, 'library', 'app', { last: 100 });
    expectPageAt(tail, app, 2400, 100);
    const previous = await fetchPage(h, 'library', 'app', {
      last: 100,
      before: tail.pageInfo.startCursor,
    });
    expectPageAt(previous, app, 2300, 100);
  });

  test.each(ORDERS)('last:7 in %o is the end of the list in that order', async (order) => {
    const all = expectedNames('library', 'app', order);
    const page = await fetchPage(h, 'library', 'app', { last: 7, orderBy: order });
    expectPageAt(page, all, all.length - 7, 7);
  });
});

describe('repository names with a slash', () => {
  test('repository(namespace:"library", name:"team/app") pages through team/app', async () => {
    const result = await h.graphql<{
      data?: { repository: { namespace: string; name: string; tags: Connection } };
    }>(
      `{ repository(namespace: "library", name: "team/app") {
           namespace name
           tags(first: 5) {
             totalCount
             pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
             edges { cursor node { name } }
             nodes { name }
           }
         } }`,
    );
    const repository = result.data?.repository;
    expect(repository?.namespace).toBe('library');
    expect(repository?.name).toBe('team/app');
    if (!repository) throw new Error('no repository');
    expectPageAt(repository.tags, expectedNames('library', 'team/app'), 0, 5);
    expect(
      h.sandbox.requests.some((request) => request.path.includes('/repos/team$app/tags')),
    ).toBe(true);
  });

  test('team/app and app are different lists', async () => {
    const team = await fetchPage(h, 'library', 'team/app', { first: 100 });
    expect(team.totalCount).toBe(23);
    expect(team.edges.map((edge) => edge.node.name)).toEqual(expectedNames('library', 'team/app'));
  });
});

test('the default order is UPDATED_AT DESC', async () => {
  const implicit = await fetchPage(h, 'library', 'tied', { first: 40 });
  const explicit = await fetchPage(h, 'library', 'tied', { first: 40, orderBy: DEFAULT_ORDER });
  expect(implicit.edges.map((edge) => edge.node.name)).toEqual(expectedNames('library', 'tied'));
  expect(implicit).toEqual(explicit);
});

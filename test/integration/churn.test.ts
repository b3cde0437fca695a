import { expectedTags } from '../support/sandbox-data';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';
import { settleNameOrder } from './support';

/**
 * Cursors that survive pushes: pages read while tags are pushed, pushed again and deleted
 * between them return every tag that stayed unchanged exactly once, in order, and no tag after
 * its deletion; and cost no more than one extra upstream request per page when something moved.
 */

type Field = 'UPDATED_AT' | 'NAME';
type Direction = 'ASC' | 'DESC';

interface Page {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  nodes: { name: string }[];
}

const QUERY = /* GraphQL */ `
  query Churn($first: Int, $after: String, $last: Int, $before: String, $orderBy: TagOrder) {
    repository(namespace: "library", name: "nginx") {
      tags(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
        totalCount
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
        nodes {
          name
        }
      }
    }
  }
`;

const PAGE = 10;

async function page(h: Harness, variables: Record<string, unknown>): Promise<Page> {
  const body = await h.graphql<{
    data?: { repository: { tags: Page } };
    errors?: unknown[];
  }>(QUERY, variables);
  if (!body.data || body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data.repository.tags;
}

/** Deletes a tag in the sandbox directly, as another SWR client would. */
async function deleteTag(h: Harness, name: string): Promise<void> {
  const response = await fetch(
    `${h.sandbox.url}/v2/manage/namespaces/library/repos/nginx/tags/${name}`,
    {
      method: 'DELETE',
      headers: { 'x-auth-token': DEMO_TOKEN, 'content-type': 'application/json' },
    },
  );
  expect(response.status).toBe(204);
}

function upstreamGets(h: Harness): number {
  return h.sandbox.requests.filter((request) => request.method === 'GET').length;
}

interface Walk {
  /** The names each page served, in list order, pages in the order read. */
  pages: string[][];
  /** Upstream GETs each page cost. */
  costs: number[];
  changed: Set<string>;
  /** For each deleted tag, the number of pages read before it was deleted. */
  deletedAfterPages: Map<string, number>;
}

/**
 * Walks library/nginx forward (`first`/`after`) or backward (`last`/`before`); between pages,
 * when `edit` is set, pushes a new tag, pushes an existing one again and deletes another.
 */
async function walk(
  h: Harness,
  orderBy: { field: Field; direction: Direction },
  backward: boolean,
  edit: boolean,
): Promise<Walk> {
  const initial = names(orderBy);
  const untouched = [...initial];
  const walked: Walk = { pages: [], costs: [], changed: new Set(), deletedAfterPages: new Map() };
  let cursor: string | null = null;
  for (let index = 0; index < 40; index++) {
    const before = upstreamGets(h);
    const current: Page = await page(h, {
      orderBy,
      ...(backward ? { last: PAGE, before: cursor } : { first: PAGE, after: cursor }),
    });
    walked.costs.push(upstreamGets(h) - before);
    walked.pages.push(current.nodes.map((node) => node.name));
    const more = backward ? current.pageInfo.hasPreviousPage : current.pageInfo.hasNextPage;
    if (!more) return walked;
    cursor = backward ? current.pageInfo.startCursor : current.pageInfo.endCursor;
    if (!edit) continue;
    // A new tag, an existing tag pushed again, and a deleted tag, picked among the untouched.
    const pushed = `churn-${index}`;
    h.sandbox.pushTag('library', 'nginx', pushed);
    walked.changed.add(pushed);
    for (const [pick, remove] of [
      [(index * 7 + 3) % untouched.length, false],
      [(index * 13 + 5) % (untouched.length - 1), true],
    ] as const) {
      const [name] = untouched.splice(pick, 1);
      if (name === undefined) continue;
      walked.changed.add(name);
      if (remove) {
        await deleteTag(h, name);
        walked.deletedAfterPages.set(name, walked.pages.length);
      } else {
        h.sandbox.pushTag('library', 'nginx', name);
      }
    }
  }
  throw new Error('the walk did not end');
}

function names(orderBy: { field: Field; direction: Direction }): string[] {
  return expectedTags(
    'library',
    'nginx',
    orderBy.field === 'NAME' ? 'tag' : 'updated_at',
    orderBy.direction === 'ASC' ? 'asc' : 'desc',
  ).map((tag) => tag.Tag);
}

const ORDERS: { field: Field; direction: Direction }[] = [
  { field: 'UPDATED_AT', direction: 'DESC' },
  { field: 'UPDATED_AT', direction: 'ASC' },
  { field: 'NAME', direction: 'ASC' },
  { field: 'NAME', direction: 'DESC' },
];

/** A harness whose gateway counts the steady requests of the name order (`settleNameOrder`). */
async function startSettledHarness(): Promise<Harness> {
  const h = await startHarness();
  await settleNameOrder(h);
  return h;
}

describe.each(ORDERS)('paging library/nginx by $field $direction while it changes', (orderBy) => {
  for (const backward of [false, true]) {
    const how = backward ? 'backward (last/before)' : 'forward (first/after)';

    test(`${how}: every unchanged tag once, in order; nothing after its deletion; ≤ 1 extra request a page`, async () => {
      const plainHarness = await startSettledHarness();
      const editedHarness = await startSettledHarness();
      try {
        // 97 demo tags and three pushed: a 100-tag repository.
        for (const h of [plainHarness, editedHarness]) {
          for (const name of ['seed-1', 'seed-2', 'seed-3'])
            h.sandbox.pushTag('library', 'nginx', name);
        }
        const seeded = (await page(plainHarness, { orderBy, first: 1 })).totalCount;
        expect(seeded).toBe(100);
        const plain = await walk(plainHarness, orderBy, backward, false);
        const edited = await walk(editedHarness, orderBy, backward, true);

        const inOrder = (walked: Walk): string[] =>
          (backward ? [...walked.pages].reverse() : walked.pages).flat();
        // Unchanged list: the walk is the list itself, one request a page.
        const plainNames = inOrder(plain);
        expect(new Set(plainNames).size).toBe(100);
        // One request a page (`last` alone reads the reversed list's head: nginx's times differ).
        const [plainFirst, ...plainRest] = plain.costs;
        expect(plainFirst).toBe(1);
        expect(plainRest.every((cost) => cost === 1)).toBe(true);

        // Changing list: the unchanged tags exactly once and in the order of the plain walk.
        const unchanged = plainNames.filter((name) => !edited.changed.has(name));
        expect(inOrder(edited).filter((name) => !edited.changed.has(name))).toEqual(unchanged);
        expect(edited.changed.size).toBeGreaterThan(20);
        edited.pages.forEach((names, index) => {
          for (const name of names) {
            const deletedAfter = edited.deletedAfterPages.get(name);
            if (deletedAfter !== undefined) expect(index).toBeLessThan(deletedAfter);
          }
        });
        // At most one extra upstream request a page when something moved.
        const [editedFirst, ...editedRest] = edited.costs;
        expect(editedFirst).toBe(plainFirst);
        expect(Math.max(...editedRest)).toBeLessThanOrEqual(2);
        expect(editedRest.some((cost) => cost === 2)).toBe(true);
      } finally {
        await plainHarness.close();
        await editedHarness.close();
      }
    });
  }
});

test('a cursor whose tag moved far beyond a page is still followed correctly', async () => {
  const h = await startHarness();
  try {
    const orderBy = { field: 'UPDATED_AT' as const, direction: 'DESC' as const };
    const first = await page(h, { orderBy, first: 5 });
    // 40 pushes move every tag of the first page 40 places down the time order.
    for (let index = 0; index < 40; index++) h.sandbox.pushTag('library', 'nginx', `far-${index}`);
    const next = await page(h, { orderBy, first: 5, after: first.pageInfo.endCursor });
    expect(next.nodes.map((node) => node.name)).toEqual(names(orderBy).slice(5, 10));
    expect(next.pageInfo.hasPreviousPage).toBe(true);
  } finally {
    await h.close();
  }
});

test('a cursor whose key was tampered with is refused without an upstream request', async () => {
  const h = await startHarness();
  try {
    const first = await page(h, { first: 2 });
    const decoded = Buffer.from(first.pageInfo.endCursor ?? '', 'base64url').toString('latin1');
    const tampered = Buffer.from(decoded.replace(/@.*$/, '@yesterday')).toString('base64url');
    h.sandbox.resetRequests();
    const body = await h.graphql<{ errors?: { extensions?: { code?: string } }[] }>(QUERY, {
      first: 2,
      after: tampered,
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(h.sandbox.requests).toHaveLength(0);
  } finally {
    await h.close();
  }
});

test('`last` alone reads the reversed head: one request, two where update times tie; exact both ways', async () => {
  const h = await startSettledHarness();
  try {
    for (const [repository, field, requests] of [
      ['nginx', 'UPDATED_AT', 1],
      ['nginx', 'NAME', 1],
      ['tied', 'UPDATED_AT', 2],
      ['tied', 'NAME', 1],
    ] as const) {
      for (const direction of ['ASC', 'DESC'] as const) {
        h.sandbox.resetRequests();
        const body = await h.graphql<{
          data: { repository: { tags: { nodes: { name: string }[]; totalCount: number } } };
        }>(
          `query ($name: String!, $orderBy: TagOrder) {
            repository(namespace: "library", name: $name) {
              tags(last: 7, orderBy: $orderBy) { totalCount nodes { name } }
            }
          }`,
          { name: repository, orderBy: { field, direction } },
        );
        const all = expectedTags(
          'library',
          repository,
          field === 'NAME' ? 'tag' : 'updated_at',
          direction === 'ASC' ? 'asc' : 'desc',
        ).map((tag) => tag.Tag);
        expect(body.data.repository.tags.nodes.map((node) => node.name)).toEqual(all.slice(-7));
        expect(body.data.repository.tags.totalCount).toBe(all.length);
        expect(h.sandbox.requests).toHaveLength(requests);
        // The first request reads the reversed list.
        expect(h.sandbox.requests[0]?.query.order_type).toBe(direction === 'ASC' ? 'desc' : 'asc');
      }
    }
  } finally {
    await h.close();
  }
});

describe('cursors whose offset is far from their tag', () => {
  const APP_QUERY = /* GraphQL */ `
    query App($first: Int, $after: String, $before: String) {
      repository(namespace: "library", name: "app") {
        tags(first: $first, after: $after, before: $before) {
          totalCount
          pageInfo {
            hasNextPage
          }
          nodes {
            name
          }
        }
      }
    }
  `;

  interface Answer {
    data?: { repository: { tags: Page } } | null;
    errors?: { message: string; extensions?: { code?: string; argument?: string } }[];
  }

  // Both tests only read: one gateway and sandbox serve them.
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  /**
   * The page after (or before) a cursor of library/app's newest-first list made with this offset
   * and key (name@time), and the upstream GETs it cost.
   */
  async function pageAfter(
    offset: number,
    key: string,
    side: 'after' | 'before' = 'after',
  ): Promise<{ body: Answer; gets: number }> {
    const first = await h.graphql<{
      data: { repository: { tags: { edges: { cursor: string }[] } } };
    }>('{ repository(namespace: "library", name: "app") { tags(first: 1) { edges { cursor } } } }');
    const issued = first.data.repository.tags.edges[0]?.cursor ?? '';
    const [version, scope] = Buffer.from(issued, 'base64url').toString('latin1').split(':');
    const cursor = Buffer.from(`${version}:${scope}:${offset}:${key}`).toString('base64url');
    h.sandbox.resetRequests();
    const body = await h.graphql<Answer>(APP_QUERY, { first: 5, [side]: cursor });
    return { body, gets: upstreamGets(h) };
  }

  test('an offset far past the end of the list is searched from its end: two requests', async () => {
    const { body, gets } = await pageAfter(2_000_000_000, 'gone-long-ago@2000-01-01T00:00:00Z');
    expect(body.errors).toBeUndefined();
    // The tag sorts after every tag there is: nothing follows it.
    expect(body.data?.repository.tags).toEqual({
      totalCount: 2500,
      pageInfo: { hasNextPage: false },
      nodes: [],
    });
    expect(gets).toBeLessThanOrEqual(2);
  });

  test('a `before` offset far past the end is searched for around the end, never read up to: two requests', async () => {
    const { body, gets } = await pageAfter(
      2_000_000_000,
      'gone-long-ago@2000-01-01T00:00:00Z',
      'before',
    );
    expect(body.errors).toBeUndefined();
    // The tag sorts after every tag there is: the first five come before it.
    const newest = expectedTags('library', 'app', 'updated_at', 'desc').slice(0, 5);
    expect(body.data?.repository.tags).toEqual({
      totalCount: 2500,
      pageInfo: { hasNextPage: true },
      nodes: newest.map((tag) => ({ name: tag.Tag })),
    });
    expect(gets).toBe(2);
  });

  test('a tag further from its offset than the search reads is refused, after a few requests', async () => {
    // At offset 2400, a tag whose time sorts before every tag of the list (at offset 0).
    const { body, gets } = await pageAfter(2400, 'moved@2100-01-01T00:00:00Z');
    expect(body.data?.repository ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(body.errors?.[0]?.message).toContain('moved too far');
    expect(gets).toBeLessThanOrEqual(12);
  });
});

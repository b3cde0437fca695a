/**
 * The gateway's connections as Apollo Client 4 consumes them: an InMemoryCache whose
 * `Repository.tags` field policy is `relayStylePagination(['orderBy', 'nameContains'])` (the
 * codegen fixture's cache.ts, which the README shows), an HttpLink to the gateway, a first
 * page from `client.query`, then `fetchMore` from the merged result's cursors. The merged edges must be the sandbox's exact list, each order and filter
 * kept apart in the cache, and no Apollo warning printed.
 */
import {
  ApolloClient,
  HttpLink,
  gql,
  type ObservableQuery,
  type TypedDocumentNode,
} from '@apollo/client';
import fc from 'fast-check';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';
import { createCache } from './codegen-app/src/cache';
import {
  NAME_ASC,
  UPDATED_DESC,
  expectedNames,
  orderLabel,
  probe,
  spyOnConsole,
  type TagOrder,
} from './support';

interface TagsData {
  repository: {
    __typename?: 'Repository';
    namespace: string;
    name: string;
    tags: {
      totalCount: number;
      edges: { cursor: string; node: { id: string; name: string; updatedAt: string } }[];
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
    };
  } | null;
}

interface TagsVariables {
  [name: string]: unknown;
  namespace: string;
  name: string;
  orderBy: TagOrder;
  nameContains?: string | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const TAGS: TypedDocumentNode<TagsData, TagsVariables> = gql`
  query ApolloTags(
    $namespace: String!
    $name: String!
    $orderBy: TagOrder!
    $nameContains: String
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    repository(namespace: $namespace, name: $name) {
      namespace
      name
      tags(
        orderBy: $orderBy
        nameContains: $nameContains
        first: $first
        after: $after
        last: $last
        before: $before
      ) {
        totalCount
        edges {
          cursor
          node {
            id
            name
            updatedAt
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  }
`;

let h: Harness;
let consoleSpy: ReturnType<typeof spyOnConsole>;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  consoleSpy = spyOnConsole();
});

afterEach(() => {
  consoleSpy.restore();
});

interface Client {
  apollo: ApolloClient;
  /** The variables of every request the link sent. */
  requests: unknown[];
}

function createClient(url = h.url): Client {
  const requests: unknown[] = [];
  const countingFetch: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') {
      requests.push((JSON.parse(init.body) as { variables?: unknown }).variables);
    }
    return fetch(input, init);
  };
  const apollo = new ApolloClient({
    link: new HttpLink({
      uri: url,
      headers: { 'x-auth-token': DEMO_TOKEN },
      fetch: countingFetch,
    }),
    // The cache configuration the README documents.
    cache: createCache(),
  });
  return { apollo, requests };
}

interface TagList {
  namespace: string;
  name: string;
  orderBy: TagOrder;
  nameContains?: string;
}

type Direction = 'forward' | 'backward';

function firstPage(list: TagList, direction: Direction, size: number): TagsVariables {
  return direction === 'forward' ? { ...list, first: size } : { ...list, last: size };
}

function tagsOf(data: TagsData | undefined): NonNullable<TagsData['repository']>['tags'] {
  const tags = data?.repository?.tags;
  if (!tags) throw new Error('no tags in the result');
  return tags;
}

interface Watcher {
  /** Resolves with the first complete result emitted (or already emitted) that `test` accepts. */
  until(test: (data: TagsData) => boolean, what: string): Promise<TagsData>;
  unsubscribe(): void;
}

/** Subscribes to a watched query, as a mounted component would, and keeps its latest result. */
function watch(observable: ObservableQuery<TagsData, TagsVariables>): Watcher {
  let latest: TagsData | undefined;
  let failure: unknown;
  const listeners = new Set<() => void>();
  const subscription = observable.subscribe({
    next: (result) => {
      if (result.dataState === 'complete') latest = result.data;
      for (const listener of listeners) listener();
    },
    error: (error: unknown) => {
      failure = error;
      for (const listener of listeners) listener();
    },
  });
  return {
    until: (test, what) =>
      new Promise<TagsData>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the watched query emitted no result with ${what} within 5 s`));
        }, 5_000);
        function check(): void {
          if (failure === undefined && !(latest && test(latest))) return;
          clearTimeout(timer);
          listeners.delete(check);
          if (failure !== undefined)
            reject(failure instanceof Error ? failure : new Error('failed'));
          else if (latest) resolve(latest);
        }
        listeners.add(check);
        check();
      }),
    unsubscribe: () => {
      subscription.unsubscribe();
    },
  };
}

/**
 * `client.query` for the first page from one end, then `fetchMore` with `after: endCursor`
 * (forward) or `before: startCursor` (backward) of the merged connection until it says there
 * is no more. The merged connection is read from the cache after each page (the watched
 * query's own update arrives a tick after `fetchMore` resolves); at the end the watched query
 * must deliver the same. Returns the merged connection.
 */
async function walk(
  client: Client,
  list: TagList,
  direction: Direction,
  size: number,
  listLength: number,
): Promise<ReturnType<typeof tagsOf>> {
  const maxPages = Math.max(1, Math.ceil(listLength / size));
  const variables = firstPage(list, direction, size);
  const first = await client.apollo.query({ query: TAGS, variables, fetchPolicy: 'network-only' });
  expect(tagsOf(first.data).edges).toHaveLength(Math.min(size, listLength));
  const requestsBefore = client.requests.length;
  const observable = client.apollo.watchQuery({ query: TAGS, variables });
  const watched = watch(observable);
  try {
    await watched.until(() => true, 'the first page');
    // The watched query is answered from the cache that client.query filled.
    expect(client.requests.length).toBe(requestsBefore);
    for (let pages = 1; ; pages++) {
      const tags = readList(client, list, direction, size);
      const more =
        direction === 'forward' ? tags.pageInfo.hasNextPage : tags.pageInfo.hasPreviousPage;
      if (!more) {
        const edges = JSON.stringify(tags.edges);
        const delivered = await watched.until(
          (data) => JSON.stringify(tagsOf(data).edges) === edges,
          `the ${tags.edges.length} merged edges`,
        );
        expect(tagsOf(delivered)).toEqual(tags);
        return tags;
      }
      if (pages >= maxPages) {
        throw new Error(
          `${direction === 'forward' ? 'hasNextPage' : 'hasPreviousPage'} is still true after ${pages} pages of ${size}, but the list has ${listLength} tags`,
        );
      }
      const cursor = direction === 'forward' ? tags.pageInfo.endCursor : tags.pageInfo.startCursor;
      if (cursor === null) throw new Error(`page ${pages} has more tags but no cursor`);
      await observable.fetchMore({
        variables: direction === 'forward' ? { after: cursor } : { before: cursor },
      });
    }
  } finally {
    watched.unsubscribe();
  }
}

/** The merged connection is exactly `names`, each tag once, with pageInfo of the whole list. */
function expectWholeList(tags: ReturnType<typeof tagsOf>, names: readonly string[]): void {
  expect(tags.edges.map((edge) => edge.node.name)).toEqual(names);
  expect(new Set(tags.edges.map((edge) => edge.node.id)).size).toBe(names.length);
  expect(new Set(tags.edges.map((edge) => edge.cursor)).size).toBe(names.length);
  expect(tags.totalCount).toBe(names.length);
  expect(tags.pageInfo).toMatchObject({
    hasNextPage: false,
    hasPreviousPage: false,
    startCursor: tags.edges[0]?.cursor ?? null,
    endCursor: tags.edges[tags.edges.length - 1]?.cursor ?? null,
  });
}

/** Random merged edges' cursors, given back to the gateway, point at the tags next to them. */
async function expectCursorsPointAtTheirTags(
  list: TagList,
  names: readonly string[],
  tags: ReturnType<typeof tagsOf>,
): Promise<void> {
  if (names.length === 0) return;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: names.length - 1 }), async (index) => {
      const cursor = tags.edges[index]?.cursor;
      if (cursor === undefined) throw new Error(`no edge ${index}`);
      const after = await probe(h, list, { first: 1, after: cursor });
      const before = await probe(h, list, { last: 1, before: cursor });
      expect({ index, after, before }).toEqual({
        index,
        after: names.slice(index + 1, index + 2),
        before: names.slice(Math.max(0, index - 1), index),
      });
    }),
    { numRuns: 8, examples: [[0], [Math.min(1, names.length - 1)], [names.length - 1]] },
  );
}

/** What the cache answers now for a list's first-page variables. */
function readList(client: Client, list: TagList, direction: Direction, size: number) {
  return tagsOf(
    client.apollo.readQuery({ query: TAGS, variables: firstPage(list, direction, size) }) ??
      undefined,
  );
}

const LISTS: readonly { list: TagList; size: number }[] = [
  { list: { namespace: 'library', name: 'nginx', orderBy: UPDATED_DESC }, size: 10 },
  { list: { namespace: 'library', name: 'nginx', orderBy: NAME_ASC }, size: 10 },
  {
    list: { namespace: 'library', name: 'nginx', orderBy: UPDATED_DESC, nameContains: 'sha-' },
    size: 5,
  },
  {
    list: { namespace: 'library', name: 'nginx', orderBy: NAME_ASC, nameContains: '.1' },
    size: 10,
  },
  { list: { namespace: 'library', name: 'team/app', orderBy: NAME_ASC }, size: 4 },
  { list: { namespace: 'library', name: 'tied', orderBy: UPDATED_DESC }, size: 7 },
];

function label({ list, size }: { list: TagList; size: number }): string {
  const filter = list.nameContains === undefined ? '' : ` nameContains "${list.nameContains}"`;
  return `${list.namespace}/${list.name} ${orderLabel(list.orderBy)}${filter}, pages of ${size}`;
}

describe.each(['forward', 'backward'] as const)(
  '@apollo/client relayStylePagination, %s',
  (direction) => {
    it('merges every list exactly, each order and filter kept apart in one cache', async () => {
      const client = createClient();
      for (const walked of LISTS) {
        const names = expectedNames(
          walked.list.namespace,
          walked.list.name,
          walked.list.orderBy,
          walked.list.nameContains,
        );
        expect(names.length).toBeGreaterThan(walked.size);
        const before = client.requests.length;
        const tags = await walk(client, walked.list, direction, walked.size, names.length);
        expect({ list: label(walked), requests: client.requests.length - before }).toEqual({
          list: label(walked),
          requests: Math.ceil(names.length / walked.size),
        });
        expectWholeList(tags, names);
        await expectCursorsPointAtTheirTags(walked.list, names, tags);
      }
      // After all the walks, each list is still whole and in its own order in the cache.
      for (const walked of LISTS) {
        const names = expectedNames(
          walked.list.namespace,
          walked.list.name,
          walked.list.orderBy,
          walked.list.nameContains,
        );
        expect({
          list: label(walked),
          names: readList(client, walked.list, direction, walked.size).edges.map(
            (edge) => edge.node.name,
          ),
        }).toEqual({ list: label(walked), names });
      }
      // One normalized Tag per tag: the lists of one repository share its Tag objects.
      const cache = client.apollo.cache.extract() as Record<string, { __typename?: string }>;
      const tagEntities = Object.values(cache).filter((entity) => entity.__typename === 'Tag');
      const totalTags = ['nginx', 'team/app', 'tied']
        .map((name) => expectedNames('library', name, UPDATED_DESC).length)
        .reduce((sum, count) => sum + count, 0);
      expect(tagEntities).toHaveLength(totalTags);
      expect(consoleSpy.messages()).toEqual([]);
    });
  },
);

it('@apollo/client: a forward and a backward walk of the same list merge to the same edges', async () => {
  const list = { namespace: 'library', name: 'nginx', orderBy: NAME_ASC };
  const forward = await walk(createClient(), list, 'forward', 9, 97);
  const backward = await walk(createClient(), list, 'backward', 11, 97);
  expect(forward.edges).toEqual(backward.edges);
  expect(consoleSpy.messages()).toEqual([]);
});

describe.each(['otc-2025', 'otc-2024', 'huaweicloud'] as const)(
  '@apollo/client against the %s server (sandbox flavor)',
  (flavor) => {
    let flavored: Harness;

    beforeAll(async () => {
      flavored = await startHarness({ sandbox: { flavor } });
    });

    afterAll(async () => {
      await flavored.close();
    });

    it.each([UPDATED_DESC, NAME_ASC])(
      'walks library/nginx in %o forward and backward to the exact list',
      async (orderBy) => {
        const list = { namespace: 'library', name: 'nginx', orderBy };
        const names = expectedNames('library', 'nginx', orderBy);
        const forward = await walk(createClient(flavored.url), list, 'forward', 9, names.length);
        expectWholeList(forward, names);
        const backward = await walk(createClient(flavored.url), list, 'backward', 11, names.length);
        expect(backward.edges).toEqual(forward.edges);
        expect(consoleSpy.messages()).toEqual([]);
      },
    );
  },
);

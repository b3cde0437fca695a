/**
 * The gateway as a Relay app uses it. relay-compiler compiles the fixture's documents
 * (`relay-app/`) against the schema the gateway serves, and relay-runtime runs the compiled
 * artifacts: a query, then every further page through the compiler's pagination query, which
 * refetches the connection's owner through `node(id:)`, exactly as `usePaginationFragment`'s
 * `loadNext` and `loadPrevious` do. Each walk must leave the fragment and the store's
 * connection record holding the sandbox's exact list, every item once and in order, each page
 * one SWR request, and Relay silent: no console warning or error (Relay's `warning` module
 * writes to `console.error`) and no event in its field logger.
 */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  ConnectionHandler,
  __internal,
  commitLocalUpdate,
  createOperationDescriptor,
  type ConcreteRequest,
  type ReaderFragment,
  type ReadOnlyRecordProxy,
} from 'relay-runtime';
import { settleNameOrder } from '../integration/support';
import { startHarness, type Harness } from '../support/harness';
import {
  REPOSITORY_ORDERS,
  expectedRepositoryNames,
  ORDERS as TAG_ORDERS,
  upstreamOf,
  type RepositoryOrder,
} from '../integration/support';
import { compileRelayApp, type RelayApp } from './generate';
import {
  createRelayClient,
  loadQuery,
  readFragment,
  refetchFragment,
  refetchQueryOf,
  usePaginationFragment,
  type Direction,
  type PaginationFragment,
  type RelayClient,
} from './relay-client';
import { expectedNames, orderLabel, probe, spyOnConsole, type TagOrder } from './support';
import { refCompare, refSorted } from '../support/version-reference';

let h: Harness;
let app: RelayApp;
let consoleSpy: ReturnType<typeof spyOnConsole>;
const artifacts: Record<string, ConcreteRequest | ReaderFragment> = {};

const QUERIES = [
  'RepositoryTagsQuery',
  'RepositoryTagsPaginationQuery',
  'RepositoryTagPagesQuery',
  'RepositoryTagPagesPaginationQuery',
  'NamespaceRepositoriesQuery',
  'NamespaceRepositoriesPaginationQuery',
  'TagDetailsQuery',
  'TagDetailsRefetchQuery',
];
const FRAGMENTS = [
  'RepositoryTags_repository',
  'RepositoryTagPages_repository',
  'NamespaceRepositories_namespace',
  'TagDetails_tag',
];

beforeAll(async () => {
  h = await startHarness();
  await settleNameOrder(h);
  app = await compileRelayApp(h.url);
  for (const name of [...QUERIES, ...FRAGMENTS]) artifacts[name] = await app.artifact(name);
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

function query(name: string): ConcreteRequest {
  const artifact = artifacts[name];
  if (artifact?.kind !== 'Request') throw new Error(`no query artifact ${name}`);
  return artifact;
}

function fragment(name: string): ReaderFragment {
  const artifact = artifacts[name];
  if (artifact?.kind !== 'Fragment') throw new Error(`no fragment artifact ${name}`);
  return artifact;
}

function client(): RelayClient {
  return createRelayClient(h.url, app.persistedDocuments);
}

/** Relay reported nothing: no console output, no field-logger event. */
function expectRelaySilent(relay: RelayClient): void {
  expect(consoleSpy.messages()).toEqual([]);
  expect(relay.fieldEvents).toEqual([]);
}

describe('relay-compiler against the served schema', () => {
  test('compiles every document without an error or a warning, and persists each operation under its SHA-256', () => {
    expect(app.output).toContain('Compilation completed');
    expect(app.output).not.toMatch(/\[(ERROR|WARN)\]/);
    const persisted = Object.entries(app.persistedDocuments);
    expect(persisted.map(([, text]) => /^query (\w+)/.exec(text)?.[1]).sort()).toEqual(
      [...QUERIES].sort(),
    );
    for (const [id, text] of persisted) {
      expect(createHash('sha256').update(text).digest('hex')).toBe(id);
    }
    for (const name of QUERIES) {
      const { params } = query(name);
      expect(params.text).toBeNull();
      expect(app.persistedDocuments[params.id ?? '']).toBeDefined();
    }
  });

  test.each(FRAGMENTS)('%s refetches its owner through node(id:)', (name) => {
    const node = fragment(name);
    expect(node.metadata?.refetch?.fragmentPathInResult).toEqual(['node']);
    const text = app.persistedDocuments[refetchQueryOf(node).params.id ?? ''];
    expect(text).toContain('node(id: $id)');
  });
});

// ---------------------------------------------------------------------------------------------
// Walks to either end of a list

/** One list as the fixture pages it: its query, its fragment, its connection and its items. */
interface List {
  label: string;
  query: string;
  fragment: string;
  /** The field of the query's data that holds the fragment's owner. */
  owner: 'repository' | 'namespace';
  connection: { field: 'tags' | 'repositories'; key: string; filters: Record<string, unknown> };
  /** The query's variables for a first page of `count` from one end. */
  variables: (direction: Direction, count: number) => Record<string, unknown>;
  names: readonly string[];
  /** The SWR requests (paths, sorted) each page costs. */
  pageRequests: readonly string[];
  bidirectional: boolean;
}

function tagsPath(namespace: string, name: string): string {
  return `/v2/manage/namespaces/${namespace}/repos/${name.replaceAll('/', '$')}/tags`;
}

/** `RepositoryTags_repository`: forward only, `orderBy` and `nameContains` as filters. */
function forwardTags(
  namespace: string,
  name: string,
  orderBy: TagOrder,
  nameContains?: string,
): List {
  const filter = nameContains === undefined ? '' : ` nameContains "${nameContains}"`;
  return {
    label: `${namespace}/${name} ${orderLabel(orderBy)}${filter}`,
    query: 'RepositoryTagsQuery',
    fragment: 'RepositoryTags_repository',
    owner: 'repository',
    connection: { field: 'tags', key: 'RepositoryTags_tags', filters: { orderBy, nameContains } },
    variables: (_, count) => ({ namespace, name, orderBy, nameContains, count }),
    names: expectedNames(namespace, name, orderBy, nameContains),
    pageRequests: [tagsPath(namespace, name)],
    bidirectional: false,
  };
}

/** `RepositoryTagPages_repository`: `first`/`after` and `last`/`before` on one connection. */
function tagPages(namespace: string, name: string, orderBy: TagOrder): List {
  return {
    label: `${namespace}/${name} ${orderLabel(orderBy)}`,
    query: 'RepositoryTagPagesQuery',
    fragment: 'RepositoryTagPages_repository',
    owner: 'repository',
    connection: { field: 'tags', key: 'RepositoryTagPages_tags', filters: { orderBy } },
    variables: (direction, count) => ({
      namespace,
      name,
      orderBy,
      ...(direction === 'forward' ? { first: count } : { last: count }),
    }),
    names: expectedNames(namespace, name, orderBy),
    pageRequests: [tagsPath(namespace, name)],
    bidirectional: true,
  };
}

/**
 * `NamespaceRepositories_namespace`, both ways. A page costs what `Query.namespace` with its
 * repositories costs: the organization (`node(id:)` of an organization looks it up, as
 * `Query.namespace` does) and one page of the repository list.
 */
function repositoryPages(namespace: string, orderBy: RepositoryOrder): List {
  return {
    label: `${namespace} ${orderBy.field} ${orderBy.direction}`,
    query: 'NamespaceRepositoriesQuery',
    fragment: 'NamespaceRepositories_namespace',
    owner: 'namespace',
    connection: {
      field: 'repositories',
      key: 'NamespaceRepositories_repositories',
      filters: { orderBy },
    },
    variables: (direction, count) => ({
      name: namespace,
      orderBy,
      ...(direction === 'forward' ? { first: count } : { last: count }),
    }),
    names: expectedRepositoryNames(namespace, orderBy),
    pageRequests: [`/v2/manage/namespaces/${namespace}`, '/v2/manage/repos'],
    bidirectional: true,
  };
}

interface Page {
  /** The operation the network layer sent for the page. */
  operation: string;
  variables: Record<string, unknown>;
  /** The node names of the page's own response, in list order. */
  names: string[];
  /** The SWR requests it cost (paths, sorted). */
  upstream: string[];
}

interface Walk {
  pages: Page[];
  paginator: PaginationFragment;
}

/** The node names of a connection in a response, under the query's owner or under `node`. */
function responseNames(relay: RelayClient, list: List): string[] {
  const sent = relay.requests[relay.requests.length - 1];
  const response = sent?.response as { data?: Record<string, Record<string, unknown> | null> };
  const data = response.data;
  const owner = data?.[list.owner] ?? data?.node;
  const connection = owner?.[list.connection.field] as { edges?: { node: { name: string } }[] };
  if (!connection.edges) throw new Error(`no ${list.connection.field} in the response`);
  return connection.edges.map((edge) => edge.node.name);
}

/**
 * The query for a first page of `count`, then `loadNext(count)` (forward) or
 * `loadPrevious(count)` (backward) while the fragment says there is more.
 */
async function walk(
  relay: RelayClient,
  list: List,
  direction: Direction,
  count: number,
): Promise<Walk> {
  const page = async (task: () => Promise<unknown>): Promise<Page> => {
    const { requests } = await upstreamOf(h, task);
    const sent = relay.requests[relay.requests.length - 1];
    if (!sent) throw new Error('nothing was sent');
    return {
      operation: sent.name,
      variables: sent.variables,
      names: responseNames(relay, list),
      upstream: requests.map((request) => request.path).sort(),
    };
  };
  let owner: unknown;
  const pages = [
    await page(async () => {
      owner = (await loadQuery(relay, query(list.query), list.variables(direction, count))).data[
        list.owner
      ];
    }),
  ];
  const paginator = usePaginationFragment(relay, fragment(list.fragment), owner);
  while (paginator.hasMore(direction)) {
    if (pages.length >= Math.max(1, Math.ceil(list.names.length / count))) {
      throw new Error(`${list.label}: more pages than ${list.names.length} items need`);
    }
    pages.push(await page(() => paginator.loadMore(direction, count)));
  }
  return { pages, paginator };
}

/** The node of each edge of the fragment's connection: its id and name. */
function fragmentEdges(
  paginator: PaginationFragment,
): { id: string; name: string; cursor: string }[] {
  return paginator.connection().edges.map((edge) => {
    const { cursor, node } = edge as { cursor: string; node: { id: string; name: string } };
    return { cursor, id: node.id, name: node.name };
  });
}

/** The store's connection record under its owner, by the connection's key and filters. */
function storedEdgeIds(relay: RelayClient, ownerId: string, list: List): (string | null)[] {
  const found: (string | null)[][] = [];
  commitLocalUpdate(relay.environment, (store) => {
    const owner: ReadOnlyRecordProxy | null | undefined = store.get(ownerId);
    if (!owner) return;
    const connection: ReadOnlyRecordProxy | null | undefined = ConnectionHandler.getConnection(
      owner,
      list.connection.key,
      list.connection.filters,
    );
    const edges: readonly (ReadOnlyRecordProxy | null | undefined)[] =
      connection?.getLinkedRecords('edges') ?? [];
    found.push(edges.map((edge) => edge?.getLinkedRecord('node')?.getDataID() ?? null));
  });
  return found[0] ?? [];
}

/**
 * The walk read every item once, in order: its pages, concatenated in list order, are the list
 * (no page overlaps another or leaves a gap), each page cost exactly its SWR requests, every
 * page after the first was the compiler's pagination query refetching the owner by its id, and
 * the fragment and the store's connection hold the whole list.
 */
function expectWholeList(
  relay: RelayClient,
  list: List,
  direction: Direction,
  count: number,
  walked: Walk,
): void {
  const { pages, paginator } = walked;
  const inOrder = direction === 'forward' ? pages : [...pages].reverse();
  expect({ list: list.label, names: inOrder.flatMap((page) => page.names) }).toEqual({
    list: list.label,
    names: list.names,
  });
  expect(pages.slice(0, -1).every((page) => page.names.length === count)).toBe(true);
  expect(pages).toHaveLength(Math.max(1, Math.ceil(list.names.length / count)));
  // Every page loaded through the pagination query costs exactly one page of the list. The
  // first one may cost one more list request when it starts at the end (`last` without
  // `before`, where the list's length or an order with ties must be read first).
  for (const page of pages.slice(1)) expect(page.upstream).toEqual(list.pageRequests);
  const listPath = list.pageRequests[list.pageRequests.length - 1];
  const [first] = pages;
  const extra = first?.upstream.filter((path) => path === listPath).length ?? 0;
  expect(extra).toBeLessThanOrEqual(direction === 'backward' ? 2 : 1);
  expect([...new Set(first?.upstream)]).toEqual(list.pageRequests);

  const data = paginator.data();
  const ownerId = data.id;
  if (typeof ownerId !== 'string') throw new Error('the owner has no id');
  const pagination = refetchQueryOf(fragment(list.fragment)).params.name;
  expect(pages.map((page) => page.operation)).toEqual([
    list.query,
    ...pages.slice(1).map(() => pagination),
  ]);
  for (const page of pages.slice(1)) expect(page.variables.id).toBe(ownerId);

  const edges = fragmentEdges(paginator);
  expect(edges.map((edge) => edge.name)).toEqual(list.names);
  expect(new Set(edges.map((edge) => edge.id)).size).toBe(list.names.length);
  expect(new Set(edges.map((edge) => edge.cursor)).size).toBe(list.names.length);
  expect(storedEdgeIds(relay, ownerId, list)).toEqual(edges.map((edge) => edge.id));
  const { pageInfo } = paginator.connection();
  expect(pageInfo.hasNextPage).toBe(false);
  if (list.bidirectional) expect(pageInfo.hasPreviousPage).toBe(false);
  expect((data[list.connection.field] as { totalCount?: unknown }).totalCount).toBe(
    list.names.length,
  );
}

/** Random edges' cursors, given back to the gateway, point at the tags next to them. */
async function expectCursorsPointAtTheirTags(
  list: { namespace: string; name: string; orderBy: TagOrder },
  paginator: PaginationFragment,
): Promise<void> {
  const edges = fragmentEdges(paginator);
  const names = edges.map((edge) => edge.name);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: edges.length - 1 }), async (index) => {
      const cursor = edges[index]?.cursor ?? '';
      const after = await probe(h, list, { first: 1, after: cursor });
      const before = await probe(h, list, { last: 1, before: cursor });
      expect({ index, after, before }).toEqual({
        index,
        after: names.slice(index + 1, index + 2),
        before: names.slice(Math.max(0, index - 1), index),
      });
    }),
    { numRuns: 8, examples: [[0], [edges.length - 1]] },
  );
}

const [UPDATED_ASC, UPDATED_DESC, NAME_ASC, NAME_DESC] = TAG_ORDERS as [
  TagOrder,
  TagOrder,
  TagOrder,
  TagOrder,
];

describe('usePaginationFragment on Repository.tags, forward, with orderBy and nameContains as filters', () => {
  test('pages every order and filter of library/nginx and library/team/app to the end, each its own connection in one store', async () => {
    const relay = client();
    const lists = [
      forwardTags('library', 'nginx', UPDATED_DESC),
      forwardTags('library', 'nginx', UPDATED_ASC),
      forwardTags('library', 'nginx', NAME_ASC),
      forwardTags('library', 'nginx', NAME_DESC),
      forwardTags('library', 'nginx', UPDATED_DESC, 'sha-'),
      forwardTags('library', 'nginx', NAME_ASC, '.1'),
      forwardTags('library', 'team/app', UPDATED_DESC),
    ];
    const walks: Walk[] = [];
    for (const list of lists) {
      const walked = await walk(relay, list, 'forward', 10);
      expectWholeList(relay, list, 'forward', 10, walked);
      walks.push(walked);
    }
    // Every connection is still whole after the others were paged beside it.
    lists.forEach((list, index) => {
      expect(
        fragmentEdges(walks[index]?.paginator as PaginationFragment).map((e) => e.name),
      ).toEqual(list.names);
    });
    // The two repositories' tags are records of their own (`latest` is in both).
    const ids = (walked: Walk | undefined) =>
      new Set(walked ? fragmentEdges(walked.paginator).map((edge) => edge.id) : []);
    const nginx = ids(walks[0]);
    expect([...ids(walks[6])].filter((id) => nginx.has(id))).toEqual([]);
    expect(lists[6]?.names).toContain('latest');
    await expectCursorsPointAtTheirTags(
      { namespace: 'library', name: 'nginx', orderBy: NAME_ASC },
      (walks[2] as Walk).paginator,
    );
    relay.dispose();
    expectRelaySilent(relay);
  });
});

describe.each(['otc-2025', 'otc-2024', 'huaweicloud'] as const)(
  'usePaginationFragment on Repository.tags against the %s server (sandbox flavor)',
  (flavor) => {
    let reference: Harness;

    // The suite's helpers talk to `h`: it is this flavor's gateway for these tests.
    beforeAll(async () => {
      reference = h;
      h = await startHarness({ sandbox: { flavor } });
      await settleNameOrder(h);
    });

    afterAll(async () => {
      await h.close();
      h = reference;
    });

    test('pages library/nginx in UPDATED_AT DESC and NAME ASC to the end, exactly', async () => {
      const relay = client();
      for (const list of [
        forwardTags('library', 'nginx', UPDATED_DESC),
        forwardTags('library', 'nginx', NAME_ASC),
      ]) {
        expectWholeList(relay, list, 'forward', 10, await walk(relay, list, 'forward', 10));
      }
      relay.dispose();
      expectRelaySilent(relay);
    });
  },
);

describe('usePaginationFragment on Repository.tags, both ways on one connection', () => {
  test.each(TAG_ORDERS)(
    'library/nginx $field $direction: loadNext to the end, and loadPrevious from it',
    async (orderBy) => {
      const forward = client();
      const backward = client();
      const list = tagPages('library', 'nginx', orderBy);
      const ahead = await walk(forward, list, 'forward', 10);
      expectWholeList(forward, list, 'forward', 10, ahead);
      const behind = await walk(backward, list, 'backward', 13);
      expectWholeList(backward, list, 'backward', 13, behind);
      expect(fragmentEdges(behind.paginator)).toEqual(fragmentEdges(ahead.paginator));
      forward.dispose();
      backward.dispose();
      expectRelaySilent(forward);
      expectRelaySilent(backward);
    },
  );

  describe.each([
    { name: 'empty', count: 4 },
    { name: 'hello', count: 1 },
    { name: 'busybox', count: 3 },
    { name: 'team/app', count: 5 },
    { name: 'tied', count: 7 },
    { name: 'multiarch', count: 5 },
  ])('library/$name, pages of $count', ({ name, count }) => {
    test.each(['forward', 'backward'] as const)(
      '%s, by name both ways and newest first',
      async (direction) => {
        const relay = client();
        for (const orderBy of [NAME_ASC, NAME_DESC, UPDATED_DESC]) {
          const list = tagPages('library', name, orderBy);
          expectWholeList(relay, list, direction, count, await walk(relay, list, direction, count));
        }
        relay.dispose();
        expectRelaySilent(relay);
      },
    );
  });
});

describe('usePaginationFragment on Namespace.repositories, both ways, through node(id:) of the organization', () => {
  test.each(REPOSITORY_ORDERS)('acme $field $direction', async (orderBy) => {
    const relay = client();
    const list = repositoryPages('acme', orderBy);
    expect(list.names.length).toBeGreaterThan(10);
    expectWholeList(relay, list, 'forward', 5, await walk(relay, list, 'forward', 5));
    const other = client();
    expectWholeList(other, list, 'backward', 7, await walk(other, list, 'backward', 7));
    relay.dispose();
    other.dispose();
    expectRelaySilent(relay);
    expectRelaySilent(other);
  });

  test('library, its repositories and their tags in one store', async () => {
    const relay = client();
    const list = repositoryPages('library', { field: 'NAME', direction: 'ASC' });
    expectWholeList(relay, list, 'forward', 2, await walk(relay, list, 'forward', 2));
    const tags = tagPages('library', 'busybox', NAME_ASC);
    expectWholeList(relay, tags, 'backward', 2, await walk(relay, tags, 'backward', 2));
    relay.dispose();
    expectRelaySilent(relay);
  });
});

describe('useRefetchableFragment on Tag', () => {
  test('refetches a tag through node(id:) at one SWR request, and the fragment then shows what changed', async () => {
    const relay = client();
    const { data } = await loadQuery(relay, query('TagDetailsQuery'), {
      namespace: 'library',
      name: 'hello',
      tag: 'latest',
    });
    const ref = (data.repository as { tag: unknown } | null)?.tag;
    const tagFragment = fragment('TagDetails_tag');
    const before = readFragment(relay, tagFragment, ref);
    expect(before.name).toBe('latest');

    h.sandbox.pushTag('library', 'hello', 'latest');
    const { result: after, requests } = await upstreamOf(h, () =>
      refetchFragment(relay, tagFragment, ref),
    );
    expect(requests.map((request) => request.path)).toEqual([tagsPath('library', 'hello')]);
    const current = await h.graphql<{ data: { repository: { tag: { updatedAt: string } } } }>(
      '{ repository(namespace: "library", name: "hello") { tag(name: "latest") { updatedAt } } }',
    );
    const { updatedAt } = current.data.repository.tag;
    expect(updatedAt).not.toBe(before.updatedAt);
    expect(after).toEqual({ ...before, updatedAt });
    // The first query's reader sees the refetched record: one record per id.
    expect(readFragment(relay, tagFragment, ref)).toEqual(after);
    expect(relay.requests.map((request) => [request.name, request.variables])).toEqual([
      ['TagDetailsQuery', { namespace: 'library', name: 'hello', tag: 'latest' }],
      ['TagDetailsRefetchQuery', { id: before.id }],
    ]);
    relay.dispose();
    expectRelaySilent(relay);
  });
});

test('control: the console spy does see Relay warn of a page that does not continue the connection', async () => {
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const relay = client();
  const list = forwardTags('library', 'nginx', UPDATED_DESC);
  const { data } = await loadQuery(relay, query(list.query), list.variables('forward', 10));
  const paginator = usePaginationFragment(relay, fragment(list.fragment), data.repository);
  // A page after the first edge instead of after endCursor: the handler refuses to merge it.
  const variables = {
    ...list.variables('forward', 10),
    cursor: fragmentEdges(paginator)[0]?.cursor,
    id: paginator.data().id,
  };
  const pagination = refetchQueryOf(fragment(list.fragment));
  await __internal
    .fetchQuery(relay.environment, createOperationDescriptor(pagination, variables))
    .toPromise();
  expect(consoleSpy.messages()).toEqual([
    [expect.stringContaining('Relay: Unexpected after cursor')],
  ]);
  relay.dispose();
});

describe('usePaginationFragment on Repository.tags in the VERSION order, while tags are pushed', () => {
  // Last in this file: it pushes tags into library/nginx.
  const PUSHED = ['999.0.0', '0.0.0-alpine', 'v1.0.0-rc.9', 'zzz', '5.5.5', '0.0.1', 'latest'];
  /** The tags an earlier walk pushed: the later one starts from them. */
  const pushedBefore = new Set<string>();

  test.each(['forward', 'backward'] as const)(
    'library/nginx VERSION DESC, %s to the end: each tag once, in the reference order, one SWR request a page',
    async (direction) => {
      const relay = client();
      const orderBy = { field: 'VERSION', direction: 'DESC' };
      const seen = new Set([
        ...expectedNames('library', 'nginx', { field: 'NAME', direction: 'ASC' }),
        ...pushedBefore,
      ]);
      const page = direction === 'forward' ? { first: 10 } : { last: 10 };
      const variables = { namespace: 'library', name: 'nginx', orderBy, ...page };
      const { data } = await loadQuery(relay, query('RepositoryTagPagesQuery'), variables);
      const paginator = usePaginationFragment(
        relay,
        fragment('RepositoryTagPages_repository'),
        data.repository,
      );
      for (let pushes = 0; paginator.hasMore(direction); pushes++) {
        const names = fragmentEdges(paginator).map((edge) => edge.name);
        const cursorTag = (direction === 'forward' ? names[names.length - 1] : names[0]) ?? '';
        const tag = `${PUSHED[pushes % PUSHED.length] ?? ''}${pushes < PUSHED.length ? '' : `-${pushes}`}`;
        h.sandbox.pushTag('library', 'nginx', tag);
        pushedBefore.add(tag);
        // A tag pushed beyond the cursor is met later in the walk; one pushed behind it is not.
        const ahead = refCompare(tag, cursorTag, 'desc') * (direction === 'forward' ? 1 : -1) > 0;
        if (ahead) seen.add(tag);
        const { requests } = await upstreamOf(h, () => paginator.loadMore(direction, 10));
        expect(requests).toHaveLength(1);
      }
      const names = fragmentEdges(paginator).map((edge) => edge.name);
      expect(names).toEqual(refSorted([...seen], 'desc'));
      relay.dispose();
      expectRelaySilent(relay);
    },
  );
});

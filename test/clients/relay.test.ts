/**
 * The gateway's connections as Relay itself consumes them: relay-runtime's Environment, Store
 * and its default handler provider, whose ConnectionHandler merges every page of
 * `Repository.tags @connection(key: "Repo_tags")` into one client-side connection record. A
 * walk to either end of a list must leave that record holding the sandbox's exact list, every
 * tag once, with consistent cursors and pageInfo, and without a single Relay warning.
 */
import fc from 'fast-check';
import {
  ConnectionHandler,
  Environment,
  Network,
  RecordSource,
  Store,
  commitLocalUpdate,
  createOperationDescriptor,
  fetchQuery,
  type Disposable,
  type FetchFunction,
  type GraphQLResponse,
  type ReadOnlyRecordProxy,
} from 'relay-runtime';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';
import RepositoryTagsQueryNode, {
  type RepositoryTagsQuery,
  type RepositoryTagsQuery$data,
  type RepositoryTagsQuery$variables,
} from './relay-artifacts';
import {
  NAME_ASC,
  UPDATED_DESC,
  expectedNames,
  orderLabel,
  probe,
  spyOnConsole,
  type TagOrder,
} from './support';

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

interface RelayClient {
  environment: Environment;
  /** The variables of every request the network layer sent. */
  requests: Record<string, unknown>[];
  retained: Disposable[];
}

function createRelayClient(): RelayClient {
  const requests: Record<string, unknown>[] = [];
  const fetchFunction: FetchFunction = async (params, variables) => {
    requests.push(variables);
    const response = await fetch(h.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'x-auth-token': DEMO_TOKEN,
      },
      body: JSON.stringify({ query: params.text, operationName: params.name, variables }),
    });
    const body = (await response.json()) as GraphQLResponse;
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    environment: new Environment({
      network: Network.create(fetchFunction),
      store: new Store(new RecordSource()),
    }),
    requests,
    retained: [],
  };
}

interface TagList {
  namespace: string;
  name: string;
  orderBy: TagOrder;
}

type Direction = 'forward' | 'backward';

function pageVariables(
  list: TagList,
  direction: Direction,
  size: number,
  cursor: string | null,
): RepositoryTagsQuery$variables {
  return direction === 'forward'
    ? { ...list, first: size, after: cursor, last: null, before: null }
    : { ...list, first: null, after: null, last: size, before: cursor };
}

/**
 * Loads the first page from one end of the list, then the next one from the connection's
 * `endCursor` (forward) or `startCursor` (backward) until the connection says there is no
 * more. The first page's operation is retained, as a mounted component would retain it, so
 * that the merged connection outlives the requests. Returns the last `fetchQuery` result:
 * what a component reading the query sees.
 */
async function walk(
  client: RelayClient,
  list: TagList,
  direction: Direction,
  size: number,
  listLength: number,
): Promise<RepositoryTagsQuery$data> {
  const maxPages = Math.max(1, Math.ceil(listLength / size));
  const first = pageVariables(list, direction, size, null);
  client.retained.push(
    client.environment.retain(createOperationDescriptor(RepositoryTagsQueryNode, first)),
  );
  let data = await fetchQuery<RepositoryTagsQuery>(
    client.environment,
    RepositoryTagsQueryNode,
    first,
  ).toPromise();
  for (let pages = 1; ; pages++) {
    const pageInfo = data?.repository?.tags.pageInfo;
    if (!data || !pageInfo) throw new Error(`no connection for ${list.namespace}/${list.name}`);
    const more = direction === 'forward' ? pageInfo.hasNextPage : pageInfo.hasPreviousPage;
    if (!more) return data;
    if (pages >= maxPages) {
      throw new Error(
        `${direction === 'forward' ? 'hasNextPage' : 'hasPreviousPage'} is still true after ${pages} pages of ${size}, but ${list.namespace}/${list.name} has ${listLength} tags`,
      );
    }
    const cursor = direction === 'forward' ? pageInfo.endCursor : pageInfo.startCursor;
    if (cursor === null) throw new Error(`page ${pages} has more tags but no cursor`);
    data = await fetchQuery<RepositoryTagsQuery>(
      client.environment,
      RepositoryTagsQueryNode,
      pageVariables(list, direction, size, cursor),
    ).toPromise();
  }
}

interface StoredEdge {
  cursor: unknown;
  /** The store's id of the node record. */
  dataID: string;
  typename: string;
  id: unknown;
  name: unknown;
}

interface StoredConnection {
  dataID: string;
  totalCount: unknown;
  edges: (StoredEdge | null)[];
  pageInfo: Record<string, unknown> | null;
}

/**
 * The client connection record, read through ConnectionHandler.getConnection. The records are
 * typed as read-only proxies: `RecordProxy<{}>` claims every linked record exists.
 */
function readConnection(environment: Environment, list: TagList): StoredConnection | null {
  const found: StoredConnection[] = [];
  commitLocalUpdate(environment, (store) => {
    const root: ReadOnlyRecordProxy = store.getRoot();
    const repository = root.getLinkedRecord('repository', {
      namespace: list.namespace,
      name: list.name,
    });
    if (!repository) return;
    const connection: ReadOnlyRecordProxy | null | undefined = ConnectionHandler.getConnection(
      repository,
      'Repo_tags',
      { orderBy: list.orderBy },
    );
    if (!connection) return;
    const pageInfo: ReadOnlyRecordProxy | null | undefined = connection.getLinkedRecord('pageInfo');
    const edges: readonly (ReadOnlyRecordProxy | null | undefined)[] =
      connection.getLinkedRecords('edges') ?? [];
    found.push({
      dataID: connection.getDataID(),
      totalCount: connection.getValue('totalCount'),
      edges: edges.map((edge) => {
        const node: ReadOnlyRecordProxy | null | undefined = edge?.getLinkedRecord('node');
        if (!edge || !node) return null;
        return {
          cursor: edge.getValue('cursor'),
          dataID: node.getDataID(),
          typename: node.getType(),
          id: node.getValue('id'),
          name: node.getValue('name'),
        };
      }),
      pageInfo: pageInfo
        ? {
            hasNextPage: pageInfo.getValue('hasNextPage'),
            hasPreviousPage: pageInfo.getValue('hasPreviousPage'),
            startCursor: pageInfo.getValue('startCursor'),
            endCursor: pageInfo.getValue('endCursor'),
          }
        : null,
    });
  });
  return found[0] ?? null;
}

/**
 * The store's connection for `list` holds exactly `names`, every tag once under its own id,
 * with distinct cursors, pageInfo of the whole list, and the reader sees the same.
 */
function expectWholeList(
  client: RelayClient,
  list: TagList,
  names: readonly string[],
  data: RepositoryTagsQuery$data,
): StoredConnection {
  const stored = readConnection(client.environment, list);
  if (!stored) throw new Error(`no Repo_tags connection for ${orderLabel(list.orderBy)}`);
  const edges = stored.edges.filter((edge): edge is StoredEdge => edge !== null);
  expect(edges).toHaveLength(stored.edges.length);
  expect(edges.map((edge) => edge.name)).toEqual(names);
  expect(edges.every((edge) => edge.typename === 'Tag')).toBe(true);
  // Relay keys a node by its id: one record per tag, and that record is the tag it names.
  expect(edges.map((edge) => edge.id)).toEqual(edges.map((edge) => edge.dataID));
  expect(new Set(edges.map((edge) => edge.dataID)).size).toBe(names.length);
  expect(new Set(edges.map((edge) => edge.cursor)).size).toBe(names.length);
  expect(stored.totalCount).toBe(names.length);
  expect(stored.pageInfo).toEqual({
    hasNextPage: false,
    hasPreviousPage: false,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  });
  // What a component reading the query renders: the merged connection, in the same order.
  const tags = data.repository?.tags;
  expect(tags?.edges.map((edge) => edge.node.name)).toEqual(names);
  expect(tags?.edges.map((edge) => edge.cursor)).toEqual(edges.map((edge) => edge.cursor));
  return stored;
}

/** Random edges' cursors, given back to the gateway, point at the tags next to them. */
async function expectCursorsPointAtTheirTags(
  list: TagList,
  names: readonly string[],
  stored: StoredConnection,
): Promise<void> {
  const cursors = stored.edges.map((edge) => edge?.cursor);
  if (names.length === 0) return;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: names.length - 1 }), async (index) => {
      const cursor = cursors[index];
      if (typeof cursor !== 'string') throw new Error(`edge ${index} has no cursor`);
      const after = await probe(h, list, { first: 1, after: cursor });
      const before = await probe(h, list, { last: 1, before: cursor });
      expect({ index, after, before }).toEqual({
        index,
        after: names.slice(index + 1, index + 2),
        before: names.slice(Math.max(0, index - 1), index),
      });
    }),
    { numRuns: 8, examples: [[0], [names.length - 1]] },
  );
}

function dispose(client: RelayClient): void {
  for (const disposable of client.retained) disposable.dispose();
}

const NGINX = { namespace: 'library', name: 'nginx' };
const ORDERS: readonly TagOrder[] = [UPDATED_DESC, NAME_ASC];

describe('relay-runtime with a @connection on Repository.tags (library/nginx, 97 tags)', () => {
  it('forward: first 10, then after endCursor until hasNextPage is false; both orders and another repository side by side in one store', async () => {
    const client = createRelayClient();
    const walked: { list: TagList; data: RepositoryTagsQuery$data }[] = [];
    for (const orderBy of ORDERS) {
      const list = { ...NGINX, orderBy };
      const before = client.requests.length;
      const data = await walk(client, list, 'forward', 10, 97);
      expect(client.requests.length - before).toBe(10);
      walked.push({ list, data });
    }
    // Each order has its own connection record (the `orderBy` filter), both complete.
    const ids = new Set<string>();
    for (const { list, data } of walked) {
      const names = expectedNames(list.namespace, list.name, list.orderBy);
      const stored = expectWholeList(client, list, names, data);
      ids.add(stored.dataID);
      await expectCursorsPointAtTheirTags(list, names, stored);
    }
    expect(ids.size).toBe(ORDERS.length);
    // Both orders hold the same 97 tag records.
    const [a, b] = walked.map(({ list }) => readConnection(client.environment, list));
    expect(new Set(a?.edges.map((edge) => edge?.dataID))).toEqual(
      new Set(b?.edges.map((edge) => edge?.dataID)),
    );
    // Another repository in the same store: its tags (`latest` too) are records of their own.
    const other = { namespace: 'library', name: 'team/app', orderBy: UPDATED_DESC };
    const otherNames = expectedNames(other.namespace, other.name, other.orderBy);
    const otherData = await walk(client, other, 'forward', 10, otherNames.length);
    const otherStored = expectWholeList(client, other, otherNames, otherData);
    expect(otherNames).toContain('latest');
    const nginxIDs = new Set(a?.edges.map((edge) => edge?.dataID));
    expect(otherStored.edges.filter((edge) => nginxIDs.has(edge?.dataID ?? ''))).toEqual([]);
    dispose(client);
    expect(consoleSpy.messages()).toEqual([]);
  });

  it('backward, in a second environment: last 10, then before startCursor until hasPreviousPage is false', async () => {
    const client = createRelayClient();
    for (const orderBy of ORDERS) {
      const list = { ...NGINX, orderBy };
      const before = client.requests.length;
      const data = await walk(client, list, 'backward', 10, 97);
      expect(client.requests.length - before).toBe(10);
      const names = expectedNames(list.namespace, list.name, orderBy);
      const stored = expectWholeList(client, list, names, data);
      await expectCursorsPointAtTheirTags(list, names, stored);
    }
    dispose(client);
    expect(consoleSpy.messages()).toEqual([]);
  });

  it('a forward walk and a backward walk of the same list leave the same connection', async () => {
    const forward = createRelayClient();
    const backward = createRelayClient();
    const list = { ...NGINX, orderBy: NAME_ASC };
    await walk(forward, list, 'forward', 7, 97);
    await walk(backward, list, 'backward', 13, 97);
    const a = readConnection(forward.environment, list);
    const b = readConnection(backward.environment, list);
    expect(a?.edges).toEqual(b?.edges);
    expect(a?.pageInfo).toEqual(b?.pageInfo);
    dispose(forward);
    dispose(backward);
    expect(consoleSpy.messages()).toEqual([]);
  });

  it('control: the console spy does see Relay warn of a page that is not next to the connection', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const client = createRelayClient();
    const list = { ...NGINX, orderBy: UPDATED_DESC };
    const first = await fetchQuery<RepositoryTagsQuery>(
      client.environment,
      RepositoryTagsQueryNode,
      pageVariables(list, 'forward', 10, null),
    ).toPromise();
    // The cursor of the first edge instead of endCursor: the handler refuses to merge.
    const cursor = first?.repository?.tags.edges[0]?.cursor ?? null;
    await fetchQuery<RepositoryTagsQuery>(
      client.environment,
      RepositoryTagsQueryNode,
      pageVariables(list, 'forward', 10, cursor),
    ).toPromise();
    expect(consoleSpy.messages()).toEqual([
      [expect.stringContaining('Relay: Unexpected after cursor')],
    ]);
  });
});

describe.each([
  { name: 'empty', size: 4, orderBy: UPDATED_DESC },
  { name: 'hello', size: 1, orderBy: UPDATED_DESC },
  { name: 'busybox', size: 3, orderBy: NAME_ASC },
  { name: 'team/app', size: 5, orderBy: UPDATED_DESC },
  { name: 'tied', size: 7, orderBy: UPDATED_DESC },
  { name: 'multiarch', size: 5, orderBy: NAME_ASC },
])('relay-runtime over library/$name, pages of $size', ({ name, size, orderBy }) => {
  const list = { namespace: 'library', name, orderBy };
  const names = expectedNames('library', name, orderBy);

  it.each(['forward', 'backward'] as const)('%s walk merges the exact list', async (direction) => {
    const client = createRelayClient();
    const data = await walk(client, list, direction, size, names.length);
    expect(client.requests).toHaveLength(Math.max(1, Math.ceil(names.length / size)));
    const stored = expectWholeList(client, list, names, data);
    await expectCursorsPointAtTheirTags(list, names, stored);
    dispose(client);
    expect(consoleSpy.messages()).toEqual([]);
  });
});

/**
 * Browsing the registry over HTTP against the sandbox: organizations → repositories (walked
 * forward and backward in every order, exact against the sandbox's lists) → tags; a
 * repository's details at one upstream request however many fields and repositories ask; and
 * deleting a tag, which is sent once and never without a token.
 */
import { createServer } from 'node:http';
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { listenOnLoopback, type Listening } from '../support/listen';
import { expectedRepositories, expectedTags } from '../support/sandbox-data';
import { OTHER_TOKEN } from '../../src/sandbox/server';
import {
  CONNECTION_FIELDS,
  REPOSITORY_ORDERS,
  expectPageAt,
  expectedNames,
  expectedRepositoryNames,
  fetchRepositories,
  onlyError,
  queryRepositories,
  upstreamOf,
  walkBackward,
  walkForward,
  type Connection,
} from './support';

/** The data of an answer that must have no errors. */
function dataOf<T>(body: { data?: T | null; errors?: unknown }): T {
  expect(body.errors).toBeUndefined();
  if (body.data == null) throw new Error('no data');
  return body.data;
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

describe('organizations', () => {
  test('namespaces lists the organizations the token may see, with creator and permission', async () => {
    const body = await h.graphql<{
      data?: { namespaces: { name: string; creatorName: string; permission: string }[] };
    }>('{ namespaces { name creatorName permission } }');
    expect(dataOf(body).namespaces).toEqual([
      { name: 'library', creatorName: 'demo-admin', permission: 'MANAGE' },
      { name: 'acme', creatorName: 'demo-admin', permission: 'READ' },
    ]);
    const other = await h.graphql<{ data?: { namespaces: { name: string }[] } }>(
      '{ namespaces { name } }',
      {},
      OTHER_TOKEN,
    );
    expect(dataOf(other).namespaces).toEqual([{ name: 'globex' }]);
  });

  test('namespaces asks SWR once, and its records answer creatorName and permission', async () => {
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql('{ a: namespaces { name permission } b: namespaces { creatorName } }'),
    );
    expect(result.errors).toBeUndefined();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v2/manage/namespaces']);
  });

  test('namespace(name) is the organization, or null when the token may not see it', async () => {
    const body = await h.graphql<{
      data?: {
        acme: { name: string; permission: string } | null;
        globex: unknown;
        unknown: unknown;
      };
    }>(
      `{ acme: namespace(name: "acme") { name permission }
         globex: namespace(name: "globex") { name }
         unknown: namespace(name: "nosuchorg") { name } }`,
    );
    expect(dataOf(body)).toEqual({
      acme: { name: 'acme', permission: 'READ' },
      globex: null,
      unknown: null,
    });
  });

  test('an invalid organization name is BAD_USER_INPUT without any upstream request', async () => {
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql('{ namespace(name: "Not/Valid") { name } }'),
    );
    const error = onlyError(result);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.argument).toBe('name');
    expect(requests).toEqual([]);
  });

  test('without a token: UNAUTHENTICATED, and nothing reaches SWR', async () => {
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql('{ namespaces { name } }', {}, null),
    );
    expect(onlyError(result).extensions?.code).toBe('UNAUTHENTICATED');
    expect(requests).toEqual([]);
  });
});

describe('walking repositories', () => {
  const CASES = [
    { namespace: 'acme', sizes: [1, 7, 20] },
    { namespace: 'library', sizes: [1, 3, 20] },
  ].flatMap(({ namespace, sizes }) =>
    REPOSITORY_ORDERS.flatMap((order) => sizes.map((size) => ({ namespace, order, size }))),
  );

  test.each(CASES)(
    'forward with first:$size over $namespace in $order.field $order.direction yields the exact list',
    async ({ namespace, order, size }) => {
      const all = expectedRepositoryNames(namespace, order);
      const names = await walkForward(all, size, (args) =>
        fetchRepositories(h, namespace, { ...args, orderBy: order }),
      );
      expect(names).toEqual(all);
    },
  );

  test.each(CASES)(
    'backward with last:$size over $namespace in $order.field $order.direction yields the exact list',
    async ({ namespace, order, size }) => {
      const all = expectedRepositoryNames(namespace, order);
      const names = await walkBackward(all, size, (args) =>
        fetchRepositories(h, namespace, { ...args, orderBy: order }),
      );
      expect(names).toEqual(all);
    },
  );

  test('the default is the first 20 in UPDATED_AT DESC, with the totalCount of the list', async () => {
    const page = await fetchRepositories(h, 'acme');
    const all = expectedRepositoryNames('acme');
    expect(all).toHaveLength(24);
    expectPageAt(page, all, 0, 20);
  });

  test('repositories that tie on TAG_COUNT page in a stable order (by name)', async () => {
    const all = expectedRepositoryNames('acme', { field: 'TAG_COUNT', direction: 'ASC' });
    expect(all).toEqual([...all].sort());
    const first = await fetchRepositories(h, 'acme', {
      first: 5,
      orderBy: { field: 'TAG_COUNT', direction: 'ASC' },
    });
    const next = await fetchRepositories(h, 'acme', {
      first: 5,
      after: first.pageInfo.endCursor,
      orderBy: { field: 'TAG_COUNT', direction: 'ASC' },
    });
    expectPageAt(next, all, 5, 5);
  });

  test('nameContains and category filter the list, and totalCount counts what matches', async () => {
    const byName = expectedRepositoryNames('library', undefined, { name: 'app' });
    expect(byName.sort()).toEqual(['app', 'team/app']);
    const page = await fetchRepositories(h, 'library', { nameContains: 'app' });
    expectPageAt(page, expectedRepositoryNames('library', undefined, { name: 'app' }), 0, 2);

    const category = expectedRepositories('acme', 'name', 'asc')[0]?.category ?? '';
    const inCategory = expectedRepositoryNames(
      'acme',
      { field: 'NAME', direction: 'ASC' },
      { category },
    );
    expect(inCategory.length).toBeGreaterThan(0);
    expect(inCategory.length).toBeLessThan(24);
    const filtered = await fetchRepositories(h, 'acme', {
      first: 100,
      category,
      orderBy: { field: 'NAME', direction: 'ASC' },
    });
    expectPageAt(filtered, inCategory, 0, inCategory.length);
  });

  test('a cursor is valid only for the list it was issued for', async () => {
    const page = await fetchRepositories(h, 'acme', { first: 2 });
    const { result: otherOrder, requests } = await upstreamOf(h, () =>
      queryRepositories(h, 'acme', {
        after: page.pageInfo.endCursor,
        orderBy: { field: 'NAME', direction: 'ASC' },
      }),
    );
    expect(onlyError(otherOrder).extensions?.code).toBe('BAD_USER_INPUT');
    // Namespace(name) is read; the list is not.
    expect(requests.filter((r) => r.path === '/v2/manage/repos')).toEqual([]);
    const asTags = await h.graphql(
      `query ($after: String) { repository(namespace: "acme", name: "svc-0") { tags(after: $after) { totalCount } } }`,
      { after: page.pageInfo.endCursor },
    );
    expect(onlyError(asTags).extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('invalid filters and counts are BAD_USER_INPUT without a repository-list request', async () => {
    for (const [args, argument] of [
      [{ nameContains: 'Upper' }, 'nameContains'],
      [{ category: 'Linux!' }, 'category'],
      [{ first: 101 }, 'first'],
      [{ after: 'bm90LWEtY3Vyc29y' }, 'after'],
    ] as const) {
      const { result, requests } = await upstreamOf(h, () => queryRepositories(h, 'library', args));
      expect([argument, onlyError(result).extensions?.argument]).toEqual([argument, argument]);
      expect(requests.filter((r) => r.path === '/v2/manage/repos')).toEqual([]);
    }
  });
});

describe('organizations → repositories → tags', () => {
  test('every repository of library pages into its exact tags, newest first', async () => {
    const body = await h.graphql<{
      data?: {
        namespaces: {
          name: string;
          repositories: { nodes: { namespace: string; name: string; tags: Connection }[] };
        }[];
      };
    }>(`{
      namespaces {
        name
        repositories(first: 20, orderBy: { field: NAME, direction: ASC }) {
          nodes { namespace name tags(first: 3) { ${CONNECTION_FIELDS} } }
        }
      }
    }`);
    const library = dataOf(body).namespaces.find((ns) => ns.name === 'library');
    if (!library) throw new Error('no library');
    const nodes = library.repositories.nodes;
    expect(nodes.map((node) => node.name)).toEqual(
      expectedRepositoryNames('library', { field: 'NAME', direction: 'ASC' }),
    );
    for (const node of nodes) {
      const all = expectedNames(node.namespace, node.name);
      expectPageAt(node.tags, all, 0, Math.min(3, all.length));
    }
  });

  test('a repository reached from the list pages its tags with cursors of its own', async () => {
    const page = await fetchRepositories(h, 'library', {
      first: 1,
      nameContains: 'nginx',
    });
    expect(page.nodes).toEqual([{ name: 'nginx' }]);
    const body = await h.graphql<{
      data?: { namespace: { repositories: { nodes: { tags: Connection }[] } } };
    }>(
      `query ($after: String) {
        namespace(name: "library") {
          repositories(first: 1, nameContains: "nginx") {
            nodes { tags(first: 10, after: $after) { ${CONNECTION_FIELDS} } }
          }
        }
      }`,
      { after: null },
    );
    const first = dataOf(body).namespace.repositories.nodes[0]?.tags;
    if (!first) throw new Error('no tags');
    const nginx = expectedNames('library', 'nginx');
    expectPageAt(first, nginx, 0, 10);
    const next = await h.graphql<{
      data?: { repository: { tags: Connection } };
    }>(
      `query ($after: String) { repository(namespace: "library", name: "nginx") {
         tags(first: 10, after: $after) { ${CONNECTION_FIELDS} } } }`,
      { after: first.pageInfo.endCursor },
    );
    expectPageAt(dataOf(next).repository.tags, nginx, 10, 10);
  });
});

const DETAILS = `
  namespace name description category isPublic size tagCount downloadCount
  createdAt updatedAt pullPath internalPullPath
`;

interface Details {
  namespace: string;
  name: string;
  description: string;
  category: string;
  isPublic: boolean;
  size: string;
  tagCount: number;
  downloadCount: number;
  createdAt: string;
  updatedAt: string;
  pullPath: string;
  internalPullPath: string;
}

describe('repository details', () => {
  test('20 repositories with all their details cost one upstream request', async () => {
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql<{ data?: { namespace: { repositories: { nodes: Details[] } } } }>(
        `{ namespace(name: "acme") { repositories(first: 20) { nodes { ${DETAILS} } } } }`,
      ),
    );
    const nodes = dataOf(result).namespace.repositories.nodes;
    expect(nodes).toHaveLength(20);
    const expected = expectedRepositories('acme', 'updated_time', 'desc').slice(0, 20);
    expect(nodes).toEqual(
      expected.map((record) => ({
        namespace: 'acme',
        name: record.name,
        description: record.description,
        category: record.category,
        isPublic: record.is_public,
        size: String(record.size),
        tagCount: record.num_images,
        downloadCount: record.num_download,
        createdAt: record.created_at,
        updatedAt: record.updated_at,
        pullPath: record.path,
        internalPullPath: record.internal_path,
      })),
    );
    // Query.namespace reads the organization, and beside it the list, which answers every detail.
    expect(requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /v2/manage/namespaces/acme',
      'GET /v2/manage/repos',
    ]);
    // SWR's `namespace` filter is fuzzy: the organization's list is read whole, in name order,
    // and sorted in the gateway (SWR_REPOSITORY_MATCH=fuzzy, the default).
    expect(requests.find((r) => r.path === '/v2/manage/repos')?.query).toEqual({
      namespace: 'acme',
      offset: '0',
      limit: '1000',
      order_column: 'name',
      order_type: 'asc',
    });
  });

  test('the namespaces list primes the organization: one request for namespaces → 20 repositories with details', async () => {
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql(
        `{ namespaces { name permission repositories(first: 20) { nodes { ${DETAILS} } } } }`,
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2/manage/namespaces',
      'GET /v2/manage/repos',
      'GET /v2/manage/repos',
    ]);
  });

  test('a repository’s details asked twice in one query are one request', async () => {
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql<{ data?: { a: Details; b: { size: string; tagCount: number } } }>(
        `{ a: repository(namespace: "library", name: "busybox") { ${DETAILS} }
           b: repository(namespace: "library", name: "busybox") { size tagCount } }`,
      ),
    );
    const data = dataOf(result);
    const record = expectedRepositories('library', 'name', 'asc', { name: 'busybox' })[0];
    expect(data.a.tagCount).toBe(7);
    expect(data.a.description).toBe(record?.description);
    // The huge tag makes the repository's size SWR's largest, exact as a decimal string.
    expect(data.a.size).toBe('9223372036854775807');
    expect(data.b).toEqual({ size: data.a.size, tagCount: 7 });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2/manage/namespaces/library/repos/busybox',
    ]);
  });

  test('a repository whose name contains / is asked for with $', async () => {
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql<{ data?: { repository: { tagCount: number; pullPath: string } } }>(
        '{ repository(namespace: "library", name: "team/app") { tagCount pullPath } }',
      ),
    );
    expect(dataOf(result).repository).toEqual({
      tagCount: 23,
      pullPath: 'swr.eu-de.otc.t-systems.com/library/team/app',
    });
    expect(requests.map((r) => r.path)).toEqual(['/v2/manage/namespaces/library/repos/team$app']);
  });

  test('a repository’s tags need no details request', async () => {
    const { requests } = await upstreamOf(h, () =>
      h.graphql('{ repository(namespace: "library", name: "hello") { name tags { totalCount } } }'),
    );
    expect(requests.map((r) => r.path)).toEqual(['/v2/manage/namespaces/library/repos/hello/tags']);
  });

  test('the details of an unknown repository are NOT_FOUND, and the repository is null', async () => {
    const body = await h.graphql<{ data?: { repository: unknown } }>(
      '{ repository(namespace: "library", name: "nosuchrepo") { name description } }',
    );
    expect(body.data).toEqual({ repository: null });
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('NOT_FOUND');
    expect(error.path).toEqual(['repository', 'description']);
  });
});

describe('federation', () => {
  test('a Namespace reference is resolved by name, SWR asked only for fields that need it', async () => {
    const query = `query ($r: [_Any!]!) {
      _entities(representations: $r) { ... on Namespace { name repositories(first: 2) { totalCount } } }
    }`;
    const body = await h.subgraph(query, {
      r: [{ __typename: 'Namespace', name: 'acme' }],
    });
    expect(body).toEqual({
      data: { _entities: [{ name: 'acme', repositories: { totalCount: 24 } }] },
    });
    const { result, requests } = await upstreamOf(h, () =>
      h.subgraph(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Namespace { name } } }',
        {
          r: [{ __typename: 'Namespace', name: 'library' }],
        },
      ),
    );
    expect(result).toEqual({ data: { _entities: [{ name: 'library' }] } });
    expect(requests).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Deleting a tag

const DELETE_TAG = `
  mutation Delete($namespace: String!, $repository: String!, $tag: String!) {
    deleteTag(input: { namespace: $namespace, repository: $repository, tag: $tag }) {
      deletedTagId
      repository { namespace name tagCount }
    }
  }
`;

interface DeleteResult {
  data?: {
    deleteTag: {
      deletedTagId: string;
      repository: { namespace: string; name: string; tagCount: number };
    };
  } | null;
  errors?: GraphQLBody['errors'];
}

describe('deleteTag', () => {
  // Deletions change the sandbox, so they run against a sandbox of their own.
  let d: Harness;

  beforeAll(async () => {
    d = await startHarness();
  });

  afterAll(async () => {
    await d.close();
  });

  async function tagNames(repository: string, first: number, after?: string | null) {
    const body = await d.graphql<{ data?: { repository: { tags: Connection } } }>(
      `query ($name: String!, $first: Int, $after: String) {
         repository(namespace: "library", name: $name) {
           tags(first: $first, after: $after, orderBy: { field: NAME, direction: ASC }) {
             ${CONNECTION_FIELDS}
           }
         }
       }`,
      { name: repository, first, after: after ?? null },
    );
    return dataOf(body).repository.tags;
  }

  test('deletes a tag: it is gone from the next page, and deleting it again is NOT_FOUND', async () => {
    const all = expectedNames('library', 'nginx', { field: 'NAME', direction: 'ASC' });
    const first = await tagNames('nginx', 10);
    expectPageAt(first, all, 0, 10);
    const victim = all[12] ?? '';

    const { result, requests } = await upstreamOf(d, () =>
      d.graphql<DeleteResult>(DELETE_TAG, {
        namespace: 'library',
        repository: 'nginx',
        tag: victim,
      }),
    );
    expect(dataOf(result).deleteTag).toEqual({
      deletedTagId: Buffer.from(`Tag:library/nginx:${victim}`).toString('base64url'),
      repository: { namespace: 'library', name: 'nginx', tagCount: all.length - 1 },
    });
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `DELETE /v2/manage/namespaces/library/repos/nginx/tags/${encodeURIComponent(victim)} 204`,
      'GET /v2/manage/namespaces/library/repos/nginx 200',
    ]);

    const remaining = all.filter((name) => name !== victim);
    const next = await tagNames('nginx', 10, first.pageInfo.endCursor);
    expectPageAt(next, remaining, 10, 10);
    expect(next.edges.map((edge) => edge.node.name)).not.toContain(victim);

    const again = await d.graphql<DeleteResult>(DELETE_TAG, {
      namespace: 'library',
      repository: 'nginx',
      tag: victim,
    });
    expect(again.data).toBeNull();
    const error = onlyError(again);
    expect(error.extensions?.code).toBe('NOT_FOUND');
    expect(error.extensions?.upstream).toMatchObject({ status: 404 });
  });

  test('the sandbox of another gateway still has the tag', async () => {
    const body = await h.graphql<{ data?: { repository: { tag: { name: string } | null } } }>(
      `{ repository(namespace: "library", name: "nginx") { tag(name: "${expectedNames('library', 'nginx', { field: 'NAME', direction: 'ASC' })[12] ?? ''}") { name } } }`,
    );
    expect(dataOf(body).repository.tag).not.toBeNull();
  });

  test('within one request, what the loaders held about the repository is read again', async () => {
    const names = expectedNames('library', 'multiarch', { field: 'NAME', direction: 'ASC' });
    const [a, b] = names;
    const body = await d.graphql<{
      data?: Record<string, { repository: { tagCount: number; tags: Connection } }>;
    }>(
      `mutation ($a: String!, $b: String!) {
        one: deleteTag(input: { namespace: "library", repository: "multiarch", tag: $a }) {
          repository { tagCount tags(first: 20, orderBy: { field: NAME, direction: ASC }) { ${CONNECTION_FIELDS} } }
        }
        two: deleteTag(input: { namespace: "library", repository: "multiarch", tag: $b }) {
          repository { tagCount tags(first: 20, orderBy: { field: NAME, direction: ASC }) { ${CONNECTION_FIELDS} } }
        }
      }`,
      { a, b },
    );
    const { one, two } = dataOf(body);
    if (!one || !two) throw new Error('a deletion is missing');
    expect(one.repository.tagCount).toBe(names.length - 1);
    expectPageAt(one.repository.tags, names.slice(1), 0, 11);
    expect(two.repository.tagCount).toBe(names.length - 2);
    expectPageAt(two.repository.tags, names.slice(2), 0, 10);
  });

  test('without a token: UNAUTHENTICATED, no DELETE upstream, and the tag is still listed', async () => {
    const { result, requests } = await upstreamOf(d, () =>
      d.graphql<DeleteResult>(
        DELETE_TAG,
        { namespace: 'library', repository: 'hello', tag: 'latest' },
        null,
      ),
    );
    expect(result.data).toBeNull();
    expect(onlyError(result).extensions?.code).toBe('UNAUTHENTICATED');
    expect(requests).toEqual([]);
    expect(
      d.sandbox.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/hello/')),
    ).toEqual([]);
    const hello = await tagNames('hello', 5);
    expect(hello.nodes).toEqual([{ name: 'latest' }]);
  });

  test('invalid names are BAD_USER_INPUT without any upstream request', async () => {
    for (const [input, argument] of [
      [{ namespace: 'Library', repository: 'hello', tag: 'latest' }, 'input.namespace'],
      [{ namespace: 'library', repository: 'Hello', tag: 'latest' }, 'input.repository'],
      [{ namespace: 'library', repository: 'hello', tag: '../latest' }, 'input.tag'],
      [{ namespace: 'library', repository: 'hello', tag: '-x' }, 'input.tag'],
    ] as const) {
      const { result, requests } = await upstreamOf(d, () => d.graphql(DELETE_TAG, input));
      const error = onlyError(result);
      expect([argument, error.extensions?.code]).toEqual([argument, 'BAD_USER_INPUT']);
      expect(error.extensions?.argument).toBe(argument);
      expect(requests).toEqual([]);
    }
  });

  test('an unknown repository is NOT_FOUND; an organization the token may only read is FORBIDDEN', async () => {
    const unknown = await d.graphql(DELETE_TAG, {
      namespace: 'library',
      repository: 'nosuchrepo',
      tag: 'latest',
    });
    expect(onlyError(unknown).extensions?.code).toBe('NOT_FOUND');
    const readOnly = await d.graphql(DELETE_TAG, {
      namespace: 'acme',
      repository: 'svc-0',
      tag: 'latest',
    });
    expect(onlyError(readOnly).extensions?.code).toBe('FORBIDDEN');
    const tags = expectedTags('acme', 'svc-0', 'tag', 'asc');
    expect(tags.map((t) => t.Tag)).toContain('latest');
  });

  test('the cost of a mutation counts its upstream requests', async () => {
    const aliases = Array.from(
      { length: 26 },
      (_, i) =>
        `d${i}: deleteTag(input: { namespace: "library", repository: "tied", tag: "x${i}" }) { repository { tags(first: 1) { totalCount } } }`,
    ).join('\n');
    const { result, requests } = await upstreamOf(d, () => d.graphql(`mutation { ${aliases} }`));
    expect(onlyError(result).extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(requests).toEqual([]);
  });
});

describe('a failing DELETE', () => {
  let standIn: Listening;
  let viaStandIn: Harness;
  const seen: string[] = [];

  beforeAll(async () => {
    standIn = await listenOnLoopback(
      createServer((request, response) => {
        request.resume();
        seen.push(`${request.method ?? ''} ${request.url ?? ''}`);
        response.writeHead(503, { 'content-type': 'text/html' });
        response.end('<html>Service Unavailable</html>');
      }),
    );
    viaStandIn = await startHarness({ upstream: standIn.url });
  });

  afterAll(async () => {
    await viaStandIn.close();
    await standIn.close();
  });

  test('is attempted exactly once, where a failing GET is retried', async () => {
    seen.length = 0;
    const deleted = await viaStandIn.graphql(DELETE_TAG, {
      namespace: 'library',
      repository: 'nginx',
      tag: 'latest',
    });
    const error = onlyError(deleted);
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions?.upstream).toEqual({ status: 503 });
    expect(seen).toEqual(['DELETE /v2/manage/namespaces/library/repos/nginx/tags/latest']);

    seen.length = 0;
    const read = await viaStandIn.graphql(
      '{ repository(namespace: "library", name: "nginx") { description } }',
    );
    expect(onlyError(read).extensions?.code).toBe('UPSTREAM_ERROR');
    expect(seen).toEqual(Array(3).fill('GET /v2/manage/namespaces/library/repos/nginx'));
  });
});

/**
 * Global ids over HTTP against the sandbox: every Repository, Namespace and Tag has one, the
 * same for every token and request; `node(id:)` and `nodes(ids:)` refetch each type as its own
 * field reads it (a repository without asking SWR until a field needs it, an organization as
 * `Query.namespace`), bad ids are refused before any upstream request, and federation's
 * `_entities` answers with the same ids.
 */
import { expectedRepositories, expectedTags } from '../support/sandbox-data';
import { OTHER_TOKEN } from '../../src/sandbox/server';
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { errorCodes, onlyError, upstreamOf } from './support';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

interface IdsBody {
  data?: {
    namespaces: {
      id: string;
      name: string;
      repositories: { nodes: { id: string; namespace: string; name: string }[] };
    }[];
  };
  errors?: GraphQLBody['errors'];
}

const IDS = `{
  namespaces {
    id
    name
    repositories(first: 100, orderBy: { field: NAME, direction: ASC }) { nodes { id namespace name } }
  }
}`;

interface NodeBody {
  data?: { node: Record<string, unknown> | null } | null;
  errors?: GraphQLBody['errors'];
}

interface NodesBody {
  data?: { nodes: (Record<string, unknown> | null)[] } | null;
  errors?: GraphQLBody['errors'];
}

const NODE_FIELDS = `
  __typename
  id
  ... on Repository { namespace name }
  ... on Namespace { name }
  ... on Tag { name repository { id } }
`;

const NODE = `query Node($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`;
const NODES = `query Nodes($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`;

/** What the ids of the demo account's organizations and repositories are, listed. */
async function listedIds(token?: string): Promise<IdsBody['data']> {
  const body = await h.graphql<IdsBody>(IDS, {}, token);
  expect(body.errors).toBeUndefined();
  return body.data;
}

function form(payload: string): string {
  return Buffer.from(payload).toString('base64url');
}

describe('global ids', () => {
  test('every organization and repository has a distinct opaque id, the same in every request and for every token', async () => {
    const listed = await listedIds();
    const namespaces = listed?.namespaces ?? [];
    expect(namespaces.map((namespace) => namespace.name)).toEqual(['library', 'acme']);
    const ids = namespaces.flatMap((namespace) => [
      namespace.id,
      ...namespace.repositories.nodes.map((repository) => repository.id),
    ]);
    const repositoryCount = ['library', 'acme']
      .map((name) => expectedRepositories(name, 'name', 'asc').length)
      .reduce((sum, count) => sum + count, 0);
    expect(ids).toHaveLength(2 + repositoryCount);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await listedIds()).toEqual(listed);

    // Another account's token sees the same id for a repository named the same way.
    const repository = `query R($namespace: String!, $name: String!) {
      repository(namespace: $namespace, name: $name) { id }
    }`;
    const teamApp = namespaces[0]?.repositories.nodes.find((node) => node.name === 'team/app');
    if (!teamApp) throw new Error('no library/team/app');
    for (const token of [undefined, OTHER_TOKEN]) {
      const { result, requests } = await upstreamOf(h, () =>
        h.graphql(repository, { namespace: 'library', name: 'team/app' }, token),
      );
      expect(result).toEqual({ data: { repository: { id: teamApp.id } } });
      expect(requests).toEqual([]);
    }
  });

  test('the ids have the documented form, in the style of Tag.id', async () => {
    const listed = await listedIds();
    const library = listed?.namespaces[0];
    expect(library?.id).toBe(form('Namespace:library'));
    expect(library?.repositories.nodes.find((node) => node.name === 'team/app')?.id).toBe(
      form('Repository:library/team/app'),
    );
  });
});

describe('node(id:)', () => {
  test('refetches every listed organization and repository as itself', async () => {
    const listed = await listedIds();
    for (const namespace of listed?.namespaces ?? []) {
      const body = await h.graphql<NodeBody>(NODE, { id: namespace.id });
      expect(body).toEqual({
        data: { node: { __typename: 'Namespace', id: namespace.id, name: namespace.name } },
      });
      for (const repository of namespace.repositories.nodes) {
        const { result, requests } = await upstreamOf(h, () =>
          h.graphql<NodeBody>(NODE, { id: repository.id }),
        );
        expect(result).toEqual({ data: { node: { __typename: 'Repository', ...repository } } });
        // As `Query.repository`: no field read SWR, so SWR was not asked.
        expect(requests).toEqual([]);
      }
    }
  });

  test('a repository is read from SWR once a field needs it, as Query.repository', async () => {
    const id = form('Repository:library/nginx');
    const query = `query ($id: ID!) {
      node(id: $id) { ... on Repository { tagCount description tags(first: 2) { totalCount } } }
      repository(namespace: "library", name: "nginx") { tagCount description tags(first: 2) { totalCount } }
    }`;
    const { result, requests } = await upstreamOf(h, () =>
      h.graphql<{ data?: { node: unknown; repository: unknown } }>(query, { id }),
    );
    expect(result.data?.node).toEqual(result.data?.repository);
    expect(result.data?.node).toEqual({
      tagCount: 97,
      description: expect.any(String) as unknown,
      tags: { totalCount: 97 },
    });
    // One details request and one tag page, shared by both fields.
    expect(requests.map((request) => request.path).sort()).toEqual([
      '/v2/manage/namespaces/library/repos/nginx',
      '/v2/manage/namespaces/library/repos/nginx/tags',
    ]);
  });

  test('an organization behaves as Query.namespace: one request, null when the token may not see it', async () => {
    for (const [name, token] of [
      ['acme', undefined],
      ['globex', undefined],
      ['globex', OTHER_TOKEN],
      ['nosuchorg', undefined],
    ] as const) {
      const query = `query ($id: ID!, $name: String!) {
        node(id: $id) { ... on Namespace { name permission } }
        namespace(name: $name) { name permission }
      }`;
      const { result, requests } = await upstreamOf(h, () =>
        h.graphql<{ data?: { node: unknown; namespace: unknown } }>(
          query,
          { id: form(`Namespace:${name}`), name },
          token,
        ),
      );
      expect(result.data?.node).toEqual(result.data?.namespace);
      expect(result).not.toHaveProperty('errors');
      expect(requests.map((request) => request.path)).toEqual([`/v2/manage/namespaces/${name}`]);
    }
  });

  test('the id of a repository that does not exist resolves as Query.repository: null with NOT_FOUND once SWR was asked', async () => {
    const id = form('Repository:library/nosuch');
    const bare = await h.graphql<NodeBody>('query ($id: ID!) { node(id: $id) { id } }', { id });
    expect(bare).toEqual({ data: { node: { id } } });
    for (const field of ['tagCount', 'tags(first: 1) { totalCount }']) {
      const body = await h.graphql<NodeBody>(
        `query ($id: ID!) { node(id: $id) { id ... on Repository { ${field} } } }`,
        { id },
      );
      const direct = await h.graphql<{ data?: { repository: unknown } }>(
        `{ repository(namespace: "library", name: "nosuch") { id ${field} } }`,
      );
      expect(body.data).toEqual({ node: null });
      expect(direct.data).toEqual({ repository: null });
      expect(onlyError(body).extensions?.code).toBe('NOT_FOUND');
      expect(onlyError(direct).extensions?.code).toBe('NOT_FOUND');
    }
  });

  test('a tag id from a page refetches that tag, whose repository has the id the repository has', async () => {
    const page = await h.graphql<{
      data: { repository: { id: string; tags: { nodes: { id: string; name: string }[] } } };
    }>(
      '{ repository(namespace: "library", name: "busybox") { id tags(first: 3) { nodes { id name } } } }',
    );
    const { id: repositoryId, tags } = page.data.repository;
    for (const tag of tags.nodes) {
      const body = await h.graphql<NodeBody>(NODE, { id: tag.id });
      expect(body).toEqual({
        data: {
          node: { __typename: 'Tag', id: tag.id, name: tag.name, repository: { id: repositoryId } },
        },
      });
    }
  });
});

describe('nodes(ids:)', () => {
  test('returns each object in the order given, null in the place of one that does not exist', async () => {
    const tag = expectedTags('library', 'hello', 'tag', 'asc')[0];
    if (!tag) throw new Error('no tag');
    const ids = [
      form('Tag:library/hello:latest'),
      form('Repository:library/team/app'),
      form('Namespace:acme'),
      form('Tag:library/hello:gone'),
      form('Namespace:globex'),
      form('Repository:library/team/app'),
    ];
    const body = await h.graphql<NodesBody>(NODES, { ids });
    expect(body).toEqual({
      data: {
        nodes: [
          {
            __typename: 'Tag',
            id: ids[0],
            name: tag.Tag,
            repository: { id: form('Repository:library/hello') },
          },
          { __typename: 'Repository', id: ids[1], namespace: 'library', name: 'team/app' },
          { __typename: 'Namespace', id: ids[2], name: 'acme' },
          null,
          null,
          { __typename: 'Repository', id: ids[1], namespace: 'library', name: 'team/app' },
        ],
      },
    });
  });

  test('a repository that no longer exists is null in its place, with NOT_FOUND at its path', async () => {
    const ids = [form('Repository:library/nosuch'), form('Repository:library/hello')];
    const body = await h.graphql<NodesBody>(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Repository { name tagCount } } }',
      { ids },
    );
    expect(body.data).toEqual({ nodes: [null, { name: 'hello', tagCount: 1 }] });
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('NOT_FOUND');
    expect(error.path).toEqual(['nodes', 0, 'tagCount']);
  });

  test('an empty list is an empty list, without upstream requests', async () => {
    const { result, requests } = await upstreamOf(h, () => h.graphql(NODES, { ids: [] }));
    expect(result).toEqual({ data: { nodes: [] } });
    expect(requests).toEqual([]);
  });

  test.each([
    { what: 'a malformed id among good ones', bad: 'not an id', index: 1 },
    { what: 'an id this API did not issue', bad: form('User:library'), index: 1 },
    { what: 'a tag id with an invalid name', bad: form('Tag:library/hello:-x'), index: 1 },
  ])('$what is BAD_USER_INPUT naming it, and nothing is fetched', async ({ bad, index }) => {
    const ids = [form('Namespace:acme'), bad, form('Tag:library/hello:latest')];
    const { result, requests } = await upstreamOf(h, () => h.graphql<NodesBody>(NODES, { ids }));
    const error = onlyError(result);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ids' });
    expect(error.message).toContain(`ids[${index}]`);
    expect(result.data).toBeNull();
    expect(requests).toEqual([]);
  });

  test('more than 100 ids is BAD_USER_INPUT, not a cost error, and nothing is fetched', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => form(`Tag:library/nginx:t${i}`));
    const { result, requests } = await upstreamOf(h, () => h.graphql<NodesBody>(NODES, { ids }));
    const error = onlyError(result);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ids' });
    expect(error.message).toContain('at most 100');
    expect(requests).toEqual([]);
  });

  test('the cost model counts one lookup per id, and the tags below each', async () => {
    const tagIds = (count: number) =>
      Array.from({ length: count }, (_, i) => form(`Tag:library/nginx:t${i}`));
    const over = await upstreamOf(h, () =>
      h.graphql<NodesBody>('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
        ids: tagIds(51),
      }),
    );
    expect(onlyError(over.result).extensions).toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      cost: { upstreamRequests: 51 },
    });
    expect(over.requests).toEqual([]);

    const repositories = Array.from({ length: 20 }, (_, i) => form(`Repository:library/r${i}`));
    const nested = await upstreamOf(h, () =>
      h.graphql<NodesBody>(
        'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Repository { tags(first: 100) { totalCount } } } }',
        { ids: repositories },
      ),
    );
    expect(onlyError(nested.result).extensions).toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      // The 20 repositories count as objects returned, and so do the 100 tags of each.
      cost: { upstreamRequests: 20 + 20 * 2, nodes: 20 + 20 * 100 },
    });
    expect(nested.requests).toEqual([]);

    const fine = await h.graphql<NodesBody>('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: tagIds(50),
    });
    expect(errorCodes(fine)).toEqual([]);
    expect(fine.data?.nodes).toEqual(Array.from({ length: 50 }, () => null));
  });
});

describe("federation's _entities", () => {
  test('resolves references to objects with the ids the public API gives them, which node(id:) refetches', async () => {
    const representations = [
      { __typename: 'Repository', namespace: 'library', name: 'team/app' },
      { __typename: 'Namespace', name: 'acme' },
      { __typename: 'Tag', id: form('Tag:library/hello:latest') },
    ];
    const entities = await h.subgraph<{
      data?: { _entities: { __typename: string; id: string }[] };
    }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Node { id } } }',
      { r: representations },
    );
    const publicIds = await h.graphql<{
      data: {
        repository: { id: string; tag: { id: string } };
        namespace: { id: string };
      };
    }>(`{
      repository(namespace: "library", name: "team/app") { id tag(name: "latest") { id } }
      namespace(name: "acme") { id }
    }`);
    const hello = await h.graphql<{ data: { repository: { tag: { id: string } } } }>(
      '{ repository(namespace: "library", name: "hello") { tag(name: "latest") { id } } }',
    );
    expect(entities.data?._entities).toEqual([
      { __typename: 'Repository', id: publicIds.data.repository.id },
      { __typename: 'Namespace', id: publicIds.data.namespace.id },
      { __typename: 'Tag', id: hello.data.repository.tag.id },
    ]);
    for (const entity of entities.data?._entities ?? []) {
      const node = await h.graphql<NodeBody>(NODE, { id: entity.id });
      expect(node.data?.node).toMatchObject({ __typename: entity.__typename, id: entity.id });
    }
  });
});

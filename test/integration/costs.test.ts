import { Kind, parse } from 'graphql';
import { DEFAULT_LIMITS } from '../../src/graphql/limits';
import { startHarness, type Harness } from '../support/harness';

/**
 * The cost model against what the loaders really send: for each field that declares a `@cost`,
 * its worst case costs SWR exactly what the gateway counts before running it, and no query
 * costs more than counted.
 */

let h: Harness;
/** A gateway that refuses every query, telling its cost: what the cost limit counts. */
let pricing: Harness;

beforeAll(async () => {
  h = await startHarness();
  pricing = await startHarness({ limits: { ...DEFAULT_LIMITS, maxUpstreamRequests: -1 } });
});

afterAll(async () => {
  await h.close();
  await pricing.close();
});

/** Federation's fields are served on the subgraph surface, everything else on the public API. */
function send(harness: Harness, query: string, variables: Record<string, unknown>) {
  return /\b_(entities|service)\b/.test(query)
    ? harness.subgraph(query, variables)
    : harness.graphql(query, variables);
}

async function counted(query: string, variables: Record<string, unknown>): Promise<number> {
  const body = await send(pricing, query, variables);
  const cost = body.errors?.[0]?.extensions?.cost as { upstreamRequests: number } | undefined;
  if (cost === undefined) throw new Error(`no cost for ${query}: ${JSON.stringify(body)}`);
  return cost.upstreamRequests;
}

async function sent(
  query: string,
  variables: Record<string, unknown>,
): Promise<{ requests: number; paths: string[] }> {
  h.sandbox.resetRequests();
  const body = await send(h, query, variables);
  expect(body.errors).toBeUndefined();
  return { requests: h.upstreamCount(), paths: h.sandbox.requests.map((r) => r.path) };
}

async function tagId(): Promise<string> {
  const body = await h.graphql<{ data: { repository: { tag: { id: string } } } }>(
    '{ repository(namespace: "library", name: "nginx") { tag(name: "latest") { id } } }',
  );
  return body.data.repository.tag.id;
}

interface Case {
  name: string;
  /** The fields with `@cost` whose worst case this is. */
  covers: string[];
  query: string;
  variables?: () => Promise<Record<string, unknown>>;
  /** Whether SWR is asked exactly what is counted, or less. */
  exact: boolean;
}

const CASES: Case[] = [
  {
    name: 'the organizations',
    covers: ['Query.namespaces'],
    query: '{ namespaces { name } }',
    exact: true,
  },
  {
    name: 'one organization',
    covers: ['Query.namespace'],
    query: '{ namespace(name: "acme") { name creatorName permission } }',
    exact: true,
  },
  {
    name: 'a tag by global id',
    covers: ['Query.node'],
    query: 'query ($id: ID!) { node(id: $id) { id } }',
    variables: async () => ({ id: await tagId() }),
    exact: true,
  },
  {
    // One object per id: an organization is read whole, a repository not until a field needs it.
    name: 'objects by global ids',
    covers: ['Query.nodes'],
    query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
    variables: async () => ({
      ids: [await tagId(), Buffer.from('Namespace:acme').toString('base64url')],
    }),
    exact: true,
  },
  {
    name: 'a tag by name',
    covers: ['Repository.tag'],
    query: '{ repository(namespace: "library", name: "nginx") { tag(name: "latest") { name } } }',
    exact: true,
  },
  {
    // Update times tied in batches: `last` reads the reversed head, then the window by offset.
    name: 'the last tags of a list whose update times tie',
    covers: ['Repository.tags'],
    query:
      '{ repository(namespace: "library", name: "tied") { tags(last: 7) { nodes { name } } } }',
    exact: true,
  },
  {
    // Repositories have no reversed order: the length first, then the window; the estimate
    // counts both, but the organization's list is read whole once (SWR_REPOSITORY_MATCH=fuzzy),
    // and the window is a slice of it.
    name: 'the last repositories of an organization',
    covers: ['Namespace.repositories'],
    query: '{ namespace(name: "acme") { repositories(last: 5) { nodes { name } } } }',
    exact: false,
  },
  {
    name: 'a repository’s details: one request however many of its fields are asked',
    covers: [],
    query: '{ repository(namespace: "library", name: "nginx") { description tagCount size } }',
    exact: true,
  },
  {
    name: 'a tag reference: a lookup by name',
    covers: [],
    query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Tag { name } } }',
    variables: async () => ({ r: [{ __typename: 'Tag', id: await tagId() }] }),
    exact: true,
  },
  {
    // Details that came with the list cost nothing; the tags of each repository one page each.
    name: 'repositories with their details and tags: fewer than counted',
    covers: [],
    query: `{ namespace(name: "acme") { repositories(first: 3) {
      nodes { description tags(first: 2) { nodes { name } } }
    } } }`,
    exact: false,
  },
  {
    // The whole list of 2,500 tags: 3 requests, of the 10 counted for the longest list ordered.
    name: 'the latest version and the tags in the version order: fewer than counted',
    covers: ['Repository.latestTag'],
    query: `{ repository(namespace: "library", name: "app") {
      latestTag { name } tags(orderBy: { field: VERSION, direction: DESC }) { nodes { name } }
    } }`,
    exact: false,
  },
  {
    // The organization's grant, read once for both fields: one request, two counted.
    name: 'what the viewer may do with a repository: fewer than counted',
    covers: ['Repository.viewerPermission', 'Repository.viewerCanDelete'],
    query:
      '{ repository(namespace: "library", name: "nginx") { viewerPermission viewerCanDelete } }',
    exact: false,
  },
  {
    // Twenty names no tag has: twenty DELETEs, nothing changed.
    name: 'deleting 20 tags',
    covers: ['Mutation.deleteTags'],
    query: `mutation {
      deleteTags(input: { namespace: "library", repository: "busybox", tags: [${Array.from(
        { length: 20 },
        (_, i) => `"gone-${i}"`,
      ).join(', ')}] }) { deletedTagIds failures { code } }
    }`,
    exact: true,
  },
  {
    // Last: it changes the sandbox.
    name: 'deleting a tag',
    covers: ['Mutation.deleteTag'],
    query: `mutation {
      deleteTag(input: { namespace: "library", repository: "busybox", tag: "stable" }) { deletedTagId }
    }`,
    exact: true,
  },
];

describe('what a query costs SWR, against what the gateway counts before running it', () => {
  test('every field that declares a @cost has its worst case here', async () => {
    const body = await h.subgraph<{ data: { _service: { sdl: string } } }>('{ _service { sdl } }');
    const declared = parse(body.data._service.sdl).definitions.flatMap((definition) =>
      // A subscription's cost is its first poll, held in test/subscriptions/sse.test.ts.
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value !== 'Subscription'
        ? (definition.fields ?? [])
            .filter((field) =>
              (field.directives ?? []).some((directive) => directive.name.value === 'cost'),
            )
            .map((field) => `${definition.name.value}.${field.name.value}`)
        : [],
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(CASES.flatMap((c) => c.covers).sort()).toEqual([...declared].sort());
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const variables = (await c.variables?.()) ?? {};
    const cost = await counted(c.query, variables);
    const { requests } = await sent(c.query, variables);
    if (c.exact) expect(requests).toBe(cost);
    else expect(requests).toBeLessThan(cost);
    expect(requests).toBeGreaterThan(0);
  });

  test('a repository that came with a list is not asked for its details', async () => {
    const { paths } = await sent(
      '{ namespace(name: "acme") { repositories(first: 3) { nodes { description tagCount } } } }',
      {},
    );
    expect(paths.filter((path) => /\/repos\/[^/]+$/.test(path))).toEqual([]);
  });
});

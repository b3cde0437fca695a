import { createServer, type RequestListener } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices as composeWithApollo } from '@apollo/composition';
import { composeServices } from '@theguild/federation-composition';
import { Kind, parse, print } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expectedTags } from '../support/sandbox-data';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { listenOnLoopback, type Listening } from '../support/listen';

/**
 * The gateway as an Apollo Federation v2 subgraph: its SDL composes with an independent
 * `deployments` subgraph, and a real federation gateway (Hive Gateway's runtime) answers a query
 * that starts there and continues into this subgraph, with the caller's token passed on.
 */

async function listen(handler: RequestListener, path: string): Promise<Listening> {
  const listening = await listenOnLoopback(createServer(handler));
  return { ...listening, url: `${listening.url}${path}` };
}

async function post<T = GraphQLBody>(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as T;
}

/** A second subgraph that only knows repositories by their key. */
const DEPLOYMENTS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Query {
    deployments: [Deployment!]!
  }

  type Deployment {
    id: ID!
    environment: String!
    repository: Repository!
  }

  type Repository @key(fields: "namespace name", resolvable: false) {
    namespace: String!
    name: String!
  }
`;

const DEPLOYMENTS = [
  { id: 'd1', environment: 'production', repository: { namespace: 'library', name: 'nginx' } },
  { id: 'd2', environment: 'staging', repository: { namespace: 'library', name: 'team/app' } },
];

function startDeployments(): Promise<Listening> {
  const yoga = createYoga({
    schema: buildSubgraphSchema({
      typeDefs: parse(DEPLOYMENTS_SDL),
      resolvers: { Query: { deployments: () => DEPLOYMENTS } },
    }),
    logging: false,
  });
  return listen((request, response) => void yoga(request, response), '/graphql');
}

interface SupergraphData {
  deployments: {
    environment: string;
    repository: {
      namespace: string;
      name: string;
      tags: { totalCount: number; edges: { node: { name: string } }[] };
    };
  }[];
}

const DEPLOYMENTS_QUERY = /* GraphQL */ `
  {
    deployments {
      environment
      repository {
        namespace
        name
        tags(first: 2) {
          totalCount
          edges {
            node {
              name
            }
          }
        }
      }
    }
  }
`;

function firstTags(namespace: string, name: string) {
  const tags = expectedTags(namespace, name, 'updated_at', 'desc');
  return {
    totalCount: tags.length,
    edges: tags.slice(0, 2).map((tag) => ({ node: { name: tag.Tag } })),
  };
}

let h: Harness;
let deployments: Listening;
let gateway: Listening;
let disposeGateway: () => Promise<void> | void;
let subgraphSdl: string;
let supergraphSdl: string;

beforeAll(async () => {
  h = await startHarness();
  deployments = await startDeployments();

  const service = await post<{ data: { _service: { sdl: string } } }>(
    h.url,
    '{ _service { sdl } }',
  );
  subgraphSdl = service.data._service.sdl;
  const composed = composeServices([
    { name: 'swr', typeDefs: parse(subgraphSdl), url: h.url },
    { name: 'deployments', typeDefs: parse(DEPLOYMENTS_SDL), url: deployments.url },
  ]);
  expect(composed.errors).toBeUndefined();
  if (composed.supergraphSdl === undefined) throw new Error('composition failed');
  supergraphSdl = composed.supergraphSdl;

  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: false,
    propagateHeaders: {
      // The caller's token, in either header the subgraph reads.
      fromClientToSubgraphs: ({ request }) => ({
        'x-auth-token': request.headers.get('x-auth-token'),
        authorization: request.headers.get('authorization'),
      }),
    },
  });
  disposeGateway = () => runtime.dispose();
  gateway = await listen((request, response) => void runtime(request, response), '/graphql');
});

afterAll(async () => {
  await gateway.close();
  await disposeGateway();
  await deployments.close();
  await h.close();
});

beforeEach(() => {
  h.sandbox.resetRequests();
});

describe('the subgraph', () => {
  test('serves its SDL with the federation link and the entity keys', () => {
    const document = parse(subgraphSdl);
    const links = document.definitions
      .filter((definition) => definition.kind === Kind.SCHEMA_EXTENSION)
      .flatMap((extension) => extension.directives ?? [])
      .map((directive) => print(directive));
    expect(links).toContain(
      '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])',
    );
    const keys = (name: string): string[] =>
      document.definitions
        .filter(
          (definition) =>
            definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === name,
        )
        .flatMap((definition) =>
          definition.kind === Kind.OBJECT_TYPE_DEFINITION ? (definition.directives ?? []) : [],
        )
        .filter((directive) => directive.name.value === 'key')
        .map((directive) => print(directive));
    expect(keys('Repository')).toEqual(['@key(fields: "namespace name")']);
    expect(keys('Tag')).toEqual(['@key(fields: "id")']);
  });

  test('declares its costs: @cost on the fields that read SWR, @listSize on the connections', () => {
    const document = parse(subgraphSdl);
    const directivesOf = (type: string, field: string): string[] =>
      document.definitions
        .flatMap((definition) =>
          definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === type
            ? (definition.fields ?? [])
            : [],
        )
        .filter((definition) => definition.name.value === field)
        .flatMap((definition) => definition.directives ?? [])
        .map((directive) => print(directive));
    const listSize =
      '@listSize(assumedSize: 20, slicingArguments: ["first", "last"], sizedFields: ["edges", "nodes"], requireOneSlicingArgument: false)';
    expect(directivesOf('Repository', 'tags')).toEqual(['@cost(weight: 2)', listSize]);
    expect(directivesOf('Namespace', 'repositories')).toEqual(['@cost(weight: 2)', listSize]);
    for (const [type, field] of [
      ['Query', 'namespaces'],
      ['Query', 'namespace'],
      ['Query', 'node'],
      ['Repository', 'tag'],
      ['Mutation', 'deleteTag'],
    ] as const) {
      expect([type, field, directivesOf(type, field)]).toEqual([type, field, ['@cost(weight: 1)']]);
    }
  });

  test('resolves a Repository reference without asking SWR until a field needs it', async () => {
    const query = /* GraphQL */ `
      query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Repository {
            namespace
            name
          }
        }
      }
    `;
    const representations = [
      { __typename: 'Repository', namespace: 'library', name: 'nginx' },
      { __typename: 'Repository', namespace: 'library', name: 'team/app' },
    ];
    const names = await post(h.url, query, { 'x-auth-token': DEMO_TOKEN }, { representations });
    expect(names).toEqual({
      data: {
        _entities: [
          { namespace: 'library', name: 'nginx' },
          { namespace: 'library', name: 'team/app' },
        ],
      },
    });
    expect(h.upstreamCount()).toBe(0);

    const withTags = await post(
      h.url,
      /* GraphQL */ `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Repository {
              tags(first: 2) {
                totalCount
              }
            }
          }
        }
      `,
      { 'x-auth-token': DEMO_TOKEN },
      { representations },
    );
    expect(withTags).toEqual({
      data: {
        _entities: [
          { tags: { totalCount: firstTags('library', 'nginx').totalCount } },
          { tags: { totalCount: firstTags('library', 'team/app').totalCount } },
        ],
      },
    });
    expect(h.upstreamCount()).toBeGreaterThan(0);
  });

  test('checks the names of a Repository reference as Query.repository does', async () => {
    const body = await post(
      h.url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Repository { name } } }',
      { 'x-auth-token': DEMO_TOKEN },
      { r: [{ __typename: 'Repository', namespace: 'Library', name: 'nginx' }] },
    );
    expect(body.data).toEqual({ _entities: [null] });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(h.upstreamCount()).toBe(0);
  });

  test('resolves a Tag reference by its id', async () => {
    const direct = await h.graphql<{
      data: { repository: { tag: { id: string; digest: string } } };
    }>(
      '{ repository(namespace: "library", name: "team/app") { tag(name: "latest") { id digest } } }',
    );
    const { id, digest } = direct.data.repository.tag;

    const body = await post(
      h.url,
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on Tag {
              id
              name
              digest
              repository {
                namespace
                name
              }
            }
          }
        }
      `,
      { authorization: `Bearer ${DEMO_TOKEN}` },
      { r: [{ __typename: 'Tag', id }] },
    );
    expect(body).toEqual({
      data: {
        _entities: [
          {
            id,
            name: 'latest',
            digest,
            repository: { namespace: 'library', name: 'team/app' },
          },
        ],
      },
    });
  });

  test('answers a Tag reference without a token as a direct call', async () => {
    const id = Buffer.from('Tag:library/nginx:latest').toString('base64url');
    const body = await post(
      h.url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Tag { name } } }',
      {},
      { r: [{ __typename: 'Tag', id }] },
    );
    expect(body.data).toEqual({ _entities: [null] });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(h.upstreamCount()).toBe(0);
  });
});

describe('the supergraph', () => {
  test('composes into a supergraph that joins both subgraphs', () => {
    expect(supergraphSdl).toContain('@join__graph(name: "swr"');
    expect(supergraphSdl).toContain('@join__graph(name: "deployments"');
  });

  test("keeps the costs for a router's demand control, composed by either composer", () => {
    const apollo = composeWithApollo([
      { name: 'swr', typeDefs: parse(subgraphSdl), url: h.url },
      { name: 'deployments', typeDefs: parse(DEPLOYMENTS_SDL), url: deployments.url },
    ]);
    expect(apollo.errors).toBeUndefined();
    for (const supergraph of [supergraphSdl, apollo.supergraphSdl ?? '']) {
      expect(supergraph).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1"');
      const tags = parse(supergraph).definitions.flatMap((definition) =>
        definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Repository'
          ? (definition.fields ?? []).filter((field) => field.name.value === 'tags')
          : [],
      );
      const names = tags.flatMap((field) => field.directives ?? []).map((d) => d.name.value);
      expect(names).toEqual(expect.arrayContaining(['cost', 'listSize']));
    }
  });

  test('answers a query that starts in the deployments subgraph, with the token passed on', async () => {
    const body = await post<{ data?: SupergraphData; errors?: unknown[] }>(
      gateway.url,
      DEPLOYMENTS_QUERY,
      { 'x-auth-token': DEMO_TOKEN },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      deployments: [
        {
          environment: 'production',
          repository: {
            namespace: 'library',
            name: 'nginx',
            tags: firstTags('library', 'nginx'),
          },
        },
        {
          environment: 'staging',
          repository: {
            namespace: 'library',
            name: 'team/app',
            tags: firstTags('library', 'team/app'),
          },
        },
      ],
    });
    expect(h.sandbox.requests.length).toBeGreaterThan(0);
    expect(h.sandbox.requests.every((r) => r.account === 'demo')).toBe(true);
  });

  test('passes on an `Authorization: Bearer` token too', async () => {
    const body = await post<{ data?: SupergraphData; errors?: unknown[] }>(
      gateway.url,
      DEPLOYMENTS_QUERY,
      { authorization: `Bearer ${DEMO_TOKEN}` },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.deployments[1]?.repository.tags).toEqual(firstTags('library', 'team/app'));
    expect(h.sandbox.requests.every((r) => r.account === 'demo')).toBe(true);
  });

  test('reaches a repository whose name contains `/` (library/team/app)', async () => {
    const body = await post<{
      data?: { deployments: { repository: { name: string; tag: unknown } }[] };
      errors?: unknown[];
    }>(
      gateway.url,
      '{ deployments { repository { name tag(name: "latest") { id name repository { name } } } } }',
      { 'x-auth-token': DEMO_TOKEN },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.deployments[1]).toEqual({
      repository: {
        name: 'team/app',
        tag: {
          id: Buffer.from('Tag:library/team/app:latest').toString('base64url'),
          name: 'latest',
          repository: { name: 'team/app' },
        },
      },
    });
    // SWR's path spells the `/` as `$`.
    expect(h.sandbox.requests.map((r) => r.path)).toContain(
      '/v2/manage/namespaces/library/repos/team$app/tags',
    );
  });

  test('answers UNAUTHENTICATED without a token, as a direct call does', async () => {
    const body = await post(gateway.url, DEPLOYMENTS_QUERY);
    const direct = await h.graphql(
      '{ repository(namespace: "library", name: "nginx") { tags(first: 2) { totalCount } } }',
      {},
      null,
    );
    expect(direct.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    expect(body.errors?.find((e) => e.extensions?.code === 'UNAUTHENTICATED')?.message).toBe(
      direct.errors?.[0]?.message,
    );
    expect(h.upstreamCount()).toBe(0);
  });
});

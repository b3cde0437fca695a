import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices as composeWithApollo } from '@apollo/composition';
import { composeServices } from '@theguild/federation-composition';
import { Kind, getIntrospectionQuery, parse, print, type IntrospectionQuery } from 'graphql';
import { expectedTags } from '../support/sandbox-data';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import type { GraphQLBody } from '../support/harness';
import type { Listening } from '../support/listen';
import { buildGateway, startBuiltGateway, type BuiltGateway } from '../support/process';
import { DEPLOYMENTS_SDL, listen, startDeployments } from './deployments';

/**
 * The built gateway as an Apollo Federation v2 subgraph at `/subgraph`, behind its secret: its
 * SDL composes with an independent `deployments` subgraph, and a real federation gateway (Hive
 * Gateway's runtime), sending the secret, answers a query that starts there and continues into
 * this subgraph, with the caller's token passed on. Without the secret `/subgraph` answers
 * nothing. Introspection is switched off on `/graphql`; routers still read `_service`.
 */

const SECRET = 'federation-test-secret-0123456789';
const WITH_SECRET = { 'x-subgraph-secret': SECRET };

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

let swr: BuiltGateway;
/** The built gateway's endpoints. */
let api: string;
let subgraph: string;
let deployments: Listening;
let gateway: Listening;
let disposeGateway: () => Promise<void> | void;
let subgraphSdl: string;
let supergraphSdl: string;

/** A query to the subgraph as the router sends it: with the secret. */
function toSubgraph<T = GraphQLBody>(
  query: string,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> = {},
): Promise<T> {
  return post<T>(subgraph, query, { ...WITH_SECRET, ...headers }, variables);
}

function upstreamCount(): number {
  return swr.upstreamCount();
}

/** Hive Gateway's runtime over the supergraph, sending the swr subgraph `headers` beside the token. */
function startRouter(headers: Record<string, string>) {
  return createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: false,
    propagateHeaders: {
      // The caller's token, in either header the subgraph reads; the secret to swr alone.
      fromClientToSubgraphs: ({ request, subgraphName }) => ({
        'x-auth-token': request.headers.get('x-auth-token'),
        authorization: request.headers.get('authorization'),
        ...(subgraphName === 'swr' ? headers : {}),
      }),
    },
  });
}

beforeAll(() => {
  buildGateway();
}, 120_000);

beforeAll(async () => {
  swr = await startBuiltGateway({ SUBGRAPH_SECRET: SECRET, INTROSPECTION: 'false' });
  api = swr.url;
  subgraph = swr.subgraphUrl;
  deployments = await startDeployments();

  const service = await toSubgraph<{ data: { _service: { sdl: string } } }>('{ _service { sdl } }');
  subgraphSdl = service.data._service.sdl;
  const composed = composeServices([
    { name: 'swr', typeDefs: parse(subgraphSdl), url: subgraph },
    { name: 'deployments', typeDefs: parse(DEPLOYMENTS_SDL), url: deployments.url },
  ]);
  expect(composed.errors).toBeUndefined();
  if (composed.supergraphSdl === undefined) throw new Error('composition failed');
  supergraphSdl = composed.supergraphSdl;

  const runtime = startRouter(WITH_SECRET);
  disposeGateway = () => runtime.dispose();
  gateway = await listen((request, response) => void runtime(request, response), '/graphql');
});

afterAll(async () => {
  await gateway.close();
  await disposeGateway();
  await deployments.close();
  await swr.close();
});

beforeEach(() => {
  swr.sandbox.resetRequests();
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
    const names = await toSubgraph(query, { 'x-auth-token': DEMO_TOKEN }, { representations });
    expect(names).toEqual({
      data: {
        _entities: [
          { namespace: 'library', name: 'nginx' },
          { namespace: 'library', name: 'team/app' },
        ],
      },
    });
    expect(upstreamCount()).toBe(0);

    const withTags = await toSubgraph(
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
    expect(upstreamCount()).toBeGreaterThan(0);
  });

  test('checks the names of a Repository reference as Query.repository does', async () => {
    const body = await toSubgraph(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Repository { name } } }',
      { 'x-auth-token': DEMO_TOKEN },
      { r: [{ __typename: 'Repository', namespace: 'Library', name: 'nginx' }] },
    );
    expect(body.data).toEqual({ _entities: [null] });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(upstreamCount()).toBe(0);
  });

  test('resolves a Tag reference by its id', async () => {
    const direct = await post<{
      data: { repository: { tag: { id: string; digest: string } } };
    }>(
      api,
      '{ repository(namespace: "library", name: "team/app") { tag(name: "latest") { id digest } } }',
      { 'x-auth-token': DEMO_TOKEN },
    );
    const { id, digest } = direct.data.repository.tag;

    const body = await toSubgraph(
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
    const body = await toSubgraph(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Tag { name } } }',
      {},
      { r: [{ __typename: 'Tag', id }] },
    );
    expect(body.data).toEqual({ _entities: [null] });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(upstreamCount()).toBe(0);
  });
});

describe('the supergraph', () => {
  test('composes into a supergraph that joins both subgraphs', () => {
    expect(supergraphSdl).toContain('@join__graph(name: "swr"');
    expect(supergraphSdl).toContain('@join__graph(name: "deployments"');
  });

  test("keeps the costs for a router's demand control, composed by either composer", () => {
    const apollo = composeWithApollo([
      { name: 'swr', typeDefs: parse(subgraphSdl), url: subgraph },
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
    expect(swr.sandbox.requests.length).toBeGreaterThan(0);
    expect(swr.sandbox.requests.every((r) => r.account === 'demo')).toBe(true);
  });

  test('passes on an `Authorization: Bearer` token too', async () => {
    const body = await post<{ data?: SupergraphData; errors?: unknown[] }>(
      gateway.url,
      DEPLOYMENTS_QUERY,
      { authorization: `Bearer ${DEMO_TOKEN}` },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.deployments[1]?.repository.tags).toEqual(firstTags('library', 'team/app'));
    expect(swr.sandbox.requests.every((r) => r.account === 'demo')).toBe(true);
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
    expect(swr.sandbox.requests.map((r) => r.path)).toContain(
      '/v2/manage/namespaces/library/repos/team$app/tags',
    );
  });

  test('answers UNAUTHENTICATED without a token, as a direct call does', async () => {
    const body = await post(gateway.url, DEPLOYMENTS_QUERY);
    const direct = await post(
      api,
      '{ repository(namespace: "library", name: "nginx") { tags(first: 2) { totalCount } } }',
    );
    expect(direct.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    expect(body.errors?.find((e) => e.extensions?.code === 'UNAUTHENTICATED')?.message).toBe(
      direct.errors?.[0]?.message,
    );
    expect(upstreamCount()).toBe(0);
  });
});

describe('the subgraph behind its secret', () => {
  const ENTITIES = /* GraphQL */ `
    query ($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Repository {
          tags(first: 2) {
            totalCount
          }
        }
      }
    }
  `;
  const NGINX = [{ __typename: 'Repository', namespace: 'library', name: 'nginx' }];

  test.each<{ label: string; headers: Record<string, string> }>([
    { label: 'without the header', headers: {} },
    { label: 'with another secret', headers: { 'x-subgraph-secret': 'another-secret-0123456789' } },
    { label: 'with a prefix of the secret', headers: { 'x-subgraph-secret': SECRET.slice(0, 16) } },
    { label: 'with the secret and more', headers: { 'x-subgraph-secret': `${SECRET}x` } },
  ])(
    '$label, /subgraph refuses with SUBGRAPH_FORBIDDEN and asks SWR nothing',
    async ({ headers }) => {
      const response = await fetch(subgraph, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN, ...headers },
        body: JSON.stringify({ query: ENTITIES, variables: { r: NGINX } }),
      });
      expect(response.status).toBe(403);
      const body = (await response.json()) as GraphQLBody;
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_FORBIDDEN']);
      expect(body.errors?.[0]?.message).toContain('x-subgraph-secret');
      expect(upstreamCount()).toBe(0);
    },
  );

  test('with the secret, the same request is answered from SWR', async () => {
    const body = await toSubgraph(ENTITIES, { 'x-auth-token': DEMO_TOKEN }, { r: NGINX });
    expect(body).toEqual({
      data: { _entities: [{ tags: { totalCount: firstTags('library', 'nginx').totalCount } }] },
    });
    expect(upstreamCount()).toBe(1);
  });

  test('a router that does not send the secret gets no data of swr, and SWR is not asked', async () => {
    const runtime = startRouter({});
    const router = await listen((request, response) => void runtime(request, response), '/graphql');
    try {
      const body = await post<{ data?: SupergraphData | null; errors?: unknown[] }>(
        router.url,
        DEPLOYMENTS_QUERY,
        { 'x-auth-token': DEMO_TOKEN },
      );
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(body.data ?? null)).not.toContain('totalCount":');
      expect(upstreamCount()).toBe(0);
    } finally {
      await router.close();
      await runtime.dispose();
    }
  });
});

describe('the public API beside the subgraph', () => {
  test('/graphql serves neither _service nor _entities', async () => {
    for (const query of [
      '{ _service { sdl } }',
      '{ _entities(representations: []) { __typename } }',
    ]) {
      const body = await post(api, query, { 'x-auth-token': DEMO_TOKEN });
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });

  test('INTROSPECTION=false: /graphql refuses introspection with INTROSPECTION_DISABLED, routers still read _service', async () => {
    for (const query of [
      '{ __schema { queryType { name } } }',
      '{ __type(name: "Repository") { fields { name } } }',
      'query { repository(namespace: "library", name: "nginx") { name } __schema { types { name } } }',
    ]) {
      const body = await post(api, query, { 'x-auth-token': DEMO_TOKEN });
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
    }
    expect(await post(api, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    const service = await toSubgraph<{ data: { _service: { sdl: string } } }>(
      '{ _service { sdl } }',
    );
    expect(service.data._service.sdl).toContain('type Repository');
    expect(upstreamCount()).toBe(0);
  });
});

describe('the public schema, with introspection on', () => {
  const FEDERATION_NAMES = ['_entities', '_service', '_Any', '_Entity', '_Service'];
  let open: BuiltGateway;
  beforeAll(async () => {
    open = await startBuiltGateway();
  });
  afterAll(async () => {
    await open.close();
  });

  /** Every type, field, argument type and directive name an introspection of `url` lists. */
  async function introspectedNames(url: string): Promise<Set<string>> {
    const body = await post<{ data?: IntrospectionQuery; errors?: unknown[] }>(
      url,
      getIntrospectionQuery(),
    );
    expect(body.errors).toBeUndefined();
    const schema = body.data?.__schema;
    if (!schema) throw new Error('no introspection data');
    const names = new Set<string>();
    for (const type of schema.types) {
      names.add(type.name);
      if (type.kind === 'OBJECT' || type.kind === 'INTERFACE') {
        for (const field of type.fields) names.add(field.name);
      }
    }
    for (const directive of schema.directives) names.add(directive.name);
    return names;
  }

  test('introspection of /graphql lists no _entities, _service, _Any, _Entity, _Service, nor federation directives', async () => {
    const names = await introspectedNames(open.url);
    expect(names).toContain('Repository');
    expect(names).toContain('tags');
    for (const name of FEDERATION_NAMES) expect(names).not.toContain(name);
    const federationLeftovers = [...names].filter(
      (name) => name.startsWith('link__') || name.startsWith('federation__') || name === 'key',
    );
    expect(federationLeftovers).toEqual([]);
    expect(open.upstreamCount()).toBe(0);
  });

  test('introspection of /subgraph lists them: the same schema, with federation', async () => {
    const names = await introspectedNames(open.subgraphUrl);
    for (const name of FEDERATION_NAMES) expect(names).toContain(name);
  });
});

describe('SUBGRAPH_PORT', () => {
  test('serves /subgraph on a port of its own, and PORT no longer answers it', async () => {
    const own = await startBuiltGateway({ SUBGRAPH_PORT: '0' });
    try {
      const ownSubgraph = own.subgraphUrl;
      expect(new URL(ownSubgraph).port).not.toBe(new URL(own.base).port);
      const service = await post<{ data?: { _service: { sdl: string } } }>(
        ownSubgraph,
        '{ _service { sdl } }',
      );
      expect(service.data?._service.sdl).toContain('@key(fields: "namespace name")');
      const onPort = await fetch(`${own.base}/subgraph`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect(onPort.status).toBe(404);
      // And the subgraph's port serves no public API.
      const apiOnSubgraphPort = await fetch(ownSubgraph.replace('/subgraph', '/graphql'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(apiOnSubgraphPort.status).toBe(404);
      const direct = await post(own.url, '{ __typename }');
      expect(direct).toEqual({ data: { __typename: 'Query' } });
      // Probes reach both ports; the metrics only METRICS_PORT.
      const origin = new URL(ownSubgraph).origin;
      expect((await fetch(`${origin}/health`)).status).toBe(200);
      expect((await fetch(`${origin}/ready`)).status).toBe(200);
      expect((await fetch(`${origin}/metrics`)).status).toBe(404);
      expect((await fetch(`${own.base}/metrics`)).status).toBe(404);
      expect((await fetch(own.metricsUrl)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

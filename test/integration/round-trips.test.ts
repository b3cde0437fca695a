/**
 * Round trips: the typical queries of a front end each cost the fewest sequential round trips
 * to SWR their shape allows, with no more requests than before. The sandbox answers in rounds
 * (see `roundGate`): every read of a round must be in flight at once before any is answered, so
 * a read that waits for another one shows as a short round, whatever the machine's load. The
 * sandbox's log of when each request arrived and was answered shows the same rounds.
 */
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { roundGate } from '../support/round-gate';
import { roundsOf, type RecordedRequest } from '../../src/sandbox/server';
import { onlyError } from './support';

const gate = roundGate();
let h: Harness;

beforeAll(async () => {
  // The gateway's default: as many reads of one query in flight at once as production allows.
  h = await startHarness({ sandbox: { delay: gate.delay }, upstreamConcurrency: 16 });
});

afterAll(async () => {
  await h.close();
});

interface Rounds {
  result: GraphQLBody;
  /** The sizes of the rounds the gate answered in. */
  answered: number[];
  /** The requests of each round, as the sandbox's log shows them. */
  logged: RecordedRequest[][];
}

async function inRounds(
  sizes: readonly number[],
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Rounds> {
  h.sandbox.resetRequests();
  gate.expectRounds(sizes);
  // Federation's `_entities` is served on the subgraph surface.
  const result = query.includes('_entities')
    ? await h.subgraph(query, variables, token)
    : await h.graphql(query, variables, token);
  const answered = gate.answered();
  gate.expectRounds([]);
  return { result, answered, logged: roundsOf(h.sandbox.requests) };
}

function sizesOf(rounds: readonly RecordedRequest[][]): number[] {
  return rounds.map((round) => round.length);
}

function pathsOf(round: readonly RecordedRequest[] | undefined): string[] {
  return (round ?? []).map((request) => request.path).sort();
}

const PAGE = 'totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } }';
const APP = 'repository(namespace: "library", name: "app")';
const TEN = Array.from({ length: 10 }, (_, i) => `svc-${i}`);

describe('an organization by name with its repositories', () => {
  test('its check and its repository list are in flight at once: one round trip, two requests', async () => {
    const { result, answered, logged } = await inRounds(
      [2],
      '{ namespace(name: "acme") { name creatorName repositories(first: 20) { totalCount nodes { name tagCount } } } }',
    );
    expect(result.errors).toBeUndefined();
    const namespace = result.data?.namespace as {
      creatorName: string;
      repositories: { totalCount: number; nodes: unknown[] };
    };
    expect(namespace.creatorName).toBe('demo-admin');
    expect(namespace.repositories.nodes).toHaveLength(20);
    expect(answered).toEqual([2]);
    expect(sizesOf(logged)).toEqual([2]);
    expect(pathsOf(logged[0])).toEqual(['/v2/manage/namespaces/acme', '/v2/manage/repos']);
  });

  test('an organization that does not exist is null; the list read beside the check is dropped, and so is its error', async () => {
    const { result, answered, logged } = await inRounds(
      [2],
      '{ namespace(name: "nosuchorg") { name repositories(first: 5) { nodes { name } } } }',
    );
    expect(result).toEqual({ data: { namespace: null } });
    expect(answered).toEqual([2]);
    // Both reads were answered 404; neither reached the response.
    expect(logged[0]?.map((request) => request.status)).toEqual([404, 404]);
  });

  test('a rejected token fails the organization once: the dropped read adds no error', async () => {
    const { result, answered } = await inRounds(
      [2],
      '{ namespace(name: "acme") { repositories(first: 5) { nodes { name } } } }',
      {},
      'not-a-valid-token',
    );
    expect(onlyError(result).extensions?.code).toBe('UNAUTHENTICATED');
    expect(onlyError(result).path).toEqual(['namespace']);
    expect(answered).toEqual([2]);
  });

  test('every repository list the query selects goes with the check, through fragments and aliases', async () => {
    const { result, answered } = await inRounds(
      [3],
      `query { namespace(name: "acme") { ...Lists ... on Namespace { byName: repositories(first: 3, orderBy: { field: NAME, direction: ASC }) { nodes { name } } } } }
       fragment Lists on Namespace { newest: repositories(first: 3) { nodes { name } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(answered).toEqual([3]);
  });

  test('a list that @skip or @include leaves out is not read', async () => {
    const { result, answered } = await inRounds(
      [1],
      `query ($skip: Boolean!, $include: Boolean!) { namespace(name: "acme") {
         name
         a: repositories(first: 3) @skip(if: $skip) { totalCount }
         b: repositories(first: 4) @include(if: $include) { totalCount } } }`,
      { skip: true, include: false },
    );
    expect(result).toEqual({ data: { namespace: { name: 'acme' } } });
    expect(answered).toEqual([1]);
    expect(h.sandbox.requests.map((request) => request.path)).toEqual([
      '/v2/manage/namespaces/acme',
    ]);
  });

  test('a list with invalid arguments is refused without a read of its own', async () => {
    const { result, answered } = await inRounds(
      [1],
      '{ namespace(name: "acme") { repositories(first: 500) { totalCount } } }',
    );
    expect(onlyError(result).extensions?.code).toBe('BAD_USER_INPUT');
    expect(answered).toEqual([1]);
  });
});

describe('organizations → repositories → tags', () => {
  test('three rounds: the organizations, their repository lists together, then every repository’s tags together', async () => {
    const { result, answered, logged } = await inRounds(
      [1, 2, 10],
      '{ namespaces { name repositories(first: 5) { nodes { name tags(first: 3) { totalCount nodes { name } } } } } }',
    );
    expect(result.errors).toBeUndefined();
    const namespaces = result.data?.namespaces as {
      repositories: { nodes: { tags: { nodes: unknown[] } }[] };
    }[];
    expect(namespaces).toHaveLength(2);
    expect(namespaces.flatMap((n) => n.repositories.nodes)).toHaveLength(10);
    expect(answered).toEqual([1, 2, 10]);
    expect(sizesOf(logged)).toEqual([1, 2, 10]);
    expect(pathsOf(logged[0])).toEqual(['/v2/manage/namespaces']);
    expect(pathsOf(logged[1])).toEqual(['/v2/manage/repos', '/v2/manage/repos']);
    expect(logged[2]?.every((request) => request.path.endsWith('/tags'))).toBe(true);
  });
});

describe('the other typical queries take one round trip', () => {
  let endCursor: string;
  let tagId: string;

  beforeAll(async () => {
    const first = await h.graphql<{
      data: { repository: { tags: { pageInfo: { endCursor: string }; nodes: { id: string }[] } } };
    }>(`{ ${APP} { tags(first: 20) { pageInfo { endCursor } nodes { id } } } }`);
    endCursor = first.data.repository.tags.pageInfo.endCursor;
    tagId = first.data.repository.tags.nodes[0]?.id ?? '';
  });

  const cases: [string, number, () => [string, Record<string, unknown>?]][] = [
    ['the first page', 1, () => [`{ ${APP} { tags(first: 20) { ${PAGE} } } }`]],
    [
      'the next page, after a cursor',
      1,
      () => [
        `query ($after: String!) { ${APP} { tags(first: 20, after: $after) { ${PAGE} } } }`,
        { after: endCursor },
      ],
    ],
    ['`last: 20`', 1, () => [`{ ${APP} { tags(last: 20) { ${PAGE} } } }`]],
    [
      'a repository’s details with its tags',
      2,
      () => [`{ ${APP} { description tagCount tags(first: 20) { ${PAGE} } } }`],
    ],
    [
      '`node(id:)` of a tag',
      1,
      () => ['query ($id: ID!) { node(id: $id) { ... on Tag { name } } }', { id: tagId }],
    ],
    [
      '10 aliased repositories × `tags(first: 5)`',
      10,
      () => [
        `{ ${TEN.map((name, i) => `r${i}: repository(namespace: "acme", name: "${name}") { tags(first: 5) { ${PAGE} } }`).join(' ')} }`,
      ],
    ],
    [
      'a federation `_entities` batch of 10 repositories with their tags',
      10,
      () => [
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Repository { tags(first: 5) { totalCount } } } }',
        { r: TEN.map((name) => ({ __typename: 'Repository', namespace: 'acme', name })) },
      ],
    ],
  ];

  test.each(cases)('%s: one round of %d request(s)', async (_title, requests, build) => {
    const [query, variables] = build();
    const { result, answered, logged } = await inRounds([requests], query, variables);
    expect(result.errors).toBeUndefined();
    expect(answered).toEqual([requests]);
    expect(sizesOf(logged)).toEqual([requests]);
  });
});

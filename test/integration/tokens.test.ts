/**
 * Tokens: the gateway forwards each caller's own token, never mixes callers up under load,
 * accepts `Authorization: Bearer`, and sends nothing upstream without a token.
 */
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { DEMO_DOMAIN_ID, OTHER_DOMAIN_ID } from '../../src/sandbox/specs';
import { DEMO_TOKEN, OTHER_TOKEN } from '../../src/sandbox/server';
import { expectedNames, onlyError, queryTags, tagListRequests, upstreamOf } from './support';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

const QUERY = `query Mine($namespace: String!, $name: String!, $first: Int) {
  repository(namespace: $namespace, name: $name) {
    tags(first: $first) { totalCount nodes { name domainId pullPath } }
  }
}`;

interface MineBody {
  data?: {
    repository: {
      tags: { totalCount: number; nodes: { name: string; domainId: string; pullPath: string }[] };
    } | null;
  } | null;
  errors?: GraphQLBody['errors'];
}

type Caller = 'demo' | 'other';

interface Call {
  caller: Caller;
  namespace: 'library' | 'globex';
  first: number;
}

function tokenOf(caller: Caller): string {
  return caller === 'demo' ? DEMO_TOKEN : OTHER_TOKEN;
}

describe('many callers at once', () => {
  test('300 interleaved concurrent requests of two accounts each see only their own data', async () => {
    const calls: Call[] = Array.from({ length: 300 }, (_, i) => ({
      caller: i % 2 === 0 ? 'demo' : 'other',
      // Each account mostly asks its own `app`, and every fourth request asks the other's.
      namespace: i % 4 < 2 === (i % 2 === 0) ? 'library' : 'globex',
      first: 1 + (i % 9),
    }));
    // Calls 0, 4, 8… : demo → library; 1, 5… : other → globex; 2, 6… : demo → globex;
    // 3, 7… : other → library.
    expect(calls.filter((c) => c.caller === 'demo' && c.namespace === 'globex')).toHaveLength(75);
    expect(calls.filter((c) => c.caller === 'other' && c.namespace === 'library')).toHaveLength(75);

    h.sandbox.resetRequests();
    const bodies = await Promise.all(
      calls.map((call) =>
        h.graphql<MineBody>(
          QUERY,
          { namespace: call.namespace, name: 'app', first: call.first },
          tokenOf(call.caller),
        ),
      ),
    );

    bodies.forEach((body, i) => {
      const call = calls[i] as Call;
      const own =
        (call.caller === 'demo' && call.namespace === 'library') ||
        (call.caller === 'other' && call.namespace === 'globex');
      if (own) {
        expect(body.errors).toBeUndefined();
        const all = expectedNames(call.namespace, 'app');
        const tags = body.data?.repository?.tags;
        expect(tags?.totalCount).toBe(all.length);
        expect(tags?.nodes.map((n) => n.name)).toEqual(all.slice(0, call.first));
        const domain = call.caller === 'demo' ? DEMO_DOMAIN_ID : OTHER_DOMAIN_ID;
        for (const node of tags?.nodes ?? []) {
          expect(node.domainId).toBe(domain);
          expect(node.pullPath).toContain(`/${call.namespace}/app:`);
        }
      } else {
        expect(body.data?.repository).toBeNull();
        const error = onlyError(body);
        expect(error.extensions?.code).toBe('NOT_FOUND');
        expect(error.extensions?.upstream).toMatchObject({ status: 404 });
        expect(JSON.stringify(body)).not.toMatch(/2\.1\.3-jammy|edge-37/);
      }
    });

    const requests = tagListRequests(h.sandbox.requests);
    expect(requests).toHaveLength(300);
    const count = (account: string, namespace: string, status: number): number =>
      requests.filter(
        (r) =>
          r.account === account &&
          r.path.startsWith(`/v2/manage/namespaces/${namespace}/`) &&
          r.status === status,
      ).length;
    expect(count('demo', 'library', 200)).toBe(75);
    expect(count('other', 'globex', 200)).toBe(75);
    expect(count('demo', 'globex', 404)).toBe(75);
    expect(count('other', 'library', 404)).toBe(75);
  });
});

describe('how the token is sent', () => {
  async function rawPost(headers: Record<string, string>, query: string): Promise<MineBody> {
    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: QUERY, variables: JSON.parse(query) as unknown }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as MineBody;
  }

  test.each([
    { caller: 'demo', namespace: 'library', scheme: 'Bearer' },
    { caller: 'other', namespace: 'globex', scheme: 'Bearer' },
    { caller: 'demo', namespace: 'library', scheme: 'bearer' },
  ] as const)(
    'Authorization: $scheme <token> of $caller works like X-Auth-Token',
    async ({ caller, namespace, scheme }) => {
      const { result: body, requests } = await upstreamOf(h, () =>
        rawPost(
          { authorization: `${scheme} ${tokenOf(caller)}` },
          JSON.stringify({ namespace, name: 'app', first: 3 }),
        ),
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.repository?.tags.nodes.map((n) => n.name)).toEqual(
        expectedNames(namespace, 'app').slice(0, 3),
      );
      expect(requests).toHaveLength(1);
      expect(requests[0]?.account).toBe(caller);
      const direct = await h.graphql<MineBody>(
        QUERY,
        { namespace, name: 'app', first: 3 },
        tokenOf(caller),
      );
      expect(direct).toEqual(body);
    },
  );

  test.each<{ label: string; headers: Record<string, string> }>([
    { label: 'no header at all', headers: {} },
    { label: 'an empty X-Auth-Token', headers: { 'x-auth-token': '' } },
    { label: 'a Basic authorization', headers: { authorization: 'Basic ZGVtbzpkZW1v' } },
    { label: 'Bearer without a token', headers: { authorization: 'Bearer ' } },
  ])('$label is UNAUTHENTICATED without any upstream request', async ({ headers }) => {
    const { result: body, requests } = await upstreamOf(h, () =>
      rawPost(headers, JSON.stringify({ namespace: 'library', name: 'app', first: 3 })),
    );
    expect(body.data?.repository).toBeNull();
    expect(onlyError(body).extensions?.code).toBe('UNAUTHENTICATED');
    expect(requests).toHaveLength(0);
  });

  test('no token is UNAUTHENTICATED for tag(name:) and node(id:) too, without upstream requests', async () => {
    const page = await h.graphql<{ data?: { repository: { tags: { nodes: { id: string }[] } } } }>(
      '{ repository(namespace: "library", name: "hello") { tags { nodes { id } } } }',
    );
    const id = page.data?.repository.tags.nodes[0]?.id;
    expect(typeof id).toBe('string');
    const { result: body, requests } = await upstreamOf(h, () =>
      h.graphql(
        `query Q($id: ID!) {
           repository(namespace: "library", name: "hello") { tag(name: "latest") { name } }
           node(id: $id) { id }
         }`,
        { id },
        null,
      ),
    );
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(requests).toHaveLength(0);
  });

  test('an unknown token is UNAUTHENTICATED with upstream status 401', async () => {
    const { result: body, requests } = await upstreamOf(h, () =>
      queryTags(h, 'library', 'app', { first: 3 }, 'not-a-real-token'),
    );
    expect(body.data?.repository).toBeNull();
    const error = onlyError(body);
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.extensions?.upstream).toMatchObject({
      status: 401,
      errorCode: 'SVCSTG.SWR.4010000',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.status).toBe(401);
    expect(requests[0]?.account).toBeUndefined();
  });
});

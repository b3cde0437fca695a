/**
 * `deleteTags` over HTTP against the sandbox: existing, missing and immutable (403) tags in one
 * call, each name deleted once and reported; four deletions in flight at a time (the sandbox
 * answers in rounds, see `roundGate`); bad input refused before SWR is asked; the cost the
 * gateway counts is one request per tag.
 */
import { DEFAULT_LIMITS } from '../../src/graphql/limits';
import { startHarness, type Harness } from '../support/harness';
import { roundGate } from '../support/round-gate';
import { expectedNames } from './support';

const gate = roundGate();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { delay: gate.delay }, upstreamConcurrency: 16 });
});

afterAll(async () => {
  await h.close();
});

const DELETE_TAGS = `mutation ($namespace: String!, $repository: String!, $tags: [String!]!) {
  deleteTags(input: { namespace: $namespace, repository: $repository, tags: $tags }) {
    deletedTagIds
    failures { tag code message }
    repository { name }
  }
}`;

interface Payload {
  deletedTagIds: string[];
  failures: { tag: string; code: string; message: string }[];
  repository: { name: string };
}

async function tagIds(repository: string): Promise<Map<string, string>> {
  const body = await h.graphql<{
    data: { repository: { tags: { nodes: { id: string; name: string }[] } } };
  }>(
    `{ repository(namespace: "library", name: "${repository}") { tags(first: 100) { nodes { id name } } } }`,
  );
  return new Map(body.data.repository.tags.nodes.map((tag) => [tag.name, tag.id]));
}

function deletes(): string[] {
  return h.sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
}

describe('deleteTags', () => {
  test('20 names: the existing ones deleted once each, the missing and the immutable reported with their codes, four at a time', async () => {
    h.sandbox.pushTag('library', 'team/app', 'immutable-1');
    const existing = expectedNames('library', 'team/app').slice(0, 17);
    const ids = await tagIds('team/app');
    const tags = [
      ...existing.slice(0, 8),
      'missing-1',
      'immutable-1',
      ...existing.slice(8),
      'missing-2',
    ];
    expect(tags).toHaveLength(20);
    h.sandbox.resetRequests();
    gate.expectRounds([4, 4, 4, 4, 4]);
    const body = await h.graphql<{ data: { deleteTags: Payload }; errors?: unknown }>(DELETE_TAGS, {
      namespace: 'library',
      repository: 'team/app',
      tags,
    });
    const answered = gate.answered();
    gate.expectRounds([]);
    expect(body.errors).toBeUndefined();
    const payload = body.data.deleteTags;
    expect(payload.deletedTagIds).toEqual(existing.map((name) => ids.get(name)));
    expect(payload.failures.map(({ tag, code }) => ({ tag, code }))).toEqual([
      { tag: 'missing-1', code: 'NOT_FOUND' },
      { tag: 'immutable-1', code: 'FORBIDDEN' },
      { tag: 'missing-2', code: 'NOT_FOUND' },
    ]);
    expect(payload.failures[1]?.message).toContain('library/team/app:immutable-1');
    expect(payload.repository).toEqual({ name: 'team/app' });
    expect(answered.slice(0, 5)).toEqual([4, 4, 4, 4, 4]);
    expect(deletes().sort()).toEqual(
      tags.map((tag) => `/v2/manage/namespaces/library/repos/team$app/tags/${tag}`).sort(),
    );
    const left = await tagIds('team/app');
    expect(existing.filter((name) => left.has(name))).toEqual([]);
    expect(left.has('immutable-1')).toBe(true);
  });

  test('a name given twice is deleted once', async () => {
    h.sandbox.resetRequests();
    const body = await h.graphql<{ data: { deleteTags: Payload } }>(DELETE_TAGS, {
      namespace: 'library',
      repository: 'busybox',
      tags: ['stable', 'stable', 'nope'],
    });
    expect(body.data.deleteTags.deletedTagIds).toHaveLength(1);
    expect(body.data.deleteTags.failures.map((failure) => failure.tag)).toEqual(['nope']);
    expect(deletes()).toHaveLength(2);
  });

  test('in an organization the token may only read, every tag is FORBIDDEN', async () => {
    const body = await h.graphql<{ data: { deleteTags: Payload } }>(DELETE_TAGS, {
      namespace: 'acme',
      repository: 'svc-1',
      tags: ['latest', 'other'],
    });
    expect(body.data.deleteTags.deletedTagIds).toEqual([]);
    expect(body.data.deleteTags.failures.map((failure) => failure.code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
  });

  test.each([
    ['no tags', []],
    ['21 tags', Array.from({ length: 21 }, (_, i) => `t${i}`)],
    ['a name no tag can have', ['ok', '-bad']],
    ['a path in a name', ['../../x']],
  ])('%s: BAD_USER_INPUT, nothing deleted, SWR not asked', async (_, tags) => {
    h.sandbox.resetRequests();
    const body = await h.graphql(DELETE_TAGS, { namespace: 'library', repository: 'nginx', tags });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.tags',
    });
    expect(h.sandbox.requests).toHaveLength(0);
  });

  test('three aliases of 20 tags each (60 deletions) are refused by the cost limit, nothing deleted', async () => {
    const field = (alias: string) =>
      `${alias}: deleteTags(input: { namespace: "library", repository: "nginx", tags: [${Array.from(
        { length: 20 },
        (_, i) => `"${alias}-${i}"`,
      ).join(', ')}] }) { deletedTagIds }`;
    h.sandbox.resetRequests();
    const body = await h.graphql(`mutation { ${field('a')} ${field('b')} ${field('c')} }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      cost: { upstreamRequests: 60 },
    });
    expect(h.sandbox.requests).toHaveLength(0);
  });

  test('without a token: UNAUTHENTICATED, SWR not asked', async () => {
    h.sandbox.resetRequests();
    const body = await h.graphql(
      DELETE_TAGS,
      { namespace: 'library', repository: 'nginx', tags: ['latest'] },
      null,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(h.sandbox.requests).toHaveLength(0);
  });
});

describe('what deleteTags costs', () => {
  test('the gateway counts one request per distinct tag: 20 for 20', async () => {
    const pricing = await startHarness({ limits: { ...DEFAULT_LIMITS, maxUpstreamRequests: -1 } });
    try {
      for (const [tags, requests] of [
        [Array.from({ length: 20 }, (_, i) => `t${i}`), 20],
        [['a', 'b', 'a'], 2],
      ] as const) {
        const body = await pricing.graphql(
          'mutation ($tags: [String!]!) { deleteTags(input: { namespace: "library", repository: "nginx", tags: $tags }) { deletedTagIds } }',
          { tags },
        );
        expect(body.errors?.[0]?.extensions?.cost).toMatchObject({ upstreamRequests: requests });
      }
      expect(pricing.upstreamCount()).toBe(0);
    } finally {
      await pricing.close();
    }
  });
});

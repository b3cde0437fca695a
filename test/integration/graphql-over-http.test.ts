/**
 * The GraphQL-over-HTTP surface and the Tag type: status codes and media types, GET and POST,
 * exact tag lookup, node refetching, and the fields of a tag exactly as SWR stores them.
 */
import { startHarness, type GraphQLBody, type Harness } from '../support/harness';
import { expectedTags } from '../support/sandbox-data';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import type { SwrTag } from '../../src/swr/types';
import { expectedList, onlyError, upstreamOf } from './support';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

const SIMPLE = '{ repository(namespace: "library", name: "hello") { tags { totalCount } } }';
const SIMPLE_DATA = { repository: { tags: { totalCount: 1 } } };

interface RawAnswer {
  status: number;
  contentType: string;
  body: GraphQLBody;
}

async function post(body: string, accept?: string): Promise<RawAnswer> {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-auth-token': DEMO_TOKEN,
      ...(accept === undefined ? {} : { accept }),
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: (await response.json()) as GraphQLBody,
  };
}

async function get(params: Record<string, string>, accept?: string): Promise<RawAnswer> {
  const response = await fetch(`${h.url}?${new URLSearchParams(params).toString()}`, {
    headers: { 'x-auth-token': DEMO_TOKEN, ...(accept === undefined ? {} : { accept }) },
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: (await response.json()) as GraphQLBody,
  };
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';

describe('GraphQL over HTTP', () => {
  test('POST with application/json answers 200 application/json', async () => {
    const answer = await post(JSON.stringify({ query: SIMPLE }), JSON_TYPE);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ data: SIMPLE_DATA });
  });

  test('POST accepting application/graphql-response+json answers 200 in that media type', async () => {
    const answer = await post(JSON.stringify({ query: SIMPLE }), GRAPHQL_RESPONSE);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/graphql-response\+json/);
    expect(answer.body).toEqual({ data: SIMPLE_DATA });
  });

  test('variables and operationName are honoured', async () => {
    const answer = await post(
      JSON.stringify({
        query: `query A($n: String!) { repository(namespace: "library", name: $n) { tags { totalCount } } }
                query B { repository(namespace: "library", name: "busybox") { tags { totalCount } } }`,
        variables: { n: 'hello' },
        operationName: 'A',
      }),
      GRAPHQL_RESPONSE,
    );
    expect(answer.body).toEqual({ data: SIMPLE_DATA });
  });

  test.each([
    { label: 'a syntax error', query: '{ repository(' },
    { label: 'an unknown field', query: '{ nope }' },
    {
      label: 'a missing required argument',
      query: '{ repository(namespace: "library") { name } }',
    },
    {
      label: 'a wrongly typed argument',
      query:
        '{ repository(namespace: "library", name: "hello") { tags(first: "x") { totalCount } } }',
    },
    {
      label: 'an unknown enum value',
      query:
        '{ repository(namespace: "library", name: "hello") { tags(orderBy: { field: SIZE, direction: ASC }) { totalCount } } }',
    },
  ])(
    '$label is 400 under graphql-response+json, without data and without upstream requests',
    async ({ query }) => {
      const { result: answer, requests } = await upstreamOf(h, () =>
        post(JSON.stringify({ query }), GRAPHQL_RESPONSE),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.length).toBeGreaterThan(0);
      expect(requests).toHaveLength(0);
    },
  );

  test('a validation error is 200 under application/json, with errors and no data', async () => {
    const answer = await post(JSON.stringify({ query: '{ nope }' }), JSON_TYPE);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('a body that is not JSON is 400', async () => {
    const answer = await post('not json', GRAPHQL_RESPONSE);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(answer.body)).not.toContain('    at ');
  });

  test('a resolver error is 200 with partial data', async () => {
    const answer = await post(
      JSON.stringify({
        query: `{ ok: repository(namespace: "library", name: "hello") { tags { totalCount } }
                  bad: repository(namespace: "library", name: "nosuch") { tags { totalCount } } }`,
      }),
      GRAPHQL_RESPONSE,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ ok: SIMPLE_DATA.repository, bad: null });
    expect(onlyError(answer.body).extensions?.code).toBe('NOT_FOUND');
  });

  test('GET with ?query= runs a query', async () => {
    const answer = await get({ query: SIMPLE });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: SIMPLE_DATA });
  });

  test('GET with ?query= and ?variables= runs a query with variables', async () => {
    const answer = await get(
      {
        query:
          'query Q($n: String!) { repository(namespace: "library", name: $n) { tags { totalCount } } }',
        variables: JSON.stringify({ n: 'busybox' }),
      },
      GRAPHQL_RESPONSE,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { repository: { tags: { totalCount: 7 } } } });
  });

  test('GET refuses a mutation with 405', async () => {
    const answer = await get({ query: 'mutation { x }' }, GRAPHQL_RESPONSE);
    expect(answer.status).toBe(405);
    expect(answer.body.errors?.length).toBeGreaterThan(0);
  });

  test('its subscription type is Subscription (tagEvents); its mutation type is Mutation (deleteTag)', async () => {
    const answer = await post(
      JSON.stringify({ query: '{ __schema { mutationType { name } subscriptionType { name } } }' }),
      GRAPHQL_RESPONSE,
    );
    expect(answer.body).toEqual({
      data: {
        __schema: {
          mutationType: { name: 'Mutation' },
          subscriptionType: { name: 'Subscription' },
        },
      },
    });
  });

  test('a mutation is refused with an error and no data', async () => {
    const { result: answer, requests } = await upstreamOf(h, () =>
      post(JSON.stringify({ query: 'mutation { x }' }), GRAPHQL_RESPONSE),
    );
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors?.length).toBeGreaterThan(0);
    expect(requests).toHaveLength(0);
  });

  test('methods other than GET and POST are refused with 405', async () => {
    const response = await fetch(h.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN },
      body: JSON.stringify({ query: SIMPLE }),
    });
    expect(response.status).toBe(405);
  });
});

// ---------------------------------------------------------------------------------------------
// Tags

const TAG_FIELDS = `
  __typename id name digest imageId size createdAt updatedAt deletedAt isTrusted scanned
  schemaVersion kind pullPath internalPullPath domainId manifestJson
  repository { namespace name }
  manifest {
    schemaVersion mediaType
    config { mediaType size digest }
    layers { mediaType size digest }
    manifests { mediaType size digest platform { os architecture variant } }
  }
`;

interface Descriptor {
  mediaType: string | null;
  size: string | null;
  digest: string | null;
}

interface TagFields {
  __typename: string;
  id: string;
  name: string;
  digest: string;
  imageId: string;
  size: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  isTrusted: boolean;
  scanned: boolean | null;
  schemaVersion: number;
  kind: 'MANIFEST' | 'MANIFEST_LIST';
  pullPath: string;
  internalPullPath: string;
  domainId: string;
  manifestJson: string;
  repository: { namespace: string; name: string };
  manifest: {
    schemaVersion: number | null;
    mediaType: string | null;
    config: Descriptor | null;
    layers: Descriptor[];
    manifests: (Descriptor & {
      platform: { os: string | null; architecture: string | null; variant: string | null } | null;
    })[];
  } | null;
}

interface TagsBody {
  data?: { repository: { tags: { nodes: TagFields[] } } | null } | null;
  errors?: GraphQLBody['errors'];
}

async function allTags(repository: string): Promise<TagFields[]> {
  const body = await h.graphql<TagsBody>(
    `query T($name: String!) { repository(namespace: "library", name: $name) {
       tags(first: 100, orderBy: { field: NAME, direction: ASC }) { nodes { ${TAG_FIELDS} } }
     } }`,
    { name: repository },
  );
  expect(body.errors).toBeUndefined();
  return body.data?.repository?.tags.nodes ?? [];
}

async function tagByName(
  repository: string,
  name: string,
): Promise<{ tag: TagFields | null; body: { errors?: GraphQLBody['errors'] } }> {
  const body = await h.graphql<{
    data?: { repository: { tag: TagFields | null } };
    errors?: GraphQLBody['errors'];
  }>(
    `query T($repo: String!, $name: String!) { repository(namespace: "library", name: $repo) {
       tag(name: $name) { ${TAG_FIELDS} }
     } }`,
    { repo: repository, name },
  );
  return { tag: body.data?.repository.tag ?? null, body };
}

function byName(repository: string): Map<string, SwrTag> {
  return new Map(expectedTags('library', repository, 'tag', 'asc').map((tag) => [tag.Tag, tag]));
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function expectSameInstant(actual: string | null, expected: string | null): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).toMatch(RFC3339);
  expect(Date.parse(actual ?? '')).toBe(Date.parse(expected));
}

/** A JSON number of the manifest as the decimal string BigInt serialises. */
function sizeString(value: unknown): string | null {
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : null;
}

describe('Tag fields', () => {
  test.each(['busybox', 'multiarch', 'team/app'])(
    'every field of every tag of library/%s is the upstream value',
    async (repository) => {
      const tags = await allTags(repository);
      const expected = byName(repository);
      expect(tags.map((tag) => tag.name)).toEqual([...expected.keys()]);
      for (const tag of tags) {
        const upstream = expected.get(tag.name);
        if (!upstream) throw new Error(`unexpected tag ${tag.name}`);
        expect(tag.__typename).toBe('Tag');
        expect({
          digest: tag.digest,
          imageId: tag.imageId,
          size: tag.size,
          isTrusted: tag.isTrusted,
          scanned: tag.scanned,
          schemaVersion: tag.schemaVersion,
          kind: tag.kind,
          pullPath: tag.pullPath,
          internalPullPath: tag.internalPullPath,
          domainId: tag.domainId,
          manifestJson: tag.manifestJson,
          repository: tag.repository,
        }).toEqual({
          digest: upstream.digest,
          imageId: upstream.image_id,
          size: upstream.size.toString(),
          isTrusted: upstream.is_trusted,
          scanned: upstream.scanned ?? null,
          schemaVersion: upstream.schema,
          kind: upstream.tag_type === 1 ? 'MANIFEST_LIST' : 'MANIFEST',
          pullPath: upstream.path,
          internalPullPath: upstream.internal_path,
          domainId: upstream.domain_id,
          manifestJson: upstream.manifest,
          repository: { namespace: 'library', name: repository },
        });
        expectSameInstant(tag.createdAt, upstream.created);
        expectSameInstant(tag.updatedAt, upstream.updated);
        expectSameInstant(tag.deletedAt, upstream.deleted);
      }
    },
  );

  test('size beyond 2^53 is exact: busybox:huge is "9223372036854775807"', async () => {
    const { tag } = await tagByName('busybox', 'huge');
    expect(tag?.size).toBe('9223372036854775807');
    expect(tag?.manifest?.layers.map((layer) => layer.size)).toEqual(['9223372036854775807']);
    const listed = (await allTags('busybox')).find((t) => t.name === 'huge');
    expect(listed?.size).toBe('9223372036854775807');
  });

  test('a manifest list is parsed: kind MANIFEST_LIST, platforms, no layers or config', async () => {
    const lists = expectedTags('library', 'multiarch', 'tag', 'asc').filter(
      (t) => t.tag_type === 1,
    );
    expect(lists.length).toBeGreaterThan(0);
    const tags = new Map((await allTags('multiarch')).map((tag) => [tag.name, tag]));
    for (const upstream of lists) {
      const tag = tags.get(upstream.Tag);
      expect(tag?.kind).toBe('MANIFEST_LIST');
      const parsed = JSON.parse(upstream.manifest) as {
        schemaVersion: number;
        mediaType: string;
        manifests: {
          mediaType: string;
          size: number;
          digest: string;
          platform: { os: string; architecture: string; variant?: string };
        }[];
      };
      expect(parsed.manifests.length).toBeGreaterThanOrEqual(2);
      expect(tag?.manifest).toEqual({
        schemaVersion: parsed.schemaVersion,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        config: null,
        layers: [],
        manifests: parsed.manifests.map((m) => ({
          mediaType: m.mediaType,
          size: String(m.size),
          digest: m.digest,
          platform: {
            os: m.platform.os,
            architecture: m.platform.architecture,
            variant: m.platform.variant ?? null,
          },
        })),
      });
    }
  });

  test('a manifest is parsed: kind MANIFEST, config and layers with size and digest', async () => {
    const singles = expectedTags('library', 'multiarch', 'tag', 'asc').filter(
      (t) => t.tag_type === 0,
    );
    expect(singles.length).toBeGreaterThan(0);
    const tags = new Map((await allTags('multiarch')).map((tag) => [tag.name, tag]));
    for (const upstream of singles) {
      const tag = tags.get(upstream.Tag);
      expect(tag?.kind).toBe('MANIFEST');
      const parsed = JSON.parse(upstream.manifest) as {
        schemaVersion: number;
        mediaType: string;
        config: { mediaType: string; size: number; digest: string };
        layers: { mediaType: string; size: number; digest: string }[];
      };
      expect(parsed.layers.length).toBeGreaterThan(0);
      expect(tag?.manifest).toEqual({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { ...parsed.config, size: sizeString(parsed.config.size) },
        layers: parsed.layers.map((layer) => ({ ...layer, size: sizeString(layer.size) })),
        manifests: [],
      });
      for (const layer of tag?.manifest?.layers ?? []) {
        expect(layer.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(layer.size).toMatch(/^[1-9][0-9]*$/);
      }
    }
  });
});

describe('Repository.tag(name:)', () => {
  test('matches exactly: busybox:1.36.1 is neither 1.36.1-musl nor 1.36.1-glibc', async () => {
    const expected = byName('busybox');
    const similar = [...expected.keys()].filter((name) => name.includes('1.36.1'));
    expect(similar).toEqual(['1.36.1', '1.36.1-glibc', '1.36.1-musl']);
    for (const name of similar) {
      const { tag } = await tagByName('busybox', name);
      expect(tag?.name).toBe(name);
      expect(tag?.digest).toBe(expected.get(name)?.digest);
    }
  });

  test('a name that only occurs as a substring of other tags gives null', async () => {
    const { tag, body } = await tagByName('busybox', '1.36');
    expect(body.errors).toBeUndefined();
    expect(tag).toBeNull();
  });

  test('hello:latest is found, and a missing name on hello gives null', async () => {
    const found = await tagByName('hello', 'latest');
    expect(found.tag?.digest).toBe(expectedTags('library', 'hello', 'tag', 'asc')[0]?.digest);
    const missing = await tagByName('hello', 'nosuch');
    expect(missing.body.errors).toBeUndefined();
    expect(missing.tag).toBeNull();
  });

  test('the exact match is found in library/app even when the filter matches more than a page', async () => {
    // `.1` matches well over 100 tags of app; pick an exact name that has many superstrings.
    const names = expectedTags('library', 'app', 'tag', 'asc').map((t) => t.Tag);
    const candidates = names
      .map((name) => ({ name, supers: names.filter((other) => other.includes(name)).length }))
      .sort((a, b) => b.supers - a.supers);
    const best = candidates[0];
    expect(best?.supers).toBeGreaterThan(1);
    const lastOfMany = names.filter((name) => name.includes('1')).at(-1);
    for (const name of [best?.name, lastOfMany]) {
      if (name === undefined) throw new Error('no candidate');
      const { tag } = await tagByName('app', name);
      expect(tag?.name).toBe(name);
    }
  });

  test('a missing name that thousands of tags contain costs one request per thousand', async () => {
    const names = expectedTags('library', 'app', 'tag', 'asc').map((t) => t.Tag);
    expect(names).not.toContain('1');
    const matches = names.filter((name) => name.includes('1')).length;
    expect(matches).toBeGreaterThan(1000);
    const { result, requests } = await upstreamOf(h, () => tagByName('app', '1'));
    expect(result.body.errors).toBeUndefined();
    expect(result.tag).toBeNull();
    expect(requests).toHaveLength(Math.ceil(matches / 1000));
  });

  test('works on a repository whose name holds a slash', async () => {
    const upstream = expectedTags('library', 'team/app', 'tag', 'asc')[3];
    if (!upstream) throw new Error('no tag');
    const { tag } = await tagByName('team/app', upstream.Tag);
    expect(tag?.digest).toBe(upstream.digest);
    expect(tag?.repository).toEqual({ namespace: 'library', name: 'team/app' });
  });
});

describe('Query.node(id:)', () => {
  const NODE = `query N($id: ID!) { node(id: $id) { __typename id ... on Tag { name digest repository { namespace name } } } }`;

  interface NodeBody {
    data?: {
      node: {
        __typename: string;
        id: string;
        name: string;
        digest: string;
        repository: { namespace: string; name: string };
      } | null;
    };
    errors?: GraphQLBody['errors'];
  }

  test.each(['busybox', 'multiarch', 'team/app'])(
    'refetches every tag of library/%s by the id from a page, with the same digest',
    async (repository) => {
      const tags = await allTags(repository);
      expect(new Set(tags.map((tag) => tag.id)).size).toBe(tags.length);
      for (const tag of tags) {
        const body = await h.graphql<NodeBody>(NODE, { id: tag.id });
        expect(body.errors).toBeUndefined();
        expect(body.data?.node).toEqual({
          __typename: 'Tag',
          id: tag.id,
          name: tag.name,
          digest: tag.digest,
          repository: { namespace: 'library', name: repository },
        });
      }
    },
  );

  test('an id of a tag that does not exist, or of an invisible repository, gives null', async () => {
    // Ids are opaque, but this API documents their form (src/resolvers/ids.ts); check a real one
    // has it before forging ids of tags that do not exist.
    const hello = await tagByName('hello', 'latest');
    const form = (ref: string): string => Buffer.from(`Tag:${ref}`).toString('base64url');
    expect(hello.tag?.id).toBe(form('library/hello:latest'));
    for (const ref of ['library/hello:gone', 'library/nosuch:latest', 'globex/secret:latest']) {
      const body = await h.graphql<NodeBody>(NODE, { id: form(ref) });
      expect(body.errors).toBeUndefined();
      expect(body.data?.node).toBeNull();
    }
  });
});

test('the upstream time strings come back as RFC 3339 date-times of the same instant', async () => {
  const tags = await allTags('busybox');
  const upstream = byName('busybox');
  for (const tag of tags) {
    expect(tag.createdAt).toMatch(RFC3339);
    expect(tag.updatedAt).toMatch(RFC3339);
    expect(new Date(tag.updatedAt).toISOString()).toBe(
      new Date(upstream.get(tag.name)?.updated ?? '').toISOString(),
    );
  }
  expect(expectedList('library', 'busybox').length).toBe(tags.length);
});

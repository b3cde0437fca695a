/**
 * What the viewer may do, over HTTP: `viewerPermission` and `viewerCanDelete` of repositories
 * and tags follow SWR's grant on the organization (the sandbox: `library` 7 manage, `acme` 1
 * read for the demo account; `globex` 7 for the other account), read once per request and
 * organization however many repositories and tags ask, and counted by the cost limit no lower
 * than what is sent.
 */
import { DEFAULT_LIMITS } from '../../src/graphql/limits';
import { OTHER_TOKEN } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let pricing: Harness;

beforeAll(async () => {
  h = await startHarness();
  pricing = await startHarness({ limits: { ...DEFAULT_LIMITS, maxUpstreamRequests: -1 } });
});

afterAll(async () => {
  await h.close();
  await pricing.close();
});

const REPOSITORY = `query ($ns: String!, $name: String!) {
  repository(namespace: $ns, name: $name) {
    viewerPermission
    viewerCanDelete
    tags(first: 100) { nodes { name viewerPermission viewerCanDelete } }
  }
}`;

interface Viewed {
  viewerPermission: string | null;
  viewerCanDelete: boolean;
  tags: { nodes: { name: string; viewerPermission: string | null; viewerCanDelete: boolean }[] };
}

function namespaceReads(): string[] {
  return h.sandbox.requests
    .map((request) => request.path)
    .filter((path) => /^\/v2\/manage\/namespaces\/[^/]+$/.test(path));
}

describe('viewerPermission and viewerCanDelete', () => {
  test.each([
    ['library', 'nginx', undefined, 'MANAGE', true],
    ['acme', 'svc-3', undefined, 'READ', false],
    ['globex', 'secret', OTHER_TOKEN, 'MANAGE', true],
  ])(
    '%s/%s: %s on the repository and each of its tags, one organization read in all',
    async (ns, name, token, permission, canDelete) => {
      h.sandbox.resetRequests();
      const body = await h.graphql<{ data: { repository: Viewed }; errors?: unknown }>(
        REPOSITORY,
        { ns, name },
        token,
      );
      expect(body.errors).toBeUndefined();
      const { repository } = body.data;
      expect(repository.viewerPermission).toBe(permission);
      expect(repository.viewerCanDelete).toBe(canDelete);
      expect(repository.tags.nodes.length).toBeGreaterThan(0);
      for (const tag of repository.tags.nodes) {
        expect(tag).toMatchObject({ viewerPermission: permission, viewerCanDelete: canDelete });
      }
      expect(namespaceReads()).toEqual([`/v2/manage/namespaces/${ns}`]);
      expect(h.sandbox.requests).toHaveLength(2);
    },
  );

  test('an organization the token may not see: NOT_FOUND on the field, no grant invented', async () => {
    const body = await h.graphql(REPOSITORY, { ns: 'globex', name: 'secret' });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(body.data?.repository).toBeNull();
  });

  test('10 repositories of an organization and their tags: the organization is read once', async () => {
    h.sandbox.resetRequests();
    const body = await h.graphql<{
      data: { namespace: { repositories: { nodes: Viewed[] } } };
      errors?: unknown;
    }>(`{ namespace(name: "acme") { repositories(first: 10) { nodes {
      viewerCanDelete tags(first: 3) { nodes { name viewerPermission viewerCanDelete } } } } } }`);
    expect(body.errors).toBeUndefined();
    const nodes = body.data.namespace.repositories.nodes;
    expect(nodes).toHaveLength(10);
    expect(nodes.every((repository) => !repository.viewerCanDelete)).toBe(true);
    expect(namespaceReads()).toEqual(['/v2/manage/namespaces/acme']);
  });

  test('a tag refetched by its global id knows the grant on its organization', async () => {
    const id = await h.graphql<{ data: { repository: { tag: { id: string } } } }>(
      '{ repository(namespace: "library", name: "busybox") { tag(name: "latest") { id } } }',
    );
    const body = await h.graphql<{ data: { node: { viewerCanDelete: boolean } } }>(
      'query ($id: ID!) { node(id: $id) { ... on Tag { viewerCanDelete } } }',
      { id: id.data.repository.tag.id },
    );
    expect(body.data.node.viewerCanDelete).toBe(true);
  });

  test('the cost limit counts no fewer requests than are sent, and lets a page of 100 tags with their permissions through', async () => {
    const body = await pricing.graphql(REPOSITORY, { ns: 'library', name: 'nginx' });
    const counted = (body.errors?.[0]?.extensions?.cost as { upstreamRequests: number })
      .upstreamRequests;
    h.sandbox.resetRequests();
    const served = await h.graphql(REPOSITORY, { ns: 'library', name: 'nginx' });
    expect(served.errors).toBeUndefined();
    expect(counted).toBeGreaterThanOrEqual(h.sandbox.requests.length);
    expect(counted).toBeLessThanOrEqual(DEFAULT_LIMITS.maxUpstreamRequests);
  });
});

/**
 * The core walks against every SWR server the sandbox plays (src/sandbox/flavors.ts): tags in
 * every order, forward and backward; an organization's repositories in every order; browsing
 * from the organizations down to a tag. Every flavor must give the same exact lists, whatever
 * fields it leaves out, however it writes times, whether it has the name order, and however
 * fuzzily it matches organizations.
 */
import { SANDBOX_FLAVORS, type SandboxFlavor } from '../../src/sandbox/flavors';
import { PARTNER_TOKEN } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';
import { expectedRepositories } from '../support/sandbox-data';
import {
  ORDERS,
  REPOSITORY_ORDERS,
  expectedNames,
  expectedRepositoryNames,
  fetchPage,
  fetchRepositories,
  onlyError,
  queryTags,
  walkBackward,
  walkForward,
  type RepositoryOrder,
} from './support';

const WALKED = ['busybox', 'tied', 'team/app', 'multiarch'] as const;
const SIZES = [3, 20] as const;
const TAG_CASES = WALKED.flatMap((repository) =>
  ORDERS.flatMap((order) => SIZES.map((size) => ({ repository, order, size }))),
);

/** The partner's organizations: `team`'s name is part of `team-b`'s and `myteam`'s. */
const TEAM = 'team';

describe.each(SANDBOX_FLAVORS.map((flavor) => ({ flavor })))(
  'against the $flavor server',
  ({ flavor }: { flavor: SandboxFlavor }) => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness({ sandbox: { flavor } });
    });

    afterAll(async () => {
      await h.close();
    });

    test.each(TAG_CASES)(
      'tags of library/$repository in $order.field $order.direction, first and last:$size, exact both ways',
      async ({ repository, order, size }) => {
        const all = expectedNames('library', repository, order);
        const fetch = (args: object) =>
          fetchPage(h, 'library', repository, { ...args, orderBy: order });
        expect(await walkForward(all, size, fetch)).toEqual(all);
        expect(await walkBackward(all, size, fetch)).toEqual(all);
      },
    );

    test.each(REPOSITORY_ORDERS)(
      'the repositories of acme in %o, exact both ways',
      async (order: RepositoryOrder) => {
        const all = expectedRepositoryNames('acme', order);
        const fetch = (args: object) => fetchRepositories(h, 'acme', { ...args, orderBy: order });
        expect(await walkForward(all, 7, fetch)).toEqual(all);
        expect(await walkBackward(all, 7, fetch)).toEqual(all);
      },
    );

    test.each(REPOSITORY_ORDERS)(
      'team in %o lists only its own repositories, each once, with an exact totalCount',
      async (order: RepositoryOrder) => {
        const own = expectedRepositoryNames(TEAM, order);
        const fetch = (args: object) =>
          fetchRepositories(h, TEAM, { ...args, orderBy: order }, PARTNER_TOKEN);
        const first = await fetch({ first: 2 });
        expect(first.totalCount).toBe(own.length);
        expect(await walkForward(own, 2, fetch)).toEqual(own);
        expect(await walkBackward(own, 3, fetch)).toEqual(own);
      },
    );

    test('team filtered by name: `team` and `docs/` match only team’s own repositories', async () => {
      for (const nameContains of ['team', 'docs/', 'a']) {
        const own = expectedRepositoryNames(TEAM, undefined, { name: nameContains });
        const page = await fetchRepositories(h, TEAM, { first: 20, nameContains }, PARTNER_TOKEN);
        expect(page.edges.map((edge) => edge.node.name)).toEqual(own);
        expect(page.totalCount).toBe(own.length);
      }
    });

    test('browsing: organizations → repositories with every detail → tags, complete', async () => {
      const body = await h.graphql<{
        data?: {
          namespaces: {
            name: string;
            repositories: {
              totalCount: number;
              nodes: {
                name: string;
                description: string;
                category: string;
                isPublic: boolean;
                tagCount: number;
                createdAt: string;
                updatedAt: string;
                tags: { totalCount: number; nodes: { name: string; scanned: boolean | null }[] };
              }[];
            };
          }[];
        };
        errors?: unknown;
      }>(`{
        namespaces {
          name
          repositories(first: 8, orderBy: { field: NAME, direction: ASC }) {
            totalCount
            nodes {
              name description category isPublic tagCount createdAt updatedAt
              tags(first: 2, orderBy: { field: NAME, direction: ASC }) {
                totalCount
                nodes { name scanned }
              }
            }
          }
        }
      }`);
      expect(body.errors).toBeUndefined();
      const namespaces = body.data?.namespaces ?? [];
      expect(namespaces.map((ns) => ns.name)).toEqual(['library', 'acme']);
      for (const ns of namespaces) {
        const records = expectedRepositories(ns.name, 'name', 'asc');
        expect(ns.repositories.totalCount).toBe(records.length);
        expect(ns.repositories.nodes.map((node) => [node.name, node.description])).toEqual(
          records.slice(0, 8).map((record) => [record.name, record.description]),
        );
        for (const node of ns.repositories.nodes) {
          expect(node.tags.totalCount).toBe(node.tagCount);
          expect(node.tags.nodes.map((tag) => tag.name)).toEqual(
            expectedNames(ns.name, node.name, { field: 'NAME', direction: 'ASC' }).slice(0, 2),
          );
        }
      }
    });

    test('a token the server refuses is UNAUTHENTICATED, whatever the error body’s shape', async () => {
      const error = onlyError(await queryTags(h, 'library', 'nginx', { first: 1 }, 'not-a-token'));
      expect(error.extensions?.code).toBe('UNAUTHENTICATED');
      expect(error.extensions?.upstream).toMatchObject({ status: 401 });
    });
  },
);

/**
 * The server variants as configuration, through the production wiring (the whole app, its
 * embedded sandbox playing one SWR server or another): what each setting does where the server
 * cannot do a thing exactly. Never a wrong order or another organization's repository: either
 * the exact list, or an UPSTREAM_ERROR whose `extensions.reason` names why.
 */
import { ConfigError, loadConfig } from '../../src/config';
import { DEMO_TOKEN, PARTNER_TOKEN } from '../../src/sandbox/server';
import { graphql, json, onlyError, startGateway, type Gateway } from '../hardening/support';
import { expectedNames, expectedRepositoryNames } from './support';

const gateways: Gateway[] = [];

async function gateway(env: Record<string, string>): Promise<Gateway> {
  const started = await startGateway(env);
  gateways.push(started);
  return started;
}

afterAll(async () => {
  for (const started of gateways) await started.app.close();
});

const NAME_ASC = { field: 'NAME', direction: 'ASC' };

function tagNames(g: Gateway, repository: string, first: number) {
  return graphql(
    g.url,
    `
      query T($name: String!, $first: Int) {
        repository(namespace: "library", name: $name) {
          tags(first: $first, orderBy: { field: NAME, direction: ASC }) {
            totalCount
            nodes {
              name
            }
          }
        }
      }
    `,
    DEMO_TOKEN,
    { variables: { name: repository, first } },
  );
}

function repositoryNames(g: Gateway, namespace: string, token: string) {
  return graphql(
    g.url,
    `
      query R($ns: String!) {
        namespace(name: $ns) {
          repositories(first: 50) {
            totalCount
            nodes {
              name
            }
          }
        }
      }
    `,
    token,
    { variables: { ns: namespace } },
  );
}

describe('SWR_TAG_NAME_ORDER', () => {
  test.each([
    ['otc-2024', 'refuses'],
    ['huaweicloud', 'ignores'],
  ])(
    'server, against a server that %s order_column=tag %s it: a coded error, never a wrong order',
    async (flavor) => {
      const g = await gateway({ SANDBOX_FLAVOR: flavor, SWR_TAG_NAME_ORDER: 'server' });
      const error = onlyError(await tagNames(g, 'nginx', 20));
      expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
      expect(error.extensions?.reason).toMatchObject({ code: 'TAG_NAME_ORDER_UNSUPPORTED' });
    },
  );

  test.each(['otc-2024', 'huaweicloud', 'reference'])(
    'detect (the default) on %s: the first pages asked are the true name order, small ones too',
    async (flavor) => {
      const g = await gateway({ SANDBOX_FLAVOR: flavor });
      for (const [repository, first] of [
        ['busybox', 2],
        ['multiarch', 3],
        ['nginx', 20],
        ['nginx', 5],
      ] as const) {
        const body = json(await tagNames(g, repository, first));
        expect(body.errors).toBeUndefined();
        const all = expectedNames('library', repository, NAME_ASC as never);
        const tags = (body.data?.repository as { tags: { nodes: { name: string }[] } }).tags;
        expect(tags.nodes.map((node) => node.name)).toEqual(all.slice(0, first));
      }
    },
  );

  test('local with a list longer than SWR_WHOLE_LIST_MAX_ITEMS: LIST_TOO_LONG', async () => {
    const g = await gateway({ SWR_TAG_NAME_ORDER: 'local', SWR_WHOLE_LIST_MAX_ITEMS: '1000' });
    const error = onlyError(await tagNames(g, 'app', 5));
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions?.reason).toMatchObject({ code: 'LIST_TOO_LONG' });
    const served = json(await tagNames(g, 'nginx', 5));
    expect(served.errors).toBeUndefined();
  });
});

describe('SWR_REPOSITORY_MATCH', () => {
  test('exact, against a server that matches organizations fuzzily: FOREIGN_REPOSITORY, nothing of theirs', async () => {
    const g = await gateway({ SANDBOX_FLAVOR: 'otc-2025', SWR_REPOSITORY_MATCH: 'exact' });
    const answer = await repositoryNames(g, 'team', PARTNER_TOKEN);
    const error = onlyError(answer);
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions?.reason).toMatchObject({ code: 'FOREIGN_REPOSITORY' });
    expect(answer.text).not.toContain('worker');
  });

  test('exact, against a server that spells the time column updated_at: learnt from its 400', async () => {
    const g = await gateway({ SANDBOX_FLAVOR: 'otc-2024', SWR_REPOSITORY_MATCH: 'exact' });
    for (let round = 0; round < 2; round++) {
      const body = json(await repositoryNames(g, 'acme', DEMO_TOKEN));
      expect(body.errors).toBeUndefined();
      const repositories = (body.data?.namespace as { repositories: { nodes: { name: string }[] } })
        .repositories;
      expect(repositories.nodes.map((node) => node.name)).toEqual(expectedRepositoryNames('acme'));
    }
  });

  test('fuzzy (the default) against the same server: exactly team’s repositories', async () => {
    const g = await gateway({ SANDBOX_FLAVOR: 'otc-2025' });
    const body = json(await repositoryNames(g, 'team', PARTNER_TOKEN));
    expect(body.errors).toBeUndefined();
    const repositories = (
      body.data?.namespace as {
        repositories: { totalCount: number; nodes: { name: string }[] };
      }
    ).repositories;
    expect(repositories.nodes.map((node) => node.name)).toEqual(expectedRepositoryNames('team'));
    expect(repositories.totalCount).toBe(4);
  });
});

test('a setting that names no variant is refused at start', () => {
  for (const [name, value] of [
    ['SWR_TAG_NAME_ORDER', 'sometimes'],
    ['SWR_REPOSITORY_MATCH', 'loose'],
    ['SWR_REPOSITORY_TIME_COLUMN', 'updated'],
    ['SANDBOX_FLAVOR', 'otc-2023'],
  ]) {
    expect(() => loadConfig({ [name as string]: value })).toThrow(ConfigError);
  }
});

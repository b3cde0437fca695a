/**
 * The version order as Apollo Client 4 consumes it: the codegen fixture's cache, with `variant`
 * among the key arguments of `Repository.tags` (`relayStylePagination(['orderBy',
 * 'nameContains', 'variant'])`, as docs/versions.md shows), a first page from
 * `client.query`, then `fetchMore` from the merged connection's cursors to the end, forward
 * and backward, while tags are pushed between pages. The merged list holds each tag once, in
 * the reference's order, with every tag pushed beyond the cursor and none pushed behind it;
 * each variant is a list of its own in the cache; each page costs one SWR request.
 */
import { ApolloClient, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { startHarness, type Harness } from '../support/harness';
import { refCompare, refParse, refSorted } from '../support/version-reference';
import { upstreamOf } from '../integration/support';
import { typePolicies } from './codegen-app/src/cache';
import { spyOnConsole } from './support';

interface Tags {
  totalCount: number;
  edges: { cursor: string; node: { id: string; name: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

interface Data {
  repository: { __typename?: 'Repository'; namespace: string; name: string; tags: Tags } | null;
}

interface Variables {
  [name: string]: unknown;
  variant?: string | null;
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

const TAGS: TypedDocumentNode<Data, Variables> = gql`
  query ApolloVersions($variant: String, $first: Int, $after: String, $last: Int, $before: String) {
    repository(namespace: "library", name: "app") {
      namespace
      name
      tags(
        orderBy: { field: VERSION, direction: DESC }
        variant: $variant
        first: $first
        after: $after
        last: $last
        before: $before
      ) {
        totalCount
        edges {
          cursor
          node {
            id
            name
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  }
`;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

function createClient(): ApolloClient {
  const cache = new InMemoryCache({
    typePolicies: {
      ...typePolicies,
      Repository: {
        ...typePolicies.Repository,
        fields: { tags: relayStylePagination(['orderBy', 'nameContains', 'variant']) },
      },
    },
  });
  return new ApolloClient({
    link: new HttpLink({ uri: h.url, headers: { 'x-auth-token': DEMO_TOKEN } }),
    cache,
  });
}

function tagsOf(data: Data | null | undefined): Tags {
  const tags = data?.repository?.tags;
  if (!tags) throw new Error('no tags in the result');
  return tags;
}

type Way = 'forward' | 'backward';

/** Pushes one tag for `page`; the tag when the walk will meet it (beyond the cursor), else ''. */
function pushBeside(tags: Tags, way: Way, page: number, variant: string | null): string {
  const names = tags.edges.map((edge) => edge.node.name);
  const cursorTag = (way === 'forward' ? names[names.length - 1] : names[0]) ?? '';
  const suffix = variant === null || variant === '' ? '' : `-${variant}`;
  const candidates = ['999.9.9', '0.0.0', `1.${page}.${page}`, `v3.${page}.0-rc.1`, 'zzz'];
  const base = candidates[page % candidates.length] ?? '';
  // A name that is no version is new on every push; a version may be pushed again.
  const tag = base === 'zzz' ? `zzz-${way}-${page}` : `${base}${suffix}`;
  h.sandbox.pushTag('library', 'app', tag);
  return refCompare(tag, cursorTag, 'desc') * (way === 'forward' ? 1 : -1) > 0 ? tag : '';
}

describe.each([
  ['forward', null],
  ['backward', null],
  ['forward', 'alpine'],
  ['backward', ''],
] as const)(
  'relayStylePagination over VERSION DESC of library/app, %s, variant %p',
  (way, variant) => {
    test('the merged list is every tag once, in the reference order, while tags are pushed', async () => {
      const console = spyOnConsole();
      const client = createClient();
      const keep = (name: string) => variant === null || refParse(name)?.variant === variant;
      const before = (await currentNames()).filter(keep);
      const page: Variables = way === 'forward' ? { first: 100 } : { last: 100 };
      const first = await client.query({ query: TAGS, variables: { variant, ...page } });
      const expected = new Set(before);
      let tags = tagsOf(first.data);
      const observable = client.watchQuery({ query: TAGS, variables: { variant, ...page } });
      const subscription = observable.subscribe({});
      for (
        let pages = 1;
        way === 'forward' ? tags.pageInfo.hasNextPage : tags.pageInfo.hasPreviousPage;
        pages++
      ) {
        const met = pushBeside(tags, way, pages, variant);
        if (met !== '' && keep(met)) expected.add(met);
        const cursor =
          (way === 'forward' ? tags.pageInfo.endCursor : tags.pageInfo.startCursor) ?? '';
        const { requests } = await upstreamOf(h, () =>
          observable.fetchMore({
            variables: way === 'forward' ? { after: cursor } : { before: cursor },
          }),
        );
        expect(requests).toHaveLength(3);
        tags = tagsOf(client.readQuery({ query: TAGS, variables: { variant, ...page } }));
        expect(pages).toBeLessThan(40);
      }
      subscription.unsubscribe();
      const names = tags.edges.map((edge) => edge.node.name);
      expect(names).toEqual(refSorted([...expected], 'desc'));
      expect(new Set(tags.edges.map((edge) => edge.cursor)).size).toBe(names.length);
      expect(console.messages()).toEqual([]);
      console.restore();
    });
  },
);

/** The tags of library/app as the sandbox holds them now, pushes included. */
async function currentNames(): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  for (;;) {
    const body = await h.graphql<{ data: { repository: { tags: Tags } } }>(
      'query ($after: String) { repository(namespace: "library", name: "app") { tags(orderBy: {field: NAME, direction: ASC}, first: 100, after: $after) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
      { after },
    );
    const tags: Tags = body.data.repository.tags;
    names.push(...tags.edges.map((edge) => edge.node.name));
    if (!tags.pageInfo.hasNextPage) return names;
    after = tags.pageInfo.endCursor;
  }
}

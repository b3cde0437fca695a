import { ApolloClient, HttpLink } from '@apollo/client';
import { createCache } from './cache';
import { RepositoryTagsDocument, TagRowFragment } from './documents';
import { getFragmentData, type FragmentType } from './gql';
import type { TagOrder } from './gql/graphql';

/** A client of the gateway with the caller's token. */
export function createClient(uri: string, token: string): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri, headers: { 'x-auth-token': token } }),
    cache: createCache(),
  });
}

export interface TagRow {
  id: string;
  name: string;
  updatedAt: string;
}

function row(node: FragmentType<typeof TagRowFragment>): TagRow {
  const { id, name, updatedAt } = getFragmentData(TagRowFragment, node);
  return { id, name, updatedAt };
}

/**
 * Every tag of a repository in one order: a first page, then the next one after the merged
 * list's `endCursor` until there is no more, each merged into the cache's one list.
 */
export async function allTags(
  client: ApolloClient,
  repository: { namespace: string; name: string },
  orderBy: TagOrder,
  pageSize: number,
): Promise<{ rows: TagRow[]; totalCount: number; pages: number }> {
  const variables = { ...repository, orderBy, first: pageSize };
  let after: string | null = null;
  for (let pages = 1; ; pages++) {
    const { data } = await client.query({
      query: RepositoryTagsDocument,
      variables: { ...variables, after },
      fetchPolicy: 'network-only',
    });
    const merged = client.readQuery({ query: RepositoryTagsDocument, variables });
    const tags = merged?.repository?.tags;
    if (!data?.repository || !tags) throw new Error('the repository does not exist');
    if (!tags.pageInfo.hasNextPage) {
      return { rows: tags.edges.map((edge) => row(edge.node)), totalCount: tags.totalCount, pages };
    }
    after = tags.pageInfo.endCursor ?? null;
  }
}

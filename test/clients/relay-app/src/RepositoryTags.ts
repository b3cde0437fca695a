import { graphql } from 'relay-runtime';

/**
 * A repository's tags, paged forward as `usePaginationFragment`'s `loadNext` pages them: the
 * order and the name filter are the connection's filters, so that each list has its own
 * connection in the store.
 */
export const repositoryTagsFragment = graphql`
  fragment RepositoryTags_repository on Repository
  @refetchable(queryName: "RepositoryTagsPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
    orderBy: { type: "TagOrder", defaultValue: { field: UPDATED_AT, direction: DESC } }
    nameContains: { type: "String" }
  ) {
    tags(first: $count, after: $cursor, orderBy: $orderBy, nameContains: $nameContains)
      @connection(key: "RepositoryTags_tags", filters: ["orderBy", "nameContains"]) {
      totalCount
      edges {
        node {
          id
          name
          updatedAt
        }
      }
    }
  }
`;

export const repositoryTagsQuery = graphql`
  query RepositoryTagsQuery(
    $namespace: String!
    $name: String!
    $count: Int
    $orderBy: TagOrder
    $nameContains: String
  ) {
    repository(namespace: $namespace, name: $name) {
      ...RepositoryTags_repository
        @arguments(count: $count, orderBy: $orderBy, nameContains: $nameContains)
    }
  }
`;

import { graphql } from 'relay-runtime';

/**
 * A repository's tags paged in both directions on one connection: `first`/`after` for
 * `loadNext`, `last`/`before` for `loadPrevious`.
 */
export const repositoryTagPagesFragment = graphql`
  fragment RepositoryTagPages_repository on Repository
  @refetchable(queryName: "RepositoryTagPagesPaginationQuery")
  @argumentDefinitions(
    first: { type: "Int" }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
    orderBy: { type: "TagOrder", defaultValue: { field: UPDATED_AT, direction: DESC } }
  ) {
    tags(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy)
      @connection(key: "RepositoryTagPages_tags") {
      totalCount
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;

export const repositoryTagPagesQuery = graphql`
  query RepositoryTagPagesQuery(
    $namespace: String!
    $name: String!
    $first: Int
    $last: Int
    $orderBy: TagOrder
  ) {
    repository(namespace: $namespace, name: $name) {
      ...RepositoryTagPages_repository @arguments(first: $first, last: $last, orderBy: $orderBy)
    }
  }
`;

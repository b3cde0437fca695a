import { graphql } from 'relay-runtime';

/**
 * An organization's repositories paged in both directions, refetched through `node(id:)` as
 * the organization: the order and the filters are the connection's filters.
 */
export const namespaceRepositoriesFragment = graphql`
  fragment NamespaceRepositories_namespace on Namespace
  @refetchable(queryName: "NamespaceRepositoriesPaginationQuery")
  @argumentDefinitions(
    first: { type: "Int" }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
    orderBy: { type: "RepositoryOrder", defaultValue: { field: UPDATED_AT, direction: DESC } }
    nameContains: { type: "String" }
    category: { type: "String" }
  ) {
    name
    repositories(
      first: $first
      after: $after
      last: $last
      before: $before
      orderBy: $orderBy
      nameContains: $nameContains
      category: $category
    ) @connection(key: "NamespaceRepositories_repositories") {
      totalCount
      edges {
        node {
          id
          namespace
          name
          tagCount
        }
      }
    }
  }
`;

export const namespaceRepositoriesQuery = graphql`
  query NamespaceRepositoriesQuery(
    $name: String!
    $first: Int
    $last: Int
    $orderBy: RepositoryOrder
  ) {
    namespace(name: $name) {
      ...NamespaceRepositories_namespace @arguments(first: $first, last: $last, orderBy: $orderBy)
    }
  }
`;

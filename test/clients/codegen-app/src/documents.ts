import { graphql } from './gql';

/** One row of a tag list: a component reads it with `getFragmentData(TagRowFragment, node)`. */
export const TagRowFragment = graphql(`
  fragment TagRow on Tag {
    id
    name
    updatedAt
    size
  }
`);

/** A page of a repository's tags; further pages merge in the cache (see cache.ts). */
export const RepositoryTagsDocument = graphql(`
  query RepositoryTags(
    $namespace: String!
    $name: String!
    $first: Int
    $after: String
    $orderBy: TagOrder
    $nameContains: String
  ) {
    repository(namespace: $namespace, name: $name) {
      id
      namespace
      name
      tags(first: $first, after: $after, orderBy: $orderBy, nameContains: $nameContains) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...TagRow
          }
        }
      }
    }
  }
`);

/** A page of an organization's repositories, by name. */
export const NamespaceRepositoriesDocument = graphql(`
  query NamespaceRepositories($name: String!, $first: Int, $after: String) {
    namespace(name: $name) {
      id
      name
      repositories(first: $first, after: $after, orderBy: { field: NAME, direction: ASC }) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            namespace
            name
            tagCount
          }
        }
      }
    }
  }
`);

/** Any object by its global id. */
export const NodeDocument = graphql(`
  query Node($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Repository {
        namespace
        name
      }
      ... on Namespace {
        name
      }
      ... on Tag {
        ...TagRow
      }
    }
  }
`);

export const DeleteTagDocument = graphql(`
  mutation DeleteTag($input: DeleteTagInput!) {
    deleteTag(input: $input) {
      deletedTagId
      repository {
        namespace
        name
        tagCount
      }
    }
  }
`);

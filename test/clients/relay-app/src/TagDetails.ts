import { graphql } from 'relay-runtime';

/** A tag's details, refetched through `node(id:)` as `useRefetchableFragment`'s `refetch` does. */
export const tagDetailsFragment = graphql`
  fragment TagDetails_tag on Tag @refetchable(queryName: "TagDetailsRefetchQuery") {
    name
    digest
    size
    updatedAt
    kind
    pullPath
  }
`;

export const tagDetailsQuery = graphql`
  query TagDetailsQuery($namespace: String!, $name: String!, $tag: String!) {
    repository(namespace: $namespace, name: $name) {
      tag(name: $tag) {
        ...TagDetails_tag
      }
    }
  }
`;

import { graphql } from 'relay-runtime';

/** A registry page's live tags: what `requestSubscription` runs. */
export const tagEventsSubscription = graphql`
  subscription TagEventsSubscription($namespace: String!, $repository: String!) {
    tagEvents(namespace: $namespace, repository: $repository) {
      kind
      name
      tagId
      tag {
        id
        name
        digest
        updatedAt
      }
    }
  }
`;

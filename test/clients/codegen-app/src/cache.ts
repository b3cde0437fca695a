import { InMemoryCache, type TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * Apollo Client's cache for the gateway: entities keyed as the gateway's federation keys name
 * them, and each connection one merged list per order and filter (the cursor arguments are not
 * part of its key).
 */
export const typePolicies: TypePolicies = {
  Namespace: {
    keyFields: ['name'],
    fields: { repositories: relayStylePagination(['orderBy', 'nameContains', 'category']) },
  },
  Repository: {
    keyFields: ['namespace', 'name'],
    fields: { tags: relayStylePagination(['orderBy', 'nameContains']) },
  },
  Tag: { keyFields: ['id'] },
};

export function createCache(): InMemoryCache {
  return new InMemoryCache({ typePolicies });
}

import type { CostHints } from '../graphql/cost-schema';
import { MAX_ANCHOR_SEARCH_READS } from '../pagination/reanchor';
import { PAGE_LIMITS } from './connection';
import { MAX_NODE_IDS } from './nodes';
import { namespaceFields, repositoryDetailFields } from './registry';

/**
 * What the schema's `@cost` and `@listSize` cannot say about the requests these resolvers make,
 * for the cost model (src/graphql/cost.ts).
 */
export const COST_HINTS: CostHints = {
  // Read through the details loaders, once per object (registry.ts).
  detailFields: {
    Repository: Object.keys(repositoryDetailFields),
    Namespace: Object.keys(namespaceFields),
  },
  newObjects: {
    'Query.repository': { detailsLoaded: false },
    // The field reads the organization's record, which is its details.
    'Query.namespace': { detailsLoaded: true },
    // The list primes each organization's record (loaders/namespaces.ts).
    'Query.namespaces': { detailsLoaded: true },
    'Query.node': { detailsLoaded: false },
    'Query.nodes': { detailsLoaded: false },
    // The list's records prime the details loader (repository-connection.ts).
    'Namespace.repositories': { detailsLoaded: true },
    // The change makes the request's loaders forget the repository (registry.ts).
    'Mutation.deleteTag': { detailsLoaded: false },
  },
  // A tag reference is looked up by its name (`tagById`, loaders/tag-by-name.ts); a repository
  // or organization reference only checks its names.
  referenceCosts: { Tag: 1 },
  // One object per id (nodes.ts); `@listSize(assumedSize:)` is the most a router must assume.
  listArguments: { 'Query.nodes': { argument: 'ids', max: MAX_NODE_IDS } },
  maxPageSize: PAGE_LIMITS.maxPageSize,
  cursors: { arguments: ['after', 'before'], searchReads: MAX_ANCHOR_SEARCH_READS },
};

import type { CostHints } from '../graphql/cost-schema';
import { DEFAULT_LIMITS, type QueryLimits } from '../graphql/limits';
import { MAX_UPSTREAM_LIMIT } from '../pagination/plan';
import { PAGE_LIMITS } from './connection';
import { MAX_NODE_IDS } from './nodes';
import { namespaceFields } from './namespaces';
import { repositoryDetailFields } from './repository-fields';

/**
 * What the schema's `@cost` and `@listSize` cannot say about the requests these resolvers make,
 * for the cost model (src/graphql/cost.ts).
 */
export function costHints(limits: Pick<QueryLimits, 'versionOrderMaxTags'>): CostHints {
  return { ...STATIC_HINTS, weightsByArguments: versionOrderWeights(limits.versionOrderMaxTags) };
}

/**
 * The version order reads the whole list (whole-tag-lists.ts): ⌈length ÷ 1,000⌉ requests, the
 * most for the longest list it orders; a longer one is refused after its first request.
 */
function versionOrderWeights(maxTags: number): CostHints['weightsByArguments'] {
  const wholeList = Math.max(1, Math.ceil(maxTags / MAX_UPSTREAM_LIMIT));
  return {
    'Repository.tags': ({ orderBy }) =>
      (orderBy as { field?: unknown } | undefined)?.field === 'VERSION' ? wholeList : null,
    'Repository.latestTag': () => wholeList,
  };
}

const STATIC_HINTS: CostHints = {
  // Read through the details loaders, once per object (namespaces.ts, repository-fields.ts).
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
    // The change makes the request's loaders forget the repository (tag-deletion.ts).
    'Mutation.deleteTag': { detailsLoaded: false },
  },
  // A tag reference is looked up by its name (`tagById`, loaders/tag-by-name.ts); a repository
  // or organization reference only checks its names.
  referenceCosts: { Tag: 1 },
  // One object per id (nodes.ts); `@listSize(assumedSize:)` is the most a router must assume.
  listArguments: { 'Query.nodes': { argument: 'ids', max: MAX_NODE_IDS } },
  maxPageSize: PAGE_LIMITS.maxPageSize,
};

/** The hints for the default limits. */
export const COST_HINTS = costHints(DEFAULT_LIMITS);

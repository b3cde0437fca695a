import { MAX_UPSTREAM_LIMIT } from '../pagination/plan';
import { MAX_ANCHOR_SEARCH_READS } from '../pagination/reanchor';
import { PAGE_LIMITS } from './connection';
import { MAX_NODE_IDS } from './nodes';
import { namespaceFields } from './namespaces';
import { repositoryDetailFields } from './repository-fields';
import { MAX_DELETED_TAGS } from './tag-deletion';
import { tagViewerFields } from './viewer';

/** What the schema's directives cannot say, told by the resolvers that know it. */
export interface CostHints {
  /** By type: the fields read from an object's details, one request per object. */
  detailFields: Readonly<Record<string, readonly string[]>>;
  /**
   * By field (`Type.field`): its objects are new ones rather than its parent's, with whether
   * their details come along.
   */
  newObjects: Readonly<Record<string, { detailsLoaded: boolean }>>;
  /** By type: the requests that resolving one `_entities` representation of it costs. */
  referenceCosts: Readonly<Record<string, number>>;
  /**
   * By field: a list as long as one of its list arguments (`nodes(ids:)`), of at most `max`
   * elements; a longer argument is refused by the resolver, not by the cost limit.
   */
  listArguments: Readonly<Record<string, { argument: string; max: number }>>;
  /** The largest page size: larger ones are refused by the resolver, not by the cost limit. */
  maxPageSize: number;
  /**
   * By field: its weight for the arguments given, where they change it (an order the gateway
   * sorts itself); null leaves the field's `@cost`.
   */
  weightsByArguments?: Readonly<Record<string, (args: Record<string, unknown>) => number | null>>;
  /**
   * A connection's cursor arguments, and the most reads that finding one cursor's edge again may
   * take when it has moved since the cursor was issued (re-anchoring), counted for each cursor
   * given: a moved or forged cursor must not cost more than the query was judged to.
   */
  cursors: { arguments: readonly string[]; searchReads: number };
}

/**
 * What the schema's `@cost` and `@listSize` cannot say about the requests these resolvers make,
 * for the cost model (src/graphql/cost.ts).
 */
export function costHints(limits: { versionOrderMaxTags: number }): CostHints {
  return { ...STATIC_HINTS, weightsByArguments: argumentWeights(limits.versionOrderMaxTags) };
}

/**
 * The fields whose requests depend on their arguments. The version order reads the whole list
 * (whole-tag-lists.ts): ⌈length ÷ 1,000⌉ requests, the most for the longest list it orders; a
 * longer one is refused after its first request.
 */
function argumentWeights(maxTags: number): CostHints['weightsByArguments'] {
  const wholeList = Math.max(1, Math.ceil(maxTags / MAX_UPSTREAM_LIMIT));
  return {
    'Repository.tags': ({ orderBy }) =>
      (orderBy as { field?: unknown } | undefined)?.field === 'VERSION' ? wholeList : null,
    'Repository.latestTag': () => wholeList,
    // One DELETE per tag given, each name once (tag-deletion.ts).
    'Mutation.deleteTags': ({ input }) => deletionCount(input),
  };
}

function deletionCount(input: unknown): number {
  const tags = (input as { tags?: unknown } | undefined)?.tags;
  return Array.isArray(tags) ? Math.min(new Set(tags).size, MAX_DELETED_TAGS) : MAX_DELETED_TAGS;
}

const STATIC_HINTS: CostHints = {
  // Read through the details loaders, once per object (namespaces.ts, repository-fields.ts).
  detailFields: {
    Repository: Object.keys(repositoryDetailFields),
    Namespace: Object.keys(namespaceFields),
    // The organization's grant: one request for the tags of one repository (viewer.ts).
    Tag: Object.keys(tagViewerFields),
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
    'Mutation.deleteTags': { detailsLoaded: false },
  },
  // A tag reference is looked up by its name (`tagById`, loaders/tag-by-name.ts); a repository
  // or organization reference only checks its names.
  referenceCosts: { Tag: 1 },
  // One object per id (nodes.ts); `@listSize(assumedSize:)` is the most a router must assume.
  listArguments: { 'Query.nodes': { argument: 'ids', max: MAX_NODE_IDS } },
  maxPageSize: PAGE_LIMITS.maxPageSize,
  cursors: { arguments: ['after', 'before'], searchReads: MAX_ANCHOR_SEARCH_READS },
};

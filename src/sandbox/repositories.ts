/**
 * The sandbox's repositories as the repository list (`GET /v2/manage/repos`) and the details
 * endpoint (`GET /v2/manage/namespaces/{namespace}/repos/{repository}`) show them: their wire
 * records, serialised once per change, and the list's precomputed sort orders. Deleting a tag
 * makes new objects (copy on write); the dataset's own objects never change.
 */
import type { SwrOrderType, SwrRepositoryOrderColumn, SwrTagOrderColumn } from '../swr/types';
import {
  TAG_ORDER_KEYS,
  serializeTag,
  sortTags,
  type SandboxNamespace,
  type SandboxRepository,
  type SandboxTag,
  type TagOrderKey,
} from './data';
import { stringifyExact } from './json';

/** What deleting a tag leaves unchanged. */
export interface RepositoryMeta {
  readonly id: number;
  readonly nsId: number;
  readonly namespace: string;
  readonly name: string;
  readonly category: string;
  readonly description: string;
  readonly isPublic: boolean;
  readonly downloads: number;
  readonly created: string;
  readonly updated: string;
  readonly creatorId: string;
  readonly creatorName: string;
  readonly domainId: string;
  readonly domainName: string;
  readonly path: string;
  readonly internalPath: string;
}

/** An element of the repository list, without `total_range` (it depends on the query). */
export interface SandboxRepositorySummary {
  name: string;
  category: string;
  description: string;
  size: number | bigint;
  is_public: boolean;
  num_images: number;
  num_download: number;
  created_at: string;
  updated_at: string;
  logo: string;
  url: string;
  path: string;
  internal_path: string;
  domain_name: string;
  namespace: string;
  tags: string[];
  status: boolean;
}

export interface RepositoryRecords {
  readonly summary: SandboxRepositorySummary;
  /** The list element's JSON without its closing `}`, so that `total_range` can follow. */
  readonly summaryJsonOpen: string;
  readonly detailsJson: string;
}

/** 2^63-1, SWR's documented largest size. */
const MAX_SIZE = 9223372036854775807n;

/** The sum of the tags' sizes, at most 2^63-1; a bigint beyond 2^53. */
function repositorySize(tags: readonly SandboxTag[]): number | bigint {
  let size = 0n;
  for (const { tag } of tags) size += BigInt(tag.size);
  if (size > MAX_SIZE) size = MAX_SIZE;
  return size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(size) : size;
}

export function repositoryRecords(
  meta: RepositoryMeta,
  tags: readonly SandboxTag[],
): RepositoryRecords {
  const size = repositorySize(tags);
  const summary: SandboxRepositorySummary = {
    name: meta.name,
    category: meta.category,
    description: meta.description,
    size,
    is_public: meta.isPublic,
    num_images: tags.length,
    num_download: meta.downloads,
    created_at: meta.created,
    updated_at: meta.updated,
    logo: '',
    url: '',
    path: meta.path,
    internal_path: meta.internalPath,
    domain_name: meta.domainName,
    namespace: meta.namespace,
    tags: tags.map(({ tag }) => tag.Tag),
    status: true,
  };
  const details = {
    id: meta.id,
    ns_id: meta.nsId,
    name: meta.name,
    category: meta.category,
    description: meta.description,
    creator_id: meta.creatorId,
    creator_name: meta.creatorName,
    size,
    is_public: meta.isPublic,
    num_images: tags.length,
    num_download: meta.downloads,
    url: '',
    path: meta.path,
    internal_path: meta.internalPath,
    created: meta.created,
    updated: meta.updated,
    domain_id: meta.domainId,
    priority: 0,
  };
  return {
    summary,
    summaryJsonOpen: stringifyExact(summary).slice(0, -1),
    detailsJson: stringifyExact(details),
  };
}

/** The list element's JSON, with the query's total as `total_range`. */
export function summaryJson(repository: SandboxRepository, total: number): string {
  return `${repository.records.summaryJsonOpen},"total_range":${total}}`;
}

// ---------------------------------------------------------------------------------------------
// Sorting

/** `{order_column}:{order_type}` of the repository list. */
export type RepositoryOrderKey = `${SwrRepositoryOrderColumn}:${SwrOrderType}`;

export const REPOSITORY_ORDER_COLUMNS: readonly SwrRepositoryOrderColumn[] = [
  'updated_time',
  'name',
  'tag_count',
  'namespace',
  'is_public',
];

type Compare = (a: SandboxRepository, b: SandboxRepository) => number;

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The tie-breaker of every order: namespace, then name (unique within a namespace). */
const byIdentity: Compare = (a, b) =>
  byString(a.namespace, b.namespace) || byString(a.name, b.name);

const COMPARE: Readonly<Record<SwrRepositoryOrderColumn, Compare>> = {
  updated_time: (a, b) => byString(a.meta.updated, b.meta.updated) || byIdentity(a, b),
  name: (a, b) => byString(a.name, b.name) || byString(a.namespace, b.namespace),
  tag_count: (a, b) => a.tags.length - b.tags.length || byIdentity(a, b),
  namespace: byIdentity,
  is_public: (a, b) => Number(a.meta.isPublic) - Number(b.meta.isPublic) || byIdentity(a, b),
};

/**
 * Sorts repositories by a column, ties broken by namespace and name in the same direction, so
 * that every order is total and paging never drops or repeats one. Descending is the exact
 * reverse of ascending.
 */
export function sortRepositories(
  repositories: Iterable<SandboxRepository>,
  column: SwrRepositoryOrderColumn,
  type: SwrOrderType,
): SandboxRepository[] {
  const sorted = [...repositories].sort(COMPARE[column]);
  return type === 'asc' ? sorted : sorted.reverse();
}

export function repositoryOrders(
  repositories: Iterable<SandboxRepository>,
): Record<RepositoryOrderKey, readonly SandboxRepository[]> {
  const all = [...repositories];
  const orders = {} as Record<RepositoryOrderKey, readonly SandboxRepository[]>;
  for (const column of REPOSITORY_ORDER_COLUMNS) {
    const asc = sortRepositories(all, column, 'asc');
    orders[`${column}:asc`] = asc;
    orders[`${column}:desc`] = [...asc].reverse();
  }
  return orders;
}

// ---------------------------------------------------------------------------------------------
// Deleting a tag

/** The repository without one of its tags: new tag orders and records, the rest shared. */
export function withoutTag(repository: SandboxRepository, deleted: SandboxTag): SandboxRepository {
  const keep = (tags: readonly SandboxTag[]): SandboxTag[] => tags.filter((t) => t !== deleted);
  const tags = keep(repository.tags);
  const orders = {} as Record<TagOrderKey, readonly SandboxTag[]>;
  for (const [key, order] of Object.entries(repository.orders) as [
    TagOrderKey,
    readonly SandboxTag[],
  ][]) {
    orders[key] = keep(order);
  }
  return { ...repository, tags, orders, records: repositoryRecords(repository.meta, tags) };
}

/**
 * The repository after a push of `name` at time `updated`: an existing tag is pushed again (it
 * keeps its name and gets the new time, moving to the head of the time order); a new tag is made
 * from the repository's first one. The tag orders are sorted anew.
 */
export function withPushedTag(
  repository: SandboxRepository,
  name: string,
  updated: string,
  id: number,
): SandboxRepository {
  const existing = repository.tags.find((t) => t.tag.Tag === name);
  const template = existing ?? repository.tags[0];
  if (!template) throw new Error('the sandbox pushes only into a repository that has tags');
  const pullPath = (path: string): string => `${path.slice(0, path.lastIndexOf(':'))}:${name}`;
  const tag = existing
    ? { ...existing.tag, updated }
    : {
        ...template.tag,
        id,
        Tag: name,
        created: updated,
        updated,
        path: pullPath(template.tag.path),
        internal_path: pullPath(template.tag.internal_path),
      };
  const pushed: SandboxTag = { tag, json: serializeTag(tag) };
  const tags = existing
    ? repository.tags.map((t) => (t === existing ? pushed : t))
    : [...repository.tags, pushed];
  const orders = {} as Record<TagOrderKey, readonly SandboxTag[]>;
  for (const key of TAG_ORDER_KEYS) {
    const [column, type] = key.split(':') as [SwrTagOrderColumn, SwrOrderType];
    orders[key] = sortTags(tags, column, type);
  }
  return { ...repository, tags, orders, records: repositoryRecords(repository.meta, tags) };
}

/** The namespace with one repository replaced, and its repository orders sorted anew. */
export function withRepository(
  namespace: SandboxNamespace,
  repository: SandboxRepository,
): SandboxNamespace {
  const repositories = new Map(namespace.repositories);
  repositories.set(repository.name, repository);
  return { ...namespace, repositories, orders: repositoryOrders(repositories.values()) };
}

/**
 * The sandbox's repositories as the repository list (`GET /v2/manage/repos`) and the details
 * endpoint (`GET /v2/manage/namespaces/{namespace}/repos/{repository}`) show them: their wire
 * records, serialised once per change, and the list's precomputed sort orders. Deleting a tag
 * makes new objects (copy on write); the dataset's own objects never change.
 */
import type {
  RepositoryMeta,
  RepositoryRecords,
  SandboxNamespace,
  SandboxRepository,
  SandboxTag,
  TagOrderKey,
} from './model';
import { repositoryOrders, tagOrders } from './orders';
import { MAX_SIZE, serializeTag, stringifyExact, type RepositorySummaryRecord } from './wire';

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
  const summary: RepositorySummaryRecord = {
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
    details,
    summaryJsonOpen: stringifyExact(summary).slice(0, -1),
    detailsJson: stringifyExact(details),
  };
}

/** The list element's JSON, with the query's total as `total_range`. */
export function summaryJson(repository: SandboxRepository, total: number): string {
  return `${repository.records.summaryJsonOpen},"total_range":${total}}`;
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
  return {
    ...repository,
    tags,
    orders: tagOrders(tags),
    records: repositoryRecords(repository.meta, tags),
  };
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

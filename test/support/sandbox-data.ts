import { defaultDataset } from '../../src/sandbox/dataset';
import { sortRepositories } from '../../src/sandbox/orders';
import type {
  OrderType,
  RepositoryOrderColumn,
  RepositorySummaryRecord,
  TagOrderColumn,
  TagRecord,
} from '../../src/sandbox/wire';

/** What the sandbox's demo data holds, as the tests expect to see it served. */

/**
 * The tags the sandbox answers for a repository (its real name, `/` not `$`), in the given
 * order, filtered by the `tag` substring when non-empty. Throws for an unknown repository.
 */
export function expectedTags(
  namespace: string,
  repository: string,
  orderColumn: TagOrderColumn,
  orderType: OrderType,
  tag?: string,
): TagRecord[] {
  const repo = defaultDataset().namespaces.get(namespace)?.repositories.get(repository);
  if (!repo) throw new Error(`no repository ${namespace}/${repository} in the sandbox dataset`);
  const sorted = repo.orders[`${orderColumn}:${orderType}`];
  const matching = tag ? sorted.filter((t) => t.tag.Tag.includes(tag)) : sorted;
  return matching.map((t) => t.tag);
}

/**
 * The repositories the sandbox lists for an organization in the given order (as they are before
 * any tag is deleted), filtered like the list: `name` as a substring, `category` exactly.
 * Throws for an unknown organization.
 */
export function expectedRepositories(
  namespace: string,
  orderColumn: RepositoryOrderColumn,
  orderType: OrderType,
  filters: { name?: string; category?: string } = {},
): RepositorySummaryRecord[] {
  const ns = defaultDataset().namespaces.get(namespace);
  if (!ns) throw new Error(`no organization ${namespace} in the sandbox dataset`);
  return sortRepositories(ns.repositories.values(), orderColumn, orderType)
    .filter(
      (repository) =>
        repository.name.includes(filters.name ?? '') &&
        (filters.category === undefined || repository.meta.category === filters.category),
    )
    .map((repository) => repository.records.summary);
}

/**
 * The sandbox's list orders. Every order is total, so that paging never drops or repeats a row,
 * and descending is the exact reverse of ascending. SWR documents no order among equal keys;
 * the sandbox breaks ties by id (tags) or by namespace and name (repositories).
 */
import type { RepositoryOrderKey, SandboxRepository, SandboxTag, TagOrderKey } from './model';
import {
  REPOSITORY_ORDER_COLUMNS,
  TAG_ORDER_COLUMNS,
  type OrderType,
  type RepositoryOrderColumn,
  type TagOrderColumn,
} from './wire';

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const COMPARE_TAGS: Readonly<Record<TagOrderColumn, (a: SandboxTag, b: SandboxTag) => number>> = {
  updated_at: (a, b) => byString(a.tag.updated, b.tag.updated) || a.tag.id - b.tag.id,
  tag: (a, b) => byString(a.tag.Tag, b.tag.Tag) || a.tag.id - b.tag.id,
};

/** Sorts tags: `updated_at` by `updated`, `tag` by name in code-unit order; ties by id. */
export function sortTags(
  tags: readonly SandboxTag[],
  column: TagOrderColumn,
  type: OrderType,
): SandboxTag[] {
  const sorted = [...tags].sort(COMPARE_TAGS[column]);
  return type === 'asc' ? sorted : sorted.reverse();
}

type Compare = (a: SandboxRepository, b: SandboxRepository) => number;

/** The tie-breaker of every order: namespace, then name (unique within a namespace). */
const byIdentity: Compare = (a, b) =>
  byString(a.namespace, b.namespace) || byString(a.name, b.name);

const COMPARE_REPOSITORIES: Readonly<Record<RepositoryOrderColumn, Compare>> = {
  updated_time: (a, b) => byString(a.meta.updated, b.meta.updated) || byIdentity(a, b),
  name: (a, b) => byString(a.name, b.name) || byString(a.namespace, b.namespace),
  tag_count: (a, b) => a.tags.length - b.tags.length || byIdentity(a, b),
  namespace: byIdentity,
  is_public: (a, b) => Number(a.meta.isPublic) - Number(b.meta.isPublic) || byIdentity(a, b),
};

/** Sorts repositories by a column, ties by namespace and name in the same direction. */
export function sortRepositories(
  repositories: Iterable<SandboxRepository>,
  column: RepositoryOrderColumn,
  type: OrderType,
): SandboxRepository[] {
  const sorted = [...repositories].sort(COMPARE_REPOSITORIES[column]);
  return type === 'asc' ? sorted : sorted.reverse();
}

/** Every order of a list: ascending and, reversed, descending, by each of the columns. */
function ordersOf<T, C extends string>(
  rows: readonly T[],
  columns: readonly C[],
  sort: (rows: readonly T[], column: C, type: OrderType) => T[],
): Record<`${C}:${OrderType}`, readonly T[]> {
  const orders = {} as Record<`${C}:${OrderType}`, readonly T[]>;
  for (const column of columns) {
    const asc = sort(rows, column, 'asc');
    orders[`${column}:asc`] = asc;
    orders[`${column}:desc`] = [...asc].reverse();
  }
  return orders;
}

export function tagOrders(tags: readonly SandboxTag[]): Record<TagOrderKey, readonly SandboxTag[]> {
  return ordersOf(tags, TAG_ORDER_COLUMNS, sortTags);
}

export function repositoryOrders(
  repositories: Iterable<SandboxRepository>,
): Record<RepositoryOrderKey, readonly SandboxRepository[]> {
  return ordersOf([...repositories], REPOSITORY_ORDER_COLUMNS, sortRepositories);
}

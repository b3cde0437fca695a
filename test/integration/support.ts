/**
 * Shared helpers of the integration suites: the GraphQL documents they send, the shapes of the
 * answers, and checks of a connection page against the sandbox's exact list. Everything here
 * talks to the gateway over HTTP through the harness; nothing imports the gateway's modules.
 */
import type { GraphQLBody, GraphQLError, Harness } from '../support/harness';
import { expectedRepositories, expectedTags } from '../support/sandbox-data';
import type { RecordedRequest } from '../../src/sandbox/server';
import type { SwrRepositoryOrderColumn, SwrTag } from '../../src/swr/types';

export type OrderField = 'UPDATED_AT' | 'NAME';
export type Direction = 'ASC' | 'DESC';

export interface TagOrder {
  field: OrderField;
  direction: Direction;
}

export const ORDERS: readonly TagOrder[] = [
  { field: 'UPDATED_AT', direction: 'ASC' },
  { field: 'UPDATED_AT', direction: 'DESC' },
  { field: 'NAME', direction: 'ASC' },
  { field: 'NAME', direction: 'DESC' },
];

export const DEFAULT_ORDER: TagOrder = { field: 'UPDATED_AT', direction: 'DESC' };

export function orderLabel(order: TagOrder): string {
  return `${order.field} ${order.direction}`;
}

/** The sandbox's exact list for a repository in a GraphQL order. */
export function expectedList(
  namespace: string,
  repository: string,
  order: TagOrder = DEFAULT_ORDER,
  nameContains?: string,
): SwrTag[] {
  return expectedTags(
    namespace,
    repository,
    order.field === 'NAME' ? 'tag' : 'updated_at',
    order.direction === 'ASC' ? 'asc' : 'desc',
    nameContains,
  );
}

export function expectedNames(
  namespace: string,
  repository: string,
  order: TagOrder = DEFAULT_ORDER,
  nameContains?: string,
): string[] {
  return expectedList(namespace, repository, order, nameContains).map((tag) => tag.Tag);
}

export type RepositoryOrderField = 'UPDATED_AT' | 'NAME' | 'TAG_COUNT';

export interface RepositoryOrder {
  field: RepositoryOrderField;
  direction: Direction;
}

export const REPOSITORY_ORDERS: readonly RepositoryOrder[] = (
  ['UPDATED_AT', 'NAME', 'TAG_COUNT'] as const
).flatMap((field) => (['ASC', 'DESC'] as const).map((direction) => ({ field, direction })));

const COLUMNS: Record<RepositoryOrderField, Exclude<SwrRepositoryOrderColumn, 'updated_at'>> = {
  UPDATED_AT: 'updated_time',
  NAME: 'name',
  TAG_COUNT: 'tag_count',
};

/** The sandbox's exact repository names of an organization in a GraphQL order. */
export function expectedRepositoryNames(
  namespace: string,
  order: RepositoryOrder = { field: 'UPDATED_AT', direction: 'DESC' },
  filters: { name?: string; category?: string } = {},
): string[] {
  return expectedRepositories(
    namespace,
    COLUMNS[order.field],
    order.direction === 'ASC' ? 'asc' : 'desc',
    filters,
  ).map((repository) => repository.name);
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface NamedNode {
  name: string;
}

export interface Connection {
  totalCount: number;
  pageInfo: PageInfo;
  edges: { cursor: string; node: NamedNode }[];
  nodes: NamedNode[];
}

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  orderBy?: TagOrder;
  nameContains?: string;
}

export const CONNECTION_FIELDS = `
  totalCount
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { name } }
  nodes { name }
`;

export const TAGS_QUERY = `
  query Tags(
    $namespace: String!
    $name: String!
    $first: Int
    $after: String
    $last: Int
    $before: String
    $orderBy: TagOrder
    $nameContains: String
  ) {
    repository(namespace: $namespace, name: $name) {
      namespace
      name
      tags(
        first: $first
        after: $after
        last: $last
        before: $before
        orderBy: $orderBy
        nameContains: $nameContains
      ) {
        ${CONNECTION_FIELDS}
      }
    }
  }
`;

interface TagsData {
  repository: { namespace: string; name: string; tags: Connection } | null;
}

export interface TagsResult {
  data?: TagsData | null;
  errors?: GraphQLError[];
}

/** Asks one page of a repository's tags; variables left undefined are not sent. */
export function queryTags(
  h: Harness,
  namespace: string,
  name: string,
  args: ConnectionArgs = {},
  token?: string | null,
): Promise<TagsResult> {
  return h.graphql<TagsResult>(TAGS_QUERY, { namespace, name, ...args }, token);
}

/** One page that must succeed: fails the test with the errors otherwise. */
export async function fetchPage(
  h: Harness,
  namespace: string,
  name: string,
  args: ConnectionArgs = {},
  token?: string | null,
): Promise<Connection> {
  const result = await queryTags(h, namespace, name, args, token);
  expect(result.errors).toBeUndefined();
  const repository = result.data?.repository;
  if (!repository) throw new Error(`no repository in ${JSON.stringify(result)}`);
  return repository.tags;
}

/**
 * Checks a page exactly against its position `[start, start + names.length)` in a list of
 * `total` tags: names, nodes, cursors and every pageInfo flag.
 */
export function expectPageAt(
  page: Connection,
  all: readonly string[],
  start: number,
  length: number,
): void {
  const expected = all.slice(start, start + length);
  expect(page.totalCount).toBe(all.length);
  expect(page.edges.map((edge) => edge.node.name)).toEqual(expected);
  expect(page.nodes).toEqual(page.edges.map((edge) => edge.node));
  expect(page.pageInfo.hasPreviousPage).toBe(start > 0);
  expect(page.pageInfo.hasNextPage).toBe(start + expected.length < all.length);
  if (expected.length === 0) {
    expect(page.pageInfo.startCursor).toBeNull();
    expect(page.pageInfo.endCursor).toBeNull();
  } else {
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor);
    expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor);
    expect(new Set(page.edges.map((edge) => edge.cursor)).size).toBe(page.edges.length);
  }
}

/** Fetches one page of a list, given the paging arguments of that page. */
export type PageFetch = (
  args: { first: number; after: string | null } | { last: number; before: string | null },
) => Promise<Connection>;

/**
 * Pages forward through a list with `first: size`, checking every page against its place in
 * `all`; the names in the order read.
 */
export async function walkForward(
  all: readonly string[],
  size: number,
  fetch: PageFetch,
): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    expect(pages).toBeLessThanOrEqual(Math.ceil(all.length / size));
    const page = await fetch({ first: size, after });
    expectPageAt(page, all, names.length, Math.min(size, all.length - names.length));
    names.push(...page.edges.map((edge) => edge.node.name));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
    expect(after).not.toBeNull();
  }
  return names;
}

/**
 * Pages backward through a list with `last: size` from its end, checking every page against its
 * place in `all`; the names in list order.
 */
export async function walkBackward(
  all: readonly string[],
  size: number,
  fetch: PageFetch,
): Promise<string[]> {
  const pages: string[][] = [];
  let before: string | null = null;
  let end = all.length;
  for (let count = 0; ; count++) {
    expect(count).toBeLessThanOrEqual(Math.ceil(all.length / size));
    const page = await fetch({ last: size, before });
    const start = Math.max(0, end - size);
    expectPageAt(page, all, start, end - start);
    pages.push(page.edges.map((edge) => edge.node.name));
    if (!page.pageInfo.hasPreviousPage) break;
    before = page.pageInfo.startCursor;
    expect(before).not.toBeNull();
    end = start;
  }
  return pages.reverse().flat();
}

/** The cursor of every edge of a list of at most 100 tags, by offset. */
export async function allCursors(
  h: Harness,
  namespace: string,
  name: string,
  args: Omit<ConnectionArgs, 'first' | 'last' | 'after' | 'before'> = {},
): Promise<string[]> {
  const page = await fetchPage(h, namespace, name, { ...args, first: 100 });
  return page.edges.map((edge) => edge.cursor);
}

export function cursorAt(cursors: readonly string[], offset: number): string {
  const cursor = cursors[offset];
  if (cursor === undefined) throw new Error(`no cursor at offset ${offset}`);
  return cursor;
}

/** The error codes of a GraphQL answer, in order. */
export function errorCodes(body: GraphQLBody | TagsResult): (string | undefined)[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

export { onlyError } from '../support/http';

/** The `extensions.upstream` object of an error. */
export function upstreamAnswer(error: GraphQLError): Record<string, unknown> {
  const upstream = error.extensions?.upstream;
  if (typeof upstream !== 'object' || upstream === null) {
    throw new Error(`no extensions.upstream in ${JSON.stringify(error)}`);
  }
  return upstream as Record<string, unknown>;
}

/** The tag-list requests of a log (method GET, path ending in /tags). */
export function tagListRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.path.endsWith('/tags'));
}

/** Runs `task` and returns the upstream requests the sandbox served meanwhile. */
export async function upstreamOf<T>(
  h: Harness,
  task: () => Promise<T>,
): Promise<{ result: T; requests: RecordedRequest[] }> {
  const mark = h.sandbox.requests.length;
  const result = await task();
  return { result, requests: h.sandbox.requests.slice(mark) };
}

export interface RepositoryArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  orderBy?: RepositoryOrder;
  nameContains?: string;
  category?: string;
}

const REPOSITORIES_QUERY = `
  query Repositories(
    $namespace: String!
    $first: Int
    $after: String
    $last: Int
    $before: String
    $orderBy: RepositoryOrder
    $nameContains: String
    $category: String
  ) {
    namespace(name: $namespace) {
      name
      repositories(
        first: $first
        after: $after
        last: $last
        before: $before
        orderBy: $orderBy
        nameContains: $nameContains
        category: $category
      ) {
        ${CONNECTION_FIELDS}
      }
    }
  }
`;

export interface RepositoriesResult {
  data?: { namespace: { name: string; repositories: Connection } | null } | null;
  errors?: GraphQLBody['errors'];
}

export function queryRepositories(
  h: Harness,
  namespace: string,
  args: RepositoryArgs = {},
  token?: string | null,
): Promise<RepositoriesResult> {
  return h.graphql<RepositoriesResult>(REPOSITORIES_QUERY, { namespace, ...args }, token);
}

export async function fetchRepositories(
  h: Harness,
  namespace: string,
  args: RepositoryArgs = {},
  token?: string | null,
): Promise<Connection> {
  const result = await queryRepositories(h, namespace, args, token);
  expect(result.errors).toBeUndefined();
  const connection = result.data?.namespace?.repositories;
  if (!connection) throw new Error(`no repositories in ${JSON.stringify(result)}`);
  return connection;
}

/**
 * Lets the gateway learn that the sandbox keeps the name order: the first NAME request of a
 * process proves it at one extra request (src/loaders/tag-lists.ts), so that a suite counting
 * requests counts the steady ones.
 */
export async function settleNameOrder(h: Harness): Promise<void> {
  const body = await h.graphql(
    '{ repository(namespace: "library", name: "nginx") { tags(first: 1, orderBy: { field: NAME, direction: ASC }) { totalCount } } }',
  );
  expect(body.errors).toBeUndefined();
  h.sandbox.resetRequests();
}

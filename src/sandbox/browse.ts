/**
 * The sandbox's browsing endpoints besides the tag list: organizations, the repository list,
 * a repository's details, and deleting a tag. Token and Content-Type are checked before these
 * run (see server.ts).
 */
import { memoJson, type FlavorRules } from './flavors';
import type { SandboxNamespace, SandboxRepository } from './model';
import { isDockerTag } from './names';
import { sortRepositories } from './orders';
import {
  INSUFFICIENT_PERMISSIONS,
  NAMESPACE_NOT_FOUND,
  REPOSITORY_UNKNOWN,
  TAG_UNKNOWN,
  huawei,
  isReply,
  validateList,
  type Answer,
  type Reply,
} from './replies';
import { summaryJson } from './repositories';
import type { SandboxState } from './state';
import { REPOSITORY_ORDER_COLUMNS, type RepositoryOrderColumn } from './wire';

/** The least `auth` that may change the tags (delete, push): edit (3) or manage (7), not read (1). */
const EDIT_AUTH = 3;

/** `GET /v2/manage/namespaces`: `{"namespaces": [...]}`, not paged. */
export function listNamespaces(state: SandboxState, account: string): Answer {
  const namespaces = state.namespacesOf(account).map((namespace) => namespace.json);
  return { status: 200, body: `{"namespaces":[${namespaces.join(',')}]}` };
}

/** The repositories a list request starts from, in its order, before the filters. */
function orderedRepositories(
  state: SandboxState,
  account: string,
  query: { namespace: string | undefined; column: RepositoryOrderColumn; type: 'asc' | 'desc' },
  rules: FlavorRules,
): readonly SandboxRepository[] | undefined {
  const { namespace, column, type } = query;
  if (namespace === undefined || namespace === '' || rules.fuzzyNamespace) {
    // A fuzzy `namespace` matches every organization whose name contains it.
    const matching = state
      .namespacesOf(account)
      .filter((ns) => namespace === undefined || ns.name.includes(namespace));
    if (namespace !== undefined && namespace !== '' && matching.length === 0) return undefined;
    return sortRepositories(
      matching.flatMap((ns) => [...ns.repositories.values()]),
      column,
      type,
    );
  }
  return state.namespace(namespace, account)?.orders[`${column}:${type}`];
}

/** The repository list's order columns, the time column spelt as the flavor spells it. */
function orderColumns(rules: FlavorRules): readonly string[] {
  return REPOSITORY_ORDER_COLUMNS.map((column) =>
    column === 'updated_time' ? rules.repositoryTimeColumn : column,
  );
}

/** A list element's JSON, with the query's total as `total_range`. */
function elementJson(repository: SandboxRepository, total: number, rules: FlavorRules): string {
  if (rules.flavor === 'reference') return summaryJson(repository, total);
  const json = memoJson(rules, repository.records.summary);
  return `${json.slice(0, -1)}${json === '{}' ? '' : ','}"total_range":${total}}`;
}

/**
 * `GET /v2/manage/repos?namespace=&name=&category=&offset=&limit=&order_column=&order_type=`:
 * the account's repositories (of one namespace when `namespace` is given), `name` a substring
 * filter and `category` an exact one; paged and ordered by the same rules as the tag list.
 */
export function listRepositories(
  state: SandboxState,
  account: string,
  query: Record<string, string>,
  rules: FlavorRules,
): Answer {
  const list = validateList(query, orderColumns(rules), {
    column: rules.repositoryTimeColumn,
    type: 'desc',
  });
  if (isReply(list)) return list;
  const column = (
    list.column === rules.repositoryTimeColumn ? 'updated_time' : list.column
  ) as RepositoryOrderColumn;
  const sorted = orderedRepositories(
    state,
    account,
    { namespace: query.namespace, column, type: list.type },
    rules,
  );
  if (!sorted) return rules.namespaceNotFound ?? NAMESPACE_NOT_FOUND;
  // `$` stands for `/` in the name filter, as in a path segment.
  const name = (query.name ?? '').replaceAll('$', '/');
  const category = query.category ?? '';
  const matching =
    name === '' && category === ''
      ? sorted
      : sorted.filter(
          (repository) =>
            repository.name.includes(name) &&
            (category === '' || repository.meta.category === category),
        );
  const offset = list.offset ?? 0;
  const slice = list.limit === undefined ? matching : matching.slice(offset, offset + list.limit);
  const body = slice.map((repository) => elementJson(repository, matching.length, rules));
  const answer = { status: 200, body: `[${body.join(',')}]` };
  if (!rules.repositoryRange) return answer;
  return { ...answer, contentRange: `${offset}-${slice.length}/${matching.length}` };
}

/** `GET /v2/manage/namespaces/{namespace}/repos/{repository}`. */
export function repositoryDetails(
  repository: SandboxRepository | undefined,
  rules: FlavorRules,
): Answer {
  if (!repository) return REPOSITORY_UNKNOWN;
  const { records } = repository;
  const body =
    rules.flavor === 'reference' ? records.detailsJson : memoJson(rules, records.details);
  return { status: 200, body };
}

/** A change of one tag (a deletion, a push): where, and the tag's name. */
export interface TagChange {
  state: SandboxState;
  namespace: SandboxNamespace;
  repository: SandboxRepository | undefined;
  name: string;
}

/**
 * Tags an immutability rule protects (Harbor's tag immutability rules, for example):
 * pushed like any tag, refused with 403 when deleted. In the sandbox, the tags named
 * `immutable-…`, so that a test can make one with a push.
 */
function isImmutableTag(name: string): boolean {
  return name.startsWith('immutable-');
}

/** The repository a tag is changed in: 403 without edit permission, 404 when it is unknown. */
function changeable({ namespace, repository }: TagChange): SandboxRepository | Reply {
  if (namespace.auth < EDIT_AUTH) return INSUFFICIENT_PERMISSIONS;
  return repository ?? REPOSITORY_UNKNOWN;
}

/**
 * `DELETE /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}`: 204 and the tag is
 * gone from this sandbox's lists; 403 without edit permission or for an immutable tag; 404 for an unknown repository or
 * tag (the tag's name exactly).
 */
export function deleteTag(change: TagChange): Answer {
  const target = changeable(change);
  if (isReply(target)) return target;
  const tag = target.tags.find((candidate) => candidate.tag.Tag === change.name);
  if (!tag) return TAG_UNKNOWN;
  if (isImmutableTag(change.name)) return INSUFFICIENT_PERMISSIONS;
  change.state.deleteTag(change.namespace, target, tag);
  return { status: 204, body: '' };
}

/**
 * `PUT /sandbox/namespaces/{namespace}/repos/{repository}/tags/{tag}`, the sandbox's own: 201
 * and the pushed tag's record; 403 without edit permission; 404 for an unknown repository; 400
 * for a name Docker would refuse or a repository with no tag to make a new one from.
 */
export function pushTag(change: TagChange): Answer {
  const target = changeable(change);
  if (isReply(target)) return target;
  if (!isDockerTag(change.name) || target.tags.length === 0) {
    return huawei(400, 'SVCSTG.SWR.4001025', 'Invalid tag name, or nothing to push from');
  }
  return { status: 201, body: change.state.pushTag(change.namespace, target, change.name).json };
}

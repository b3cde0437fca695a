import type { UpstreamPage } from '../pagination/plan';
import { SwrError, cannotServe } from '../swr/errors';
import type { SwrPage, SwrRepositoryListQuery, SwrRepositorySummary } from '../swr/types';
import type { RepositoryList } from './lists';
import type { UpstreamSession } from './session';
import { compareStrings, pageOfWhole, sorted, type WholeList } from './whole-lists';

/**
 * Reading an organization's repositories, never another's. SWR documents the repository list's
 * `namespace` and `name` filters as fuzzy: organization `team` may be answered with `team-b`'s
 * and `myteam`'s repositories, counted in the total. With SWR_REPOSITORY_MATCH=fuzzy (the
 * default) the list is read whole, in name order, and exactly the organization's repositories
 * that pass the filters are kept and sorted here, so that cursors and `totalCount` are exact.
 * With `exact`, SWR's pages are served as they are, each record checked: a foreign one fails
 * the page with a coded error.
 */

type Repository = SwrRepositorySummary;

/** Whether a record is of the list asked for: its organization, and its filters exactly. */
function belongs(repository: Repository, list: RepositoryList): boolean {
  return (
    repository.namespace === list.namespace &&
    (list.name === undefined || repository.name.includes(list.name)) &&
    (list.category === undefined || repository.category === list.category)
  );
}

const byName = (a: Repository, b: Repository): number => compareStrings(a.name, b.name);

/** Each order's key, ties broken by name (unique in an organization). */
const COMPARE: Record<
  SwrRepositoryListQuery['orderColumn'],
  (a: Repository, b: Repository) => number
> = {
  updated_time: (a, b) => compareStrings(a.updated_at, b.updated_at) || byName(a, b),
  updated_at: (a, b) => compareStrings(a.updated_at, b.updated_at) || byName(a, b),
  name: byName,
  tag_count: (a, b) => a.num_images - b.num_images || byName(a, b),
  namespace: byName,
  is_public: (a, b) => Number(a.is_public) - Number(b.is_public) || byName(a, b),
};

function wholeOrganization(session: UpstreamSession, list: RepositoryList): WholeList<Repository> {
  const { client, token, call } = session;
  return {
    readPage: (page) =>
      client.listRepositories(
        token,
        { ...list, orderColumn: 'name', orderType: 'asc', ...page },
        call,
      ),
    keyOf: (repository) => `${repository.namespace}/${repository.name}`,
    arrange: (repositories) =>
      sorted(
        repositories.filter((repository) => belongs(repository, list)),
        COMPARE[list.orderColumn],
        list.orderType,
      ),
    maxItems: client.traits.variants.wholeListMaxItems,
    subject: `the repositories of ${list.namespace}`,
  };
}

/** A page in SWR's own order, the time column spelt as the server accepts it. */
async function readServerPage(
  { client, token, call }: UpstreamSession,
  list: RepositoryList,
  page: UpstreamPage,
): Promise<SwrPage<Repository>> {
  const { traits } = client;
  const isTime = list.orderColumn === 'updated_time';
  const read = (orderColumn: SwrRepositoryListQuery['orderColumn']): Promise<SwrPage<Repository>> =>
    client.listRepositories(token, { ...list, orderColumn, ...page }, call);
  if (!isTime) return read(list.orderColumn);
  const column = traits.repositoryTimeColumn;
  try {
    return await read(column);
  } catch (error) {
    const refused = error instanceof SwrError && error.failure === 'status' && error.status === 400;
    if (!refused || traits.variants.repositoryTimeColumn !== 'detect' || column === 'updated_at') {
      throw error;
    }
    traits.repositoryTimeColumn = 'updated_at';
    return read('updated_at');
  }
}

export async function readRepositoryPage(
  session: UpstreamSession,
  list: RepositoryList,
  page: UpstreamPage,
  memo: Map<string, unknown>,
): Promise<SwrPage<Repository>> {
  if (session.client.traits.variants.repositoryMatch === 'fuzzy') {
    return pageOfWhole(memo, wholeOrganization(session, list), page);
  }
  const read = await readServerPage(session, list, page);
  if (!read.items.every((repository) => belongs(repository, list))) {
    throw cannotServe({
      code: 'FOREIGN_REPOSITORY',
      message: `SWR listed a repository outside ${list.namespace} or its filters; SWR_REPOSITORY_MATCH=fuzzy reads around them`,
    });
  }
  return read;
}

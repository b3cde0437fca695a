import type { RepositoryRef } from '../swr/client';
import type {
  SwrRepositoryListQuery,
  SwrRepositorySummary,
  SwrTag,
  SwrTagListQuery,
} from '../swr/types';
import type { ListSource } from './list-windows';

/**
 * The lists SWR pages by `offset`/`limit`, as sources of the window loader: a repository's tags
 * and an organization's repositories. Each says what identifies one list and how to read one
 * aligned page of it; merging, planning and caching are the window loader's.
 */

/** A repository's tags as SWR knows them: repository, order and filter. */
export interface TagList {
  repository: RepositoryRef;
  orderColumn: SwrTagListQuery['orderColumn'];
  orderType: SwrTagListQuery['orderType'];
  tag?: string;
}

export const TAG_LISTS: ListSource<TagList, SwrTag> = {
  name: 'tagWindows',
  id: ({ repository, orderColumn, orderType, tag }) =>
    JSON.stringify([repository.namespace, repository.name, orderColumn, orderType, tag]),
  readPage: ({ client, token, call }, list, page) =>
    client.listTags(
      token,
      list.repository,
      {
        offset: page.offset,
        limit: page.limit,
        orderColumn: list.orderColumn,
        orderType: list.orderType,
        ...(list.tag === undefined ? {} : { tag: list.tag }),
      },
      call,
    ),
};

/** An organization's repositories as SWR knows them: organization, order and filters. */
export type RepositoryList = Omit<SwrRepositoryListQuery, 'offset' | 'limit'>;

export const REPOSITORY_LISTS: ListSource<RepositoryList, SwrRepositorySummary> = {
  name: 'repositoryWindows',
  id: ({ namespace, orderColumn, orderType, name, category }) =>
    JSON.stringify([namespace, orderColumn, orderType, name, category]),
  readPage: ({ client, token, call }, list, page) =>
    client.listRepositories(token, { ...list, offset: page.offset, limit: page.limit }, call),
};

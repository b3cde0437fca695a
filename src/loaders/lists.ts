import type { RepositoryRef } from '../swr/client';
import type {
  SwrRepositoryListQuery,
  SwrRepositorySummary,
  SwrTag,
  SwrTagListQuery,
} from '../swr/types';
import type { ListSource } from './list-windows';
import { readRepositoryPage } from './repository-lists';
import { readNameOrderedPage, readTagPage } from './tag-lists';

/**
 * The lists SWR pages by `offset`/`limit`, as sources of the window loader: a repository's tags
 * and an organization's repositories. Each says what identifies one list and how to read one
 * aligned page of it (around the server's variants: tag-lists.ts, repository-lists.ts);
 * merging, planning and caching are the window loader's.
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
  readPage: (session, list, page, memo) =>
    list.orderColumn === 'tag'
      ? readNameOrderedPage(session, list, page, memo)
      : readTagPage(session, list, page),
};

/** An organization's repositories as SWR knows them: organization, order and filters. */
export type RepositoryList = Omit<SwrRepositoryListQuery, 'offset' | 'limit'>;

export const REPOSITORY_LISTS: ListSource<RepositoryList, SwrRepositorySummary> = {
  name: 'repositoryWindows',
  id: ({ namespace, orderColumn, orderType, name, category }) =>
    JSON.stringify([namespace, orderColumn, orderType, name, category]),
  readPage: readRepositoryPage,
};

import { badUserInput } from '../errors';
import type { GatewayContext } from '../context';
import type { RepositoryTagsArgs } from '../generated/resolvers-types';
import type { TagList } from '../loaders/lists';
import { cursorScope } from '../pagination/cursor';
import type { RepositoryRef } from '../swr/client';
import { isValidTagFragment } from '../swr/names';
import { ORDER_TYPES, resolveConnection } from './connection';
import type { TagConnectionModel } from './models';

/** `Repository.tags`: a repository's tags, ordered and filtered, as a connection. */

const ORDER_COLUMNS = { UPDATED_AT: 'updated_at', NAME: 'tag' } as const;

export async function resolveTagConnection(
  repository: RepositoryRef,
  args: RepositoryTagsArgs,
  context: GatewayContext,
): Promise<TagConnectionModel> {
  const orderBy = args.orderBy ?? { field: 'UPDATED_AT', direction: 'DESC' };
  const nameContains = args.nameContains ?? '';
  if (nameContains !== '' && !isValidTagFragment(nameContains)) {
    throw badUserInput(
      '`nameContains` must be 1 to 128 of the characters a tag name may hold: letters, digits, `_`, `.` and `-`.',
      'nameContains',
    );
  }
  const list: TagList = {
    repository,
    orderColumn: ORDER_COLUMNS[orderBy.field],
    orderType: ORDER_TYPES[orderBy.direction],
    ...(nameContains === '' ? {} : { tag: nameContains }),
  };
  const scope = cursorScope([
    repository.namespace,
    repository.name,
    orderBy.field,
    orderBy.direction,
    nameContains,
  ]);
  const connection = await resolveConnection(
    args,
    {
      list,
      scope,
      loader: (loaders) => loaders.tagWindows,
      subject: `the repository ${repository.namespace}/${repository.name}`,
    },
    context,
  );
  return { ...connection, repository };
}

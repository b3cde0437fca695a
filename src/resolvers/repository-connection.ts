import { badUserInput } from './errors';
import type { GatewayContext } from './context';
import type { NamespaceRepositoriesArgs } from '../generated/resolvers-types';
import type { RepositoryList } from '../loaders/lists';
import { detailsFromSummary } from '../loaders/repository-details';
import { cursorScope } from '../pagination/cursor';
import { isValidCategory, isValidRepositoryFragment } from '../swr/names';
import { ORDER_TYPES, resolveConnection } from './connection';
import type { RepositoryConnectionModel } from './models';

/**
 * `Namespace.repositories`: an organization's repositories, ordered and filtered, as a
 * connection. The list's records hold every detail of a repository, so they prime the request's
 * details loader: a repository listed here costs no request of its own.
 */

const ORDER_COLUMNS = { UPDATED_AT: 'updated_time', NAME: 'name', TAG_COUNT: 'tag_count' } as const;

function checkFilters(nameContains: string, category: string): void {
  if (nameContains !== '' && !isValidRepositoryFragment(nameContains)) {
    throw badUserInput(
      '`nameContains` must be 1 to 128 of the characters a repository name may hold: lowercase letters, digits, `.`, `_`, `-` and `/`.',
      'nameContains',
    );
  }
  if (category !== '' && !isValidCategory(category)) {
    throw badUserInput(
      '`category` must be 1 to 64 lowercase letters, digits and `_`, starting with a letter, for example `linux`.',
      'category',
    );
  }
}

export async function resolveRepositoryConnection(
  namespace: string,
  args: NamespaceRepositoriesArgs,
  context: GatewayContext,
): Promise<RepositoryConnectionModel> {
  const orderBy = args.orderBy ?? { field: 'UPDATED_AT', direction: 'DESC' };
  const nameContains = args.nameContains ?? '';
  const category = args.category ?? '';
  checkFilters(nameContains, category);
  const list: RepositoryList = {
    namespace,
    orderColumn: ORDER_COLUMNS[orderBy.field],
    orderType: ORDER_TYPES[orderBy.direction],
    ...(nameContains === '' ? {} : { name: nameContains }),
    ...(category === '' ? {} : { category }),
  };
  const scope = cursorScope([
    'repositories',
    namespace,
    orderBy.field,
    orderBy.direction,
    nameContains,
    category,
  ]);
  const connection = await resolveConnection(
    args,
    {
      list,
      scope,
      loader: (loaders) => loaders.repositoryWindows,
      subject: `the organization ${namespace}`,
    },
    context,
  );
  for (const record of connection.items) {
    context.loaders?.repositoryDetails.prime(
      { namespace: record.namespace, name: record.name },
      detailsFromSummary(record),
    );
  }
  return connection;
}

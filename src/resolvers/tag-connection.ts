import { badUserInput } from './errors';
import type { GatewayContext } from './context';
import type { RepositoryTagsArgs } from '../generated/resolvers-types';
import type { TagList } from '../loaders/lists';
import { cursorScope } from '../pagination/cursor';
import type { RepositoryRef } from '../swr/client';
import { isValidTagFragment, isValidTagName } from '../swr/names';
import { isDateTime } from '../swr/time';
import type { SwrTag } from '../swr/types';
import { nameOrder, timeOrder } from '../pagination/anchor';
import { ORDER_TYPES, resolveConnection, type Anchoring } from './connection';
import type { TagConnectionModel } from './models';
import { checkedVariant, resolveVersionConnection } from './version-connection';
import type { WholeTagList } from '../loaders/whole-tag-lists';

/** `Repository.tags`: a repository's tags, ordered and filtered, as a connection. */

const ORDER_COLUMNS = { UPDATED_AT: 'updated_at', NAME: 'tag' } as const;

/**
 * A tag's cursor names its tag: `{name}` in the name order, `{name}@{updated}` in the time order,
 * so that paging survives pushes and deletions (see `pagination/anchor.ts`).
 */
function tagAnchoring(field: 'UPDATED_AT' | 'NAME', direction: 'asc' | 'desc'): Anchoring<SwrTag> {
  if (field === 'NAME') {
    return {
      order: nameOrder((tag: SwrTag) => tag.Tag, direction),
      keyOf: (tag) => tag.Tag,
      anchorOf: (key, offset) =>
        isValidTagName(key) ? { offset, name: key, updated: null } : null,
    };
  }
  return {
    order: timeOrder(
      (tag: SwrTag) => tag.Tag,
      (tag) => tag.updated,
      direction,
    ),
    keyOf: (tag) => `${tag.Tag}@${tag.updated}`,
    anchorOf: (key, offset) => {
      const [name = '', updated = '', ...rest] = key.split('@');
      return isValidTagName(name) && isDateTime(updated) && rest.length === 0
        ? { offset, name, updated }
        : null;
    },
  };
}

function distinctTimes(rows: readonly SwrTag[]): boolean {
  return new Set(rows.map((tag) => tag.updated)).size === rows.length;
}

function checkedFilters(args: RepositoryTagsArgs, field: string): TagFilters {
  const nameContains = args.nameContains ?? '';
  if (nameContains !== '' && !isValidTagFragment(nameContains)) {
    throw badUserInput(
      '`nameContains` must be 1 to 128 of the characters a tag name may hold: letters, digits, `_`, `.` and `-`.',
      'nameContains',
    );
  }
  if (args.variant != null && field !== 'VERSION') {
    throw badUserInput('`variant` filters the `VERSION` order only.', 'variant');
  }
  const variant = checkedVariant(args.variant);
  return { nameContains, variant };
}

interface TagFilters {
  nameContains: string;
  variant: string | null;
}

export async function resolveTagConnection(
  repository: RepositoryRef,
  args: RepositoryTagsArgs,
  context: GatewayContext,
): Promise<TagConnectionModel> {
  const orderBy = args.orderBy ?? { field: 'UPDATED_AT', direction: 'DESC' };
  const filters = checkedFilters(args, orderBy.field);
  const scope = cursorScope([
    repository.namespace,
    repository.name,
    orderBy.field,
    orderBy.direction,
    filters.nameContains,
    ...(filters.variant === null ? [] : [filters.variant]),
  ]);
  const subject = `the repository ${repository.namespace}/${repository.name}`;
  const orderType = ORDER_TYPES[orderBy.direction];
  const connection =
    orderBy.field === 'VERSION'
      ? await resolveVersionConnection(
          args,
          { whole: wholeList(repository, filters.nameContains), direction: orderType, ...filters },
          scope,
          subject,
          context,
        )
      : await resolveSwrOrdered(
          args,
          repository,
          orderBy.field,
          orderType,
          filters,
          scope,
          context,
        );
  return { ...connection, repository };
}

/** The whole list SWR gives for a name filter: the filter is SWR's to apply first. */
export function wholeList(repository: RepositoryRef, nameContains: string): WholeTagList {
  return nameContains === '' ? { repository } : { repository, tag: nameContains };
}

/** The orders SWR sorts by itself, paged by SWR's offsets. */
function resolveSwrOrdered(
  args: RepositoryTagsArgs,
  repository: RepositoryRef,
  field: 'UPDATED_AT' | 'NAME',
  orderType: 'asc' | 'desc',
  { nameContains }: TagFilters,
  scope: string,
  context: GatewayContext,
) {
  const list: TagList = {
    repository,
    orderColumn: ORDER_COLUMNS[field],
    orderType,
    ...(nameContains === '' ? {} : { tag: nameContains }),
  };
  return resolveConnection(
    args,
    {
      list,
      scope,
      loader: (loaders) => loaders.tagWindows,
      anchoring: tagAnchoring(field, orderType),
      reversed: {
        list: { ...list, orderType: orderType === 'asc' ? 'desc' : 'asc' },
        // Names are unique; times may be shared, and SWR's order among equal times is unknown.
        isExact:
          field === 'NAME'
            ? () => true
            : (rows, count) => distinctTimes(rows.slice(0, Math.min(rows.length, count + 1))),
      },
      subject: `the repository ${repository.namespace}/${repository.name}`,
    },
    context,
  );
}

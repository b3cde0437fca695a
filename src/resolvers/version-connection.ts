import { badUserInput, gatewayError } from './errors';
import type { GatewayContext } from './context';
import type { Loaders } from '../loaders/request-loaders';
import type { RepositoryLatestTagArgs } from '../generated/resolvers-types';
import type { ListWindow, WindowLoader } from '../loaders/list-windows';
import { ListTooLongError, type WholeTagList } from '../loaders/whole-tag-lists';
import { isValidTagFragment, isValidTagName } from '../swr/names';
import type { SwrTag } from '../swr/types';
import {
  compareTagNames,
  latestVersion,
  sortByVersion,
  variantOf,
  type Direction,
} from '../versions/version-order';
import { resolveConnection, type Anchoring, type ConnectionArgs } from './connection';
import type { ConnectionModel, RepositoryModel, TagModel } from './models';
import { withUpstream } from './upstream';

/**
 * `Repository.tags` in the version order, which SWR cannot sort by: the whole list is read once
 * per request (loaders/whole-tag-lists.ts), filtered and sorted here, and paged as any list is,
 * through the same connection code. A cursor names its tag, whose place in the order its name
 * alone fixes, so paging survives pushes and deletions exactly. `Repository.latestTag` reads the
 * same whole list.
 */

/** A `variant` argument: null for none, empty for the versions without one. */
export function checkedVariant(variant: string | null | undefined): string | null {
  if (variant == null || variant === '' || isValidTagFragment(variant)) return variant ?? null;
  throw badUserInput(
    '`variant` must be empty, or 1 to 128 of the characters a tag name may hold.',
    'variant',
  );
}

/** One version-ordered list: the whole list SWR gives, and what the gateway does to it. */
export interface VersionList {
  whole: WholeTagList;
  direction: Direction;
  /** Kept only tags whose name contains it (SWR's filter is checked again here). */
  nameContains: string;
  /** Kept only tags of this variant (`variantOf`); null keeps every tag. */
  variant: string | null;
}

/** The bound on a list ordered by version, as a GraphQL error the caller can act on. */
function tooLong(error: ListTooLongError): Error {
  return gatewayError(
    'QUERY_TOO_EXPENSIVE',
    `The list holds ${error.total} tags, more than the ${error.maxTags} that can be ordered by version: narrow it with \`nameContains\`, or order by NAME or UPDATED_AT.`,
    { limits: { versionOrderMaxTags: error.maxTags }, total: error.total },
  );
}

/** The whole list of a repository (and SWR's name filter), with the bound's error coded. */
async function wholeTagList(loaders: Loaders, list: WholeTagList): Promise<SwrTag[]> {
  try {
    return await loaders.wholeTagLists.load(list);
  } catch (error) {
    throw error instanceof ListTooLongError ? tooLong(error) : error;
  }
}

function keep(list: VersionList): (tag: SwrTag) => boolean {
  return (tag) =>
    tag.Tag.includes(list.nameContains) &&
    (list.variant === null || variantOf(tag.Tag) === list.variant);
}

/** The version-ordered lists of one request, each filtered and sorted once. */
interface VersionLists {
  windows: WindowLoader<VersionList, SwrTag>;
  /** Where a tag's name places it in a list: its offset, or that of the first tag after it. */
  place(list: VersionList, name: string): Promise<number>;
}

const requestLists = new WeakMap<Loaders, VersionLists>();

/**
 * The version-ordered lists of the request, as a window loader (so that the connection code
 * reads them as it reads SWR's) and by the place of a name (so that a cursor finds its place at
 * once, however far pushes and deletions moved it).
 */
export function versionLists(loaders: Loaders): VersionLists {
  let lists = requestLists.get(loaders);
  if (lists) return lists;
  const sorted = new WeakMap<VersionList, Promise<SwrTag[]>>();
  const sortedList = (list: VersionList): Promise<SwrTag[]> => {
    let rows = sorted.get(list);
    if (!rows) {
      rows = wholeTagList(loaders, list.whole).then((tags) =>
        sortByVersion(tags.filter(keep(list)), (tag) => tag.Tag, list.direction),
      );
      sorted.set(list, rows);
    }
    return rows;
  };
  lists = {
    windows: {
      async load({ list, range }): Promise<ListWindow<SwrTag>> {
        const rows = await sortedList(list);
        return { items: rows.slice(range.start, range.end), total: rows.length };
      },
      // Each connection sorts its own list; the whole lists it reads are forgotten upstream.
      forget: () => undefined,
    },
    async place(list, name) {
      const rows = await sortedList(list);
      return firstNotBefore(rows, (tag) => compareTagNames(tag.Tag, name, list.direction));
    },
  };
  requestLists.set(loaders, lists);
  return lists;
}

/** The first index whose row does not sort before the name (`compare` ≥ 0), by bisection. */
function firstNotBefore(rows: readonly SwrTag[], compare: (row: SwrTag) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(rows[middle] as SwrTag) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A cursor of the version order names its tag; the name places it. */
function versionAnchoring(direction: Direction): Anchoring<SwrTag> {
  return {
    order: { compare: (row, anchor) => compareTagNames(row.Tag, anchor.name, direction) },
    keyOf: (tag) => tag.Tag,
    anchorOf: (key, offset) => (isValidTagName(key) ? { offset, name: key, updated: null } : null),
  };
}

/** `Repository.latestTag`: the highest version of a variant, from the whole list. */
export function findLatestTag(
  repository: RepositoryModel,
  { variant, stable }: RepositoryLatestTagArgs,
  context: GatewayContext,
): Promise<TagModel | null> {
  const wanted = checkedVariant(variant) ?? '';
  const subject = `the repository ${repository.namespace}/${repository.name}`;
  return withUpstream(context, subject, async (loaders) => {
    const tags = await wholeTagList(loaders, { repository });
    const tag = latestVersion(tags, (row) => row.Tag, wanted, stable ?? true);
    return tag && { tag, repository };
  });
}

/** `Repository.tags` in the version order. */
export function resolveVersionConnection(
  args: ConnectionArgs,
  list: VersionList,
  scope: string,
  subject: string,
  context: GatewayContext,
): Promise<ConnectionModel<SwrTag>> {
  return resolveConnection(
    args,
    {
      list,
      scope,
      subject,
      loader: (loaders) => versionLists(loaders).windows,
      anchoring: versionAnchoring(list.direction),
      place: (anchor, loaders) => versionLists(loaders).place(list, anchor.name),
    },
    context,
  );
}

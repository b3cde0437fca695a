import { badUserInput, gatewayError } from '../graphql/errors';
import type { GatewayContext, Loaders } from '../graphql/context';
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
import type { Anchoring } from './connection';
import type { RepositoryModel, TagModel } from './models';
import { withUpstream } from './upstream';

/**
 * `Repository.tags` in the version order, which SWR cannot sort by: the whole list is read once
 * per request (loaders/whole-tag-lists.ts), filtered and sorted here, and paged as any list is,
 * through the same connection code. A cursor names its tag, whose place in the order its name
 * alone fixes, so paging survives pushes and deletions exactly.
 */

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
export function tooLong(error: ListTooLongError): Error {
  return gatewayError(
    'QUERY_TOO_EXPENSIVE',
    `The list holds ${error.total} tags, more than the ${error.maxTags} that can be ordered by version: narrow it with \`nameContains\`, or order by NAME or UPDATED_AT.`,
    { limits: { versionOrderMaxTags: error.maxTags }, total: error.total },
  );
}

/** The whole list of a repository (and SWR's name filter), with the bound's error coded. */
export async function wholeTagList(loaders: Loaders, list: WholeTagList): Promise<SwrTag[]> {
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

/**
 * The version-ordered lists as a window loader, so that the connection code reads them as it
 * reads SWR's: each list filtered and sorted once per request.
 */
export function versionWindows(loaders: Loaders): WindowLoader<VersionList, SwrTag> {
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
  return {
    async load({ list, range }): Promise<ListWindow<SwrTag>> {
      const rows = await sortedList(list);
      return { items: rows.slice(range.start, range.end), total: rows.length };
    },
    forget: () => undefined,
  };
}

/** A cursor of the version order names its tag; the name places it. */
export function versionAnchoring(direction: Direction): Anchoring<SwrTag> {
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
  const wanted = variant ?? '';
  if (wanted !== '' && !isValidTagFragment(wanted)) {
    throw badUserInput(
      '`variant` must be empty, or 1 to 128 of the characters a tag name may hold.',
      'variant',
    );
  }
  const subject = `the repository ${repository.namespace}/${repository.name}`;
  return withUpstream(context, subject, async (loaders) => {
    const tags = await wholeTagList(loaders, { repository });
    const tag = latestVersion(tags, (row) => row.Tag, wanted, stable ?? true);
    return tag && { tag, repository };
  });
}

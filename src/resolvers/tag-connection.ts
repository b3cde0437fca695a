import { badUserInput, missingToken, toGraphQLError } from '../errors';
import type { RepositoryTagsArgs } from '../generated/resolvers-types';
import type { GatewayContext, Loaders } from '../context';
import { CursorError, cursorScope, decodeCursor } from '../pagination/cursor';
import {
  PageSizeError,
  contains,
  edgesToReturn,
  rangeToFetch,
  validateCounts,
  type Range,
  type WindowRequest,
} from '../pagination/window';
import type { TagList, TagWindow } from '../loaders/tag-windows';
import type { RepositoryRef } from '../swr/client';
import { isValidTagFragment } from '../swr/names';
import type { TagConnectionModel } from './models';

/**
 * `Repository.tags`: connection arguments → window → the tags loader → a connection. The order
 * of work follows the Relay spec; no upstream request is made for arguments that are invalid.
 */

export const PAGE_LIMITS = { defaultFirst: 20, maxPageSize: 100 };

const ORDER_COLUMNS = { UPDATED_AT: 'updated_at', NAME: 'tag' } as const;
const ORDER_TYPES = { ASC: 'asc', DESC: 'desc' } as const;

interface ParsedArgs {
  list: TagList;
  scope: string;
  request: WindowRequest;
}

function parseArgs(repository: RepositoryRef, args: RepositoryTagsArgs): ParsedArgs {
  const orderBy = args.orderBy ?? { field: 'UPDATED_AT', direction: 'DESC' };
  const nameContains = args.nameContains ?? '';
  if (nameContains !== '' && !isValidTagFragment(nameContains)) {
    throw badUserInput(
      '`nameContains` must be 1 to 128 of the characters a tag name may hold: letters, digits, `_`, `.` and `-`.',
      'nameContains',
    );
  }
  const scope = cursorScope([
    repository.namespace,
    repository.name,
    orderBy.field,
    orderBy.direction,
    nameContains,
  ]);
  try {
    const counts = validateCounts(args.first, args.last, PAGE_LIMITS);
    const request: WindowRequest = {
      ...counts,
      after: args.after == null ? null : decodeCursor(args.after, scope, 'after'),
      before: args.before == null ? null : decodeCursor(args.before, scope, 'before'),
    };
    const list: TagList = {
      repository,
      orderColumn: ORDER_COLUMNS[orderBy.field],
      orderType: ORDER_TYPES[orderBy.direction],
      ...(nameContains === '' ? {} : { tag: nameContains }),
    };
    return { list, scope, request };
  } catch (error) {
    if (error instanceof PageSizeError || error instanceof CursorError) {
      throw badUserInput(error.message, error.argument);
    }
    throw error;
  }
}

/** The part of `range` that a loaded window holds (a window may reach past the list's end). */
function heldRange(range: Range, loaded: TagWindow): Range {
  return { start: range.start, end: range.start + loaded.items.length };
}

/** Reads the connection's window: one load when its position is known, two when it is not. */
async function loadWindow(
  loaders: Loaders,
  list: TagList,
  request: WindowRequest,
): Promise<{ window: Range; items: TagWindow['items']; total: number }> {
  // A window counted from the end of the list needs the list's length first: the first page of
  // the list tells it (and holds the window whenever the list is that short).
  const toFetch = rangeToFetch(request) ?? { start: 0, end: Math.max(request.last ?? 0, 1) };
  // An empty range still has to be read: pageInfo and totalCount need the list's length.
  const range =
    toFetch.end > toFetch.start ? toFetch : { start: toFetch.start, end: toFetch.start + 1 };
  let loadedRange = range;
  let loaded = await loaders.tagWindows.load({ list, range });
  const window = edgesToReturn(request, loaded.total);
  if (!contains(heldRange(loadedRange, loaded), window) && window.end > window.start) {
    loadedRange = window;
    loaded = await loaders.tagWindows.load({ list, range: window, preferSingleRequest: true });
  }
  const offset = window.start - loadedRange.start;
  const items = loaded.items.slice(offset, offset + window.end - window.start);
  // The list may have changed between two reads; the window then ends where the list does.
  return {
    window: { start: window.start, end: window.start + items.length },
    items,
    total: loaded.total,
  };
}

export async function resolveTagConnection(
  repository: RepositoryRef,
  args: RepositoryTagsArgs,
  context: GatewayContext,
): Promise<TagConnectionModel> {
  const { list, scope, request } = parseArgs(repository, args);
  if (!context.loaders) throw missingToken();
  try {
    const { window, items, total } = await loadWindow(context.loaders, list, request);
    return { repository, scope, items, window, total };
  } catch (error) {
    throw toGraphQLError(error, `the repository ${repository.namespace}/${repository.name}`);
  }
}

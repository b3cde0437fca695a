import { badUserInput, missingToken, toGraphQLError } from '../errors';
import type { GatewayContext, Loaders } from '../context';
import type { WindowLoader } from '../loaders/list-windows';
import { CursorError, decodeCursor, encodeCursor } from '../pagination/cursor';
import {
  PageSizeError,
  contains,
  edgesToReturn,
  pageInfoFlags,
  rangeToFetch,
  validateCounts,
  type Range,
  type WindowRequest,
} from '../pagination/window';
import type { ConnectionModel, EdgeModel } from './models';

/**
 * Connections, the same for every list: connection arguments → window → the list's window
 * loader → a connection model, and the field resolvers of connection and edge types. The order
 * of work follows the Relay spec; no upstream request is made for arguments that are invalid.
 * `Repository.tags` and `Namespace.repositories` are two uses of it.
 */

export const PAGE_LIMITS = { defaultFirst: 20, maxPageSize: 100 };

/** SWR's `order_type` for a GraphQL `OrderDirection`. */
export const ORDER_TYPES = { ASC: 'asc', DESC: 'desc' } as const;

/** The Relay arguments every connection field takes. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** One list, as a connection field asks for it. */
export interface ListQuery<L, T> {
  /** The list as its window loader knows it. */
  list: L;
  /** The list's cursor scope (see `cursorScope`): every filter and order that shapes it. */
  scope: string;
  /** The request's window loader for this kind of list. */
  loader: (loaders: Loaders) => WindowLoader<L, T>;
  /** What the list belongs to, for error messages: `the repository library/nginx`. */
  subject: string;
}

/** Validates the counts and decodes the cursors (spec: the arguments, before any work). */
function windowRequest(args: ConnectionArgs, scope: string): WindowRequest {
  try {
    return {
      ...validateCounts(args.first, args.last, PAGE_LIMITS),
      after: args.after == null ? null : decodeCursor(args.after, scope, 'after'),
      before: args.before == null ? null : decodeCursor(args.before, scope, 'before'),
    };
  } catch (error) {
    if (error instanceof PageSizeError || error instanceof CursorError) {
      throw badUserInput(error.message, error.argument);
    }
    throw error;
  }
}

/** The part of `range` that a loaded window holds (a window may reach past the list's end). */
function heldRange(range: Range, loadedLength: number): Range {
  return { start: range.start, end: range.start + loadedLength };
}

/** Reads the connection's window: one load when its position is known, two when it is not. */
async function loadWindow<L, T>(
  loader: WindowLoader<L, T>,
  list: L,
  request: WindowRequest,
): Promise<{ window: Range; items: T[]; total: number }> {
  // A window counted from the end of the list needs the list's length first: the first page of
  // the list tells it (and holds the window whenever the list is that short).
  const toFetch = rangeToFetch(request) ?? { start: 0, end: Math.max(request.last ?? 0, 1) };
  // An empty range still has to be read: pageInfo and totalCount need the list's length.
  const range =
    toFetch.end > toFetch.start ? toFetch : { start: toFetch.start, end: toFetch.start + 1 };
  let loadedRange = range;
  let loaded = await loader.load({ list, range });
  const window = edgesToReturn(request, loaded.total);
  if (!contains(heldRange(loadedRange, loaded.items.length), window) && window.end > window.start) {
    loadedRange = window;
    loaded = await loader.load({ list, range: window, preferSingleRequest: true });
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

/** Resolves a connection field over one list. */
export async function resolveConnection<L, T>(
  args: ConnectionArgs,
  query: ListQuery<L, T>,
  context: GatewayContext,
): Promise<ConnectionModel<T>> {
  const request = windowRequest(args, query.scope);
  if (!context.loaders) throw missingToken();
  try {
    const loaded = await loadWindow(query.loader(context.loaders), query.list, request);
    return { scope: query.scope, ...loaded };
  } catch (error) {
    throw toGraphQLError(error, query.subject);
  }
}

/** The field resolvers of a connection type, given how one of its items becomes a node. */
export function connectionFields<P extends ConnectionModel<T>, T, N>(
  toNode: (item: T, connection: P) => N,
) {
  return {
    edges: (connection: P): EdgeModel<N>[] =>
      connection.items.map((item, index) => ({
        node: toNode(item, connection),
        offset: connection.window.start + index,
        scope: connection.scope,
      })),
    nodes: (connection: P): N[] => connection.items.map((item) => toNode(item, connection)),
    pageInfo: ({ window, total, scope, items }: P) => ({
      ...pageInfoFlags(window, total),
      startCursor: items.length > 0 ? encodeCursor(scope, window.start) : null,
      endCursor: items.length > 0 ? encodeCursor(scope, window.end - 1) : null,
    }),
    totalCount: ({ total }: P): number => total,
  };
}

/** The field resolvers of an edge type. */
export const edgeFields = {
  cursor: ({ scope, offset }: EdgeModel<unknown>): string => encodeCursor(scope, offset),
};

import { badUserInput } from './errors';
import type { GatewayContext } from './context';
import type { Loaders } from '../loaders/request-loaders';
import type { WindowLoader } from '../loaders/list-windows';
import type { Anchor, AnchorOrder } from '../pagination/anchor';
import { CursorError, decodeCursor, encodeCursor, type DecodedCursor } from '../pagination/cursor';
import type { ReadRange } from '../pagination/list-reads';
import { CursorMovedError, type AnchoredRequest } from '../pagination/reanchor';
import { readWindow } from '../pagination/read-window';
import { PageSizeError, pageInfoFlags, validateCounts } from '../pagination/window';
import type { ConnectionModel, EdgeModel } from './models';
import { withUpstream } from './upstream';

/**
 * Connections, the same for every list, wired: connection arguments → a window request
 * (pagination/window.ts) → the window read through the list's window loader
 * (pagination/read-window.ts) → a connection model, and the field resolvers of connection and
 * edge types. No upstream request is made for arguments that are invalid. `Repository.tags` and
 * `Namespace.repositories` are two uses of it.
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

/**
 * How a list's cursors name their edges, so that they survive pushes and deletions (see
 * `pagination/anchor.ts`). A list without it pages by offset alone.
 */
export interface Anchoring<T> {
  order: AnchorOrder<T>;
  /** The key a cursor carries for an item: what identifies it and its sort key. */
  keyOf: (item: T) => string;
  /** The anchor a cursor's key names, or null for a key this list never issues. */
  anchorOf: (key: string, offset: number) => Anchor | null;
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
  anchoring?: Anchoring<T>;
  reversed?: Reversal<L, T>;
  /**
   * Where a cursor's edge is now, for a list that can tell without searching (one sorted in
   * memory): its offset, or for an edge that is gone the offset of the first edge after it.
   */
  place?: (anchor: Anchor, loaders: Loaders) => Promise<number>;
}

/** The same list in the opposite order, for `last` alone (see `ReversedList`). */
export interface Reversal<L, T> {
  list: L;
  /** Whether these first rows of the reversed list are exactly the list's last rows, reversed. */
  isExact: (rows: readonly T[], count: number) => boolean;
}

function anchorOf<T>(
  cursor: DecodedCursor,
  anchoring: Anchoring<T> | undefined,
  argument: string,
): Anchor | null {
  if (!anchoring) return null;
  const anchor = cursor.key === null ? null : anchoring.anchorOf(cursor.key, cursor.offset);
  if (!anchor) throw new CursorError(argument, 'not a cursor of this API');
  return anchor;
}

/** Validates the counts and decodes the cursors (spec: the arguments, before any work). */
function decodeArgs<T>(args: ConnectionArgs, query: ListQuery<unknown, T>): AnchoredRequest {
  try {
    const after = args.after == null ? null : decodeCursor(args.after, query.scope, 'after');
    const before = args.before == null ? null : decodeCursor(args.before, query.scope, 'before');
    return {
      request: {
        ...validateCounts(args.first, args.last, PAGE_LIMITS),
        after: after?.offset ?? null,
        before: before?.offset ?? null,
      },
      after: after && anchorOf(after, query.anchoring, 'after'),
      before: before && anchorOf(before, query.anchoring, 'before'),
    };
  } catch (error) {
    if (error instanceof PageSizeError || error instanceof CursorError) {
      throw badUserInput(error.message, error.argument);
    }
    throw error;
  }
}

/** The request with each cursor's offset where its edge is now. */
async function placed(
  decoded: AnchoredRequest,
  place: (anchor: Anchor) => Promise<number>,
): Promise<AnchoredRequest> {
  const at = async (anchor: Anchor | null) => anchor && { ...anchor, offset: await place(anchor) };
  const [after, before] = await Promise.all([at(decoded.after), at(decoded.before)]);
  return {
    request: {
      ...decoded.request,
      after: after?.offset ?? decoded.request.after,
      before: before?.offset ?? decoded.request.before,
    },
    after,
    before,
  };
}

/** Resolves a connection field over one list. */
export async function resolveConnection<L, T>(
  args: ConnectionArgs,
  query: ListQuery<L, T>,
  context: GatewayContext,
): Promise<ConnectionModel<T>> {
  const decoded = decodeArgs(args, query);
  return withUpstream(context, query.subject, async (loaders) => {
    const loader = query.loader(loaders);
    const reader =
      (list: L): ReadRange<T> =>
      (range, preferSingleRequest) =>
        loader.load({ list, range, ...(preferSingleRequest && { preferSingleRequest }) });
    const { anchoring, reversed, place } = query;
    const request = place ? await placed(decoded, (anchor) => place(anchor, loaders)) : decoded;
    try {
      const loaded = await readWindow(
        {
          read: reader(query.list),
          order: anchoring?.order,
          reversed: reversed && { read: reader(reversed.list), isExact: reversed.isExact },
        },
        request,
      );
      return { scope: query.scope, keyOf: anchoring?.keyOf, ...loaded };
    } catch (error) {
      if (error instanceof CursorMovedError) throw badUserInput(error.message, error.argument);
      throw error;
    }
  });
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
        key: connection.keyOf?.(item),
      })),
    nodes: (connection: P): N[] => connection.items.map((item) => toNode(item, connection)),
    pageInfo: ({ window, total, scope, items, keyOf }: P) => {
      const first = items[0];
      const last = items[items.length - 1];
      return {
        ...pageInfoFlags(window, total),
        startCursor: first === undefined ? null : encodeCursor(scope, window.start, keyOf?.(first)),
        endCursor: last === undefined ? null : encodeCursor(scope, window.end - 1, keyOf?.(last)),
      };
    },
    totalCount: ({ total }: P): number => total,
  };
}

/** The field resolvers of an edge type. */
export const edgeFields = {
  cursor: ({ scope, offset, key }: EdgeModel<unknown>): string => encodeCursor(scope, offset, key),
};

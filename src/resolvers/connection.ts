import { badUserInput, missingToken, toGraphQLError } from '../graphql/errors';
import type { GatewayContext, Loaders } from '../graphql/context';
import type { WindowLoader } from '../loaders/list-windows';
import {
  locateAnchor,
  type Anchor,
  type AnchorOrder,
  type AnchorPlace,
} from '../pagination/anchor';
import { CursorError, decodeCursor, encodeCursor, type DecodedCursor } from '../pagination/cursor';
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
}

/**
 * The same list in the opposite order, for reading the end of a list of unknown length in one
 * request: the first rows of the reversed list are the last rows of the list, as long as their
 * order is fully determined by the sort key (no two of them, nor the next one, share it).
 */
export interface Reversal<L, T> {
  list: L;
  /** Whether these first rows of the reversed list are exactly the list's last rows, reversed. */
  isExact: (rows: readonly T[], count: number) => boolean;
}

/** The connection's arguments, decoded: the window by offsets, and the cursors' anchors. */
interface DecodedArgs {
  request: WindowRequest;
  after: Anchor | null;
  before: Anchor | null;
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
function decodeArgs<T>(args: ConnectionArgs, query: ListQuery<unknown, T>): DecodedArgs {
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

/** Rows of the list read from `start` on, and the list's length then. */
interface Held<T> {
  start: number;
  items: T[];
  total: number;
}

/**
 * The most rows read in search of an anchor that moved further than a page: a few upstream
 * requests, however far from its edge a cursor's offset is.
 */
const MAX_ANCHOR_SEARCH_ROWS = 2_000;

/** And the most reads: a list that changes during the search may make a read find nothing. */
const MAX_ANCHOR_SEARCH_READS = 12;

/**
 * One connection's reads of its list: every window it reads is kept, so that a later step
 * takes its rows from an earlier read whenever one holds them, instead of asking again.
 */
class ListReader<L, T> {
  private readonly held: Held<T>[] = [];

  constructor(
    readonly loader: WindowLoader<L, T>,
    private readonly list: L,
  ) {}

  async read(range: Range, preferSingleRequest = false): Promise<Held<T>> {
    // An empty range still has to be read: pageInfo and totalCount need the list's length.
    const nonEmpty = range.end > range.start ? range : { start: range.start, end: range.start + 1 };
    const loaded = await this.loader.load({
      list: this.list,
      range: nonEmpty,
      ...(preferSingleRequest && { preferSingleRequest }),
    });
    const held = { start: nonEmpty.start, items: loaded.items, total: loaded.total };
    this.held.push(held);
    return held;
  }

  /** The rows of `range` from a read that holds them all, or null. */
  slice(range: Range): T[] | null {
    for (const { start, items } of this.held) {
      if (contains({ start, end: start + items.length }, range)) {
        return items.slice(range.start - start, range.end - start);
      }
    }
    return null;
  }
}

/** The part of `range` within a list of `total` rows (empty, at its end, when none is). */
function within(range: Range, total: number): Range {
  const end = Math.max(0, Math.min(range.end, total));
  return { start: Math.max(0, Math.min(range.start, end)), end };
}

/**
 * Where an anchor is now: its offset when its row is still there, else where its sort key
 * places it (`gone`). The rows within a page of its old offset are read first, together with
 * the page that would follow (`after`) or precede (`before`) it from there, so that a shift of
 * up to a page costs this one read; an anchor that moved further is searched in reads of
 * doubling width, within the list, up to MAX_ANCHOR_SEARCH_ROWS rows in all; beyond them, the
 * cursor is refused.
 */
async function relocate<L, T>(
  reader: ListReader<L, T>,
  anchor: Anchor,
  order: AnchorOrder<T>,
  pageSize: number,
  side: 'after' | 'before',
  total: number,
): Promise<AnchorPlace> {
  const [below, above] = side === 'after' ? [pageSize, 2 * pageSize] : [2 * pageSize, pageSize];
  // The first read: around the anchor's offset, or around the list's end when the offset is
  // past it (a list that shrank, or a made-up offset).
  const around = (length: number): Range => {
    const offset = Math.min(anchor.offset, Math.max(0, length - 1));
    return within({ start: offset - below, end: offset + 1 + above }, length);
  };
  let range = around(total);
  let budget = MAX_ANCHOR_SEARCH_ROWS;
  // Each read overlaps the one before by a row, so a read of one row would learn nothing.
  for (let read = 0; read < MAX_ANCHOR_SEARCH_READS && budget > 1; read++) {
    // The reader reads a row even of an empty range: the list's length is in every answer.
    const span = Math.max(1, range.end - range.start);
    budget -= span;
    const held = await reader.read(range, true);
    const place = locateAnchor(held.items, held.start, held.total, anchor, order);
    if (place.kind !== 'unknown') return place;
    if (range.start >= held.total) {
      // The list shrank below the search: it starts again around the list's new end.
      range = around(held.total);
      continue;
    }
    const width = Math.max(1, Math.min(2 * span, budget));
    range = within(
      place.side === 'before'
        ? { start: range.start - width, end: range.start + 1 }
        : { start: range.start + span - 1, end: range.start + span - 1 + width },
      held.total,
    );
  }
  throw badUserInput(
    `The edge of the cursor in \`${side}\` moved too far since the cursor was issued: read the list again from its start.`,
    side,
  );
}

/**
 * The window by current offsets: a cursor whose edge is no longer at its offset is moved to
 * where the edge is now (after it), or to where the edge's sort key places it (gone).
 */
async function reanchor<L, T>(
  reader: ListReader<L, T>,
  first: Held<T>,
  args: DecodedArgs,
  order: AnchorOrder<T>,
): Promise<WindowRequest> {
  const pageSize = Math.max(1, args.request.first ?? args.request.last ?? PAGE_LIMITS.defaultFirst);
  const moved = async (
    anchor: Anchor | null,
    side: 'after' | 'before',
  ): Promise<AnchorPlace | null> => {
    if (!anchor) return null;
    const row = first.items[anchor.offset - first.start];
    if (row !== undefined && order.compare(row, anchor) === 0) return null;
    return relocate(reader, anchor, order, pageSize, side, first.total);
  };
  const after = await moved(args.after, 'after');
  const before = await moved(args.before, 'before');
  const request = { ...args.request };
  // `after` a gone edge: the window starts at the first row that sorts after it.
  if (after?.kind === 'found') request.after = after.index;
  if (after?.kind === 'gone') request.after = after.index - 1;
  if (before?.kind === 'found' || before?.kind === 'gone') request.before = before.index;
  return request;
}

/** `last` alone: a window counted from the end of a list whose length is not known yet. */
function isTail(request: WindowRequest): request is WindowRequest & { last: number } {
  return (
    request.last !== null &&
    request.first === null &&
    request.after === null &&
    request.before === null
  );
}

/**
 * The last `count` rows in one request, as the first rows of the reversed list (which tells the
 * length too); when their order is not determined by the sort key, the rows by their offsets
 * (known now) in a second one.
 */
async function readTail<L, T>(
  reader: ListReader<L, T>,
  reversed: Reversal<L, T>,
  count: number,
): Promise<{ window: Range; items: T[]; total: number }> {
  const { loader } = reader;
  const head = await new ListReader(loader, reversed.list).read({ start: 0, end: count + 1 });
  const length = Math.min(count, head.total);
  const window = { start: head.total - length, end: head.total };
  if (reversed.isExact(head.items, length)) {
    return { window, items: head.items.slice(0, length).reverse(), total: head.total };
  }
  if (length === 0) return { window, items: [], total: head.total };
  const held = await reader.read(window, true);
  const items = held.items.slice(0, length);
  return {
    window: { start: window.start, end: window.start + items.length },
    items,
    total: held.total,
  };
}

/** Reads the connection's window: one read when its position is known, two when it is not. */
async function loadWindow<L, T>(
  reader: ListReader<L, T>,
  args: DecodedArgs,
  query: ListQuery<L, T>,
): Promise<{ window: Range; items: T[]; total: number }> {
  let { request } = args;
  const { anchoring, reversed } = query;
  if (reversed && isTail(request)) return readTail(reader, reversed, request.last);
  // A window counted from the end of the list needs the list's length first: the first page of
  // the list tells it (and holds the window whenever the list is that short).
  const range = rangeToFetch(request) ?? { start: 0, end: Math.max(request.last ?? 0, 1) };
  // The rows the cursors name are read too, to check that their edges have not moved.
  if (args.after) range.start = Math.min(range.start, args.after.offset);
  if (args.before) range.end = Math.max(range.end, args.before.offset + 1);
  let held = await reader.read(range);
  if (anchoring && (args.after || args.before)) {
    request = await reanchor(reader, held, args, anchoring.order);
  }
  const window = edgesToReturn(request, held.total);
  let items = reader.slice(window);
  if (items === null) {
    held = await reader.read(window, true);
    items = held.items.slice(0, window.end - window.start);
  }
  // The list may have changed between two reads; the window then ends where the list does.
  return {
    window: { start: window.start, end: window.start + items.length },
    items,
    total: held.total,
  };
}

/** Resolves a connection field over one list. */
export async function resolveConnection<L, T>(
  args: ConnectionArgs,
  query: ListQuery<L, T>,
  context: GatewayContext,
): Promise<ConnectionModel<T>> {
  const decoded = decodeArgs(args, query);
  if (!context.loaders) throw missingToken();
  try {
    const reader = new ListReader(query.loader(context.loaders), query.list);
    const loaded = await loadWindow(reader, decoded, query);
    return { scope: query.scope, keyOf: query.anchoring?.keyOf, ...loaded };
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

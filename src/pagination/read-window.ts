import type { AnchorOrder } from './anchor';
import { ListReads, type ReadRange } from './list-reads';
import { MAX_UPSTREAM_LIMIT } from './plan';
import { reanchor, type AnchoredRequest } from './reanchor';
import { edgesToReturn, rangeToFetch, type Range, type WindowRequest } from './window';

/**
 * Reading a connection's window, the order of reads in one place: a window whose position is
 * known takes one read; a cursor whose edge moved, or `last` counted from an end the order does
 * not fix, takes more. The reads are injected (see list-reads.ts).
 */

/** The list a connection reads, as far as reading its window goes. */
export interface ListAccess<T> {
  read: ReadRange<T>;
  /** How to find a cursor's edge again; without it, a cursor is an offset alone. */
  order?: AnchorOrder<T> | undefined;
  /** The same list in the opposite order, for `last` alone (see `readTail`). */
  reversed?: ReversedList<T> | undefined;
}

/**
 * The same list in the opposite order, for reading the end of a list of unknown length in one
 * read: the first rows of the reversed list are the last rows of the list, as long as their
 * order is fully determined by the sort key (no two of them, nor the next one, share it).
 */
export interface ReversedList<T> {
  read: ReadRange<T>;
  /** Whether these first rows of the reversed list are exactly the list's last rows, reversed. */
  isExact: (rows: readonly T[], count: number) => boolean;
}

/** A window of the list: its position, its rows, and the list's length. */
export interface ReadWindow<T> {
  window: Range;
  items: T[];
  total: number;
}

/** `last` alone: a window counted from the end of a list whose length is not known yet. */
export function isTail(request: WindowRequest): request is WindowRequest & { last: number } {
  return (
    request.last !== null &&
    request.first === null &&
    request.after === null &&
    request.before === null
  );
}

/**
 * The last `count` rows in one read, as the first rows of the reversed list (which tells the
 * length too); when their order is not determined by the sort key, the rows by their offsets
 * (known now) in a second one.
 */
export async function readTail<T>(
  reads: ListReads<T>,
  reversed: ReversedList<T>,
  count: number,
): Promise<ReadWindow<T>> {
  const head = await new ListReads(reversed.read).read({ start: 0, end: count + 1 });
  const length = Math.min(count, head.total);
  const window = { start: head.total - length, end: head.total };
  if (reversed.isExact(head.items, length)) {
    return { window, items: head.items.slice(0, length).reverse(), total: head.total };
  }
  if (length === 0) return { window, items: [], total: head.total };
  const held = await reads.read(window, true);
  const items = held.items.slice(0, length);
  return {
    window: { start: window.start, end: window.start + items.length },
    items,
    total: held.total,
  };
}

/**
 * The first read of a window: the range that holds it whatever the list's length, with the rows
 * the cursors name, to check that their edges have not moved. A window counted from the end of
 * the list needs the length first, which a read from where the window may start tells (and holds
 * the window whenever the list ends soon after). A `before` row so far beyond the window that
 * reading up to it would take more than SWR's largest page is left to the search, which reads
 * around it (one more request, where reading up to it would take many).
 */
export function firstRead(args: AnchoredRequest): Range {
  const { request } = args;
  const start = request.after === null ? 0 : request.after + 1;
  const range = rangeToFetch(request) ?? { start, end: start + Math.max(request.last ?? 0, 1) };
  if (args.after) range.start = Math.min(range.start, args.after.offset);
  const end = args.before ? args.before.offset + 1 : range.end;
  if (end - range.start <= MAX_UPSTREAM_LIMIT) range.end = Math.max(range.end, end);
  return range;
}

/** Reads the connection's window: one read when its position is known, more when it is not. */
export async function readWindow<T>(
  list: ListAccess<T>,
  args: AnchoredRequest,
): Promise<ReadWindow<T>> {
  const reads = new ListReads(list.read);
  let { request } = args;
  if (list.reversed && isTail(request)) return readTail(reads, list.reversed, request.last);
  let held = await reads.read(firstRead(args));
  if (list.order && (args.after || args.before)) {
    request = await reanchor(reads, held, args, list.order);
  }
  const window = edgesToReturn(request, held.total);
  let items = reads.slice(window);
  if (items === null) {
    held = await reads.read(window, true);
    items = held.items.slice(0, window.end - window.start);
  }
  // The list may have changed between two reads; the window then ends where the list does.
  return {
    window: { start: window.start, end: window.start + items.length },
    items,
    total: held.total,
  };
}

import { locateAnchor, type Anchor, type AnchorOrder, type AnchorPlace } from './anchor';
import type { Held, ListReads } from './list-reads';
import type { Range, WindowRequest } from './window';

/**
 * The search for a cursor's edge that is no longer at its offset (see anchor.ts for how one read
 * is judged), and the window by current offsets once the edges are found. Reads go through the
 * connection's `ListReads`, so that the search is pure logic over whatever reads the rows.
 */

/** The window's request by offsets, and what the cursors remember of their edges. */
export interface AnchoredRequest {
  request: WindowRequest;
  after: Anchor | null;
  before: Anchor | null;
}

/**
 * The most rows read in search of an anchor that moved further than a page: a few upstream
 * requests, however far from its edge a cursor's offset is.
 */
export const MAX_ANCHOR_SEARCH_ROWS = 2_000;

/** And the most reads: a list that changes during the search may make a read find nothing. */
export const MAX_ANCHOR_SEARCH_READS = 12;

/** A cursor whose edge is further from its offset than the search reads. */
export class CursorMovedError extends Error {
  constructor(readonly argument: 'after' | 'before') {
    super(
      `The edge of the cursor in \`${argument}\` moved too far since the cursor was issued: read the list again from its start.`,
    );
    this.name = 'CursorMovedError';
  }
}

/** The part of `range` within a list of `total` rows (empty, at its end, when none is). */
export function within(range: Range, total: number): Range {
  const end = Math.max(0, Math.min(range.end, total));
  return { start: Math.max(0, Math.min(range.start, end)), end };
}

/**
 * Where an anchor is now: its offset when its row is still there, else where its sort key
 * places it (`gone`). The rows within a page of its old offset are read first, together with
 * the page that would follow (`after`) or precede (`before`) it from there, so that a shift of
 * up to a page costs this one read; an anchor that moved further is searched in reads of
 * doubling width, within the list, up to MAX_ANCHOR_SEARCH_ROWS rows in all; beyond them, the
 * cursor is refused with a CursorMovedError.
 */
export async function relocate<T>(
  reads: ListReads<T>,
  anchor: Anchor,
  order: AnchorOrder<T>,
  pageSize: number,
  side: 'after' | 'before',
  total: number,
): Promise<Exclude<AnchorPlace, { kind: 'unknown' }>> {
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
    // A read reads a row even of an empty range: the list's length is in every answer.
    const span = Math.max(1, range.end - range.start);
    budget -= span;
    const held = await reads.read(range, true);
    const place = locateAnchor(held.items, held.start, held.total, anchor, order);
    if (place.kind !== 'unknown') return place;
    if (range.start >= held.total) {
      // The list shrank below the search: it starts again around the list's new end.
      range = around(held.total);
      continue;
    }
    // The next read, `width` rows from this read's first (or last) row on, outward.
    const width = Math.max(1, Math.min(2 * span, budget));
    range = within(
      place.side === 'before'
        ? { start: range.start + 1 - width, end: range.start + 1 }
        : { start: range.start + span - 1, end: range.start + span - 1 + width },
      held.total,
    );
  }
  throw new CursorMovedError(side);
}

/**
 * The window by current offsets, given the first read of the list: a cursor whose edge is no
 * longer at its offset is moved to where the edge is now (after it), or to where the edge's sort
 * key places it (gone).
 */
export async function reanchor<T>(
  reads: ListReads<T>,
  first: Held<T>,
  args: AnchoredRequest,
  order: AnchorOrder<T>,
): Promise<WindowRequest> {
  const pageSize = Math.max(1, args.request.first ?? args.request.last ?? 1);
  const moved = async (
    anchor: Anchor | null,
    side: 'after' | 'before',
  ): Promise<AnchorPlace | null> => {
    if (!anchor) return null;
    const row = first.items[anchor.offset - first.start];
    if (row !== undefined && order.compare(row, anchor) === 0) return null;
    return relocate(reads, anchor, order, pageSize, side, first.total);
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

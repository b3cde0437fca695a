/**
 * Re-anchoring: cursors that survive changes to an offset-paged list.
 *
 * SWR pages only by offset, so a push (a new tag, or an existing one pushed again) shifts every
 * offset after it, and a deletion shifts them back. A cursor therefore names its edge, not only
 * its offset: the edge's identity (the tag name) and its sort key (its name, or its update time
 * and name). When the list is read again, the edge is looked for where the cursor says:
 *
 * 1. found at its offset, with the same sort key: nothing before it moved; the window follows
 *    from there;
 * 2. found elsewhere in the rows read, with the same sort key: the window follows from where it
 *    is now;
 * 3. not found (deleted, or pushed again, which gives it a new time and moves it away in the
 *    time order): the window follows from where the edge's old sort key places it among the
 *    rows read, that is just before the first row that sorts after it. Rows whose time equals
 *    the edge's are placed by name, as SWR's order among equal times is not documented.
 *
 * When the rows read cannot tell (the place is at or beyond an end of them), `locateAnchor`
 * says so, and the caller reads further.
 */

/** What a cursor remembers of its edge. */
export interface Anchor {
  /** The edge's offset when the cursor was issued. */
  offset: number;
  /** The edge's identity: the tag name, unique in a repository. */
  name: string;
  /** The edge's update time, for the time order; null for the name order. */
  updated: string | null;
}

/** A list's order, as far as re-anchoring needs it. */
export interface AnchorOrder<T> {
  /**
   * Negative when `row` sorts before the anchor, positive after; zero when it is the anchor's
   * edge unchanged (same name and, in the time order, same time).
   */
  compare(row: T, anchor: Anchor): number;
}

export type AnchorPlace =
  /** The anchor is the row at `index` (an offset into the list). */
  | { kind: 'found'; index: number }
  /** The anchor is gone; rows from `index` on sort after it. */
  | { kind: 'gone'; index: number }
  /** The rows read do not tell: the anchor lies before or after them. */
  | { kind: 'unknown'; side: 'before' | 'after' };

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The time order of tags (`updated`, then name), ascending or descending. */
export function timeOrder<T>(
  nameOf: (row: T) => string,
  updatedOf: (row: T) => string,
  direction: 'asc' | 'desc',
): AnchorOrder<T> {
  const sign = direction === 'asc' ? 1 : -1;
  return {
    compare: (row, anchor) =>
      sign *
      (compareStrings(updatedOf(row), anchor.updated ?? '') ||
        compareStrings(nameOf(row), anchor.name)),
  };
}

/** The name order of tags, ascending or descending. */
export function nameOrder<T>(
  nameOf: (row: T) => string,
  direction: 'asc' | 'desc',
): AnchorOrder<T> {
  const sign = direction === 'asc' ? 1 : -1;
  return { compare: (row, anchor) => sign * compareStrings(nameOf(row), anchor.name) };
}

/**
 * Where the anchor is among `rows`, the rows of the list from offset `start`, in a list of
 * `total` rows. A place at either end of the rows is only known when that end is the list's.
 */
export function locateAnchor<T>(
  rows: readonly T[],
  start: number,
  total: number,
  anchor: Anchor,
  order: AnchorOrder<T>,
): AnchorPlace {
  const expected = rows[anchor.offset - start];
  if (expected !== undefined && order.compare(expected, anchor) === 0) {
    return { kind: 'found', index: anchor.offset };
  }
  const found = rows.findIndex((row) => order.compare(row, anchor) === 0);
  if (found >= 0) return { kind: 'found', index: start + found };
  const after = rows.findIndex((row) => order.compare(row, anchor) > 0);
  const place = after < 0 ? rows.length : after;
  const atStart = place === 0 && start > 0;
  const atEnd = place === rows.length && start + rows.length < total;
  if (atStart) return { kind: 'unknown', side: 'before' };
  if (atEnd) return { kind: 'unknown', side: 'after' };
  return { kind: 'gone', index: start + place };
}

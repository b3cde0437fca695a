import { contains, type Range } from './window';

/**
 * A connection's reads of its list. The reading itself (a window loader, SWR) is injected, so
 * that everything built on these reads is pure logic, testable over a plain array.
 */

/** Rows of the list read from `start` on, and the list's length then. */
export interface Held<T> {
  start: number;
  items: T[];
  total: number;
}

/**
 * Reads the rows of `range` that exist (a range may reach past the end) and the list's length.
 * `preferSingleRequest`: read the range in one request even if that means reading more, for a
 * range whose position was itself learnt from an earlier read (see `PlanOptions`).
 */
export type ReadRange<T> = (
  range: Range,
  preferSingleRequest: boolean,
) => Promise<{ items: T[]; total: number }>;

/**
 * One connection's reads: every read is kept, so that a later step takes its rows from an earlier
 * read whenever one holds them, instead of asking again.
 */
export class ListReads<T> {
  private readonly held: Held<T>[] = [];

  constructor(private readonly readRange: ReadRange<T>) {}

  async read(range: Range, preferSingleRequest = false): Promise<Held<T>> {
    // An empty range still has to be read: pageInfo and totalCount need the list's length.
    const nonEmpty = range.end > range.start ? range : { start: range.start, end: range.start + 1 };
    const loaded = await this.readRange(nonEmpty, preferSingleRequest);
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

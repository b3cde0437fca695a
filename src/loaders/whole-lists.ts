import { MAX_UPSTREAM_LIMIT, type UpstreamPage } from '../pagination/plan';
import { cannotServe } from '../swr/errors';
import type { SwrPage } from '../swr/types';

/**
 * Lists read whole, where SWR cannot page them exactly as asked: an organization's repositories
 * from a server whose `namespace` filter matches fuzzily, a repository's tags in name order from
 * a server without that order. The list is read in SWR's largest pages, in an order every server
 * has, then filtered and sorted here; its aligned pages are slices of the result, so the window
 * loader, its plans and the cursors work on it unchanged. Read once per list and GraphQL request
 * (the list's memo), at most `maxItems` long: a longer list is a coded error, never a guess.
 */

export interface WholeList<T> {
  /** Reads one page of SWR's list, in an order every server has. */
  readPage(page: UpstreamPage): Promise<SwrPage<T>>;
  /** An item's identity: a row read twice (the list changed between pages) counts once. */
  keyOf(item: T): string;
  /** The list as served: SWR's items, filtered and in order. */
  arrange(items: T[]): T[];
  maxItems: number;
  /** What the list is, for the error: `the tags of library/app`. */
  subject: string;
}

const WHOLE = 'whole';

async function readWhole<T>(list: WholeList<T>): Promise<T[]> {
  const rows = new Map<string, T>();
  for (let offset = 0; ; offset += MAX_UPSTREAM_LIMIT) {
    const page = await list.readPage({ offset, limit: MAX_UPSTREAM_LIMIT });
    if (page.total > list.maxItems) {
      throw cannotServe({
        code: 'LIST_TOO_LONG',
        message: `SWR cannot page ${list.subject} exactly, and its ${page.total} rows are more than the ${list.maxItems} the gateway reads to do it itself (SWR_WHOLE_LIST_MAX_ITEMS)`,
      });
    }
    // The row read last is the newest state of it.
    for (const item of page.items) rows.set(list.keyOf(item), item);
    if (page.items.length < MAX_UPSTREAM_LIMIT || offset + MAX_UPSTREAM_LIMIT >= page.total) break;
  }
  return list.arrange([...rows.values()]);
}

/** The list read whole and arranged, once per list and request. */
export function wholeOf<T>(memo: Map<string, unknown>, list: WholeList<T>): Promise<T[]> {
  let whole = memo.get(WHOLE) as Promise<T[]> | undefined;
  if (whole === undefined) {
    whole = readWhole(list);
    memo.set(WHOLE, whole);
  }
  return whole;
}

/** One aligned page of a list read whole: a slice, and the whole list's length as its total. */
export async function pageOfWhole<T>(
  memo: Map<string, unknown>,
  list: WholeList<T>,
  page: UpstreamPage,
): Promise<SwrPage<T>> {
  const items = await wholeOf(memo, list);
  return { items: items.slice(page.offset, page.offset + page.limit), total: items.length };
}

/** Code-unit order, as SWR's and the cursors' string comparisons. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts by `compare` ascending; descending is its exact reverse. */
export function sorted<T>(
  items: T[],
  compare: (a: T, b: T) => number,
  direction: 'asc' | 'desc',
): T[] {
  items.sort(compare);
  return direction === 'asc' ? items : items.reverse();
}

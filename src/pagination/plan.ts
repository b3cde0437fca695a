import type { Range } from './window';

/**
 * Turns a range of the list into SWR pages. SWR accepts a page only when `offset` is a
 * multiple of `limit` and `limit` is at most 1000, so a range such as [25, 45) cannot be asked
 * for as it is: it has to be covered by aligned pages, for example one page {offset 23,
 * limit 23} or two pages {20, 20} + {40, 20}. The planner picks the cheapest cover.
 */

export interface UpstreamPage {
  offset: number;
  limit: number;
}

/** SWR's largest page. */
export const MAX_UPSTREAM_LIMIT = 1000;

/** A single page may read at most this many times the tags the range needs. */
export const MAX_OVERFETCH = 3;

/** The pages of one plan: consecutive, aligned, and together covering the range. */
export type PagePlan = UpstreamPage[];

/**
 * The smallest limit `L` in `[minLimit, maxLimit]` for which one aligned page holds the whole
 * range, that is `floor(start / L) === floor((end - 1) / L)`; or null.
 */
function smallestSinglePageLimit(range: Range, minLimit: number, maxLimit: number): number | null {
  for (let limit = minLimit; limit <= maxLimit; limit++) {
    if (range.start % limit <= limit - (range.end - range.start)) return limit;
  }
  return null;
}

/**
 * The smallest limit `L` in `[ceil(w / 2), w]` for which two consecutive aligned pages hold
 * the range of width `w`. `L = w` always qualifies: a range of `w` items meets at most two
 * blocks of `w`.
 */
function smallestTwoPageLimit(range: Range): number {
  const width = range.end - range.start;
  for (let limit = Math.ceil(width / 2); limit < width; limit++) {
    const first = Math.floor(range.start / limit);
    if (Math.floor((range.end - 1) / limit) <= first + 1) return limit;
  }
  return width;
}

function pagesFrom(range: Range, limit: number): PagePlan {
  const pages: PagePlan = [];
  for (let block = Math.floor(range.start / limit); block * limit < range.end; block++) {
    pages.push({ offset: block * limit, limit });
  }
  return pages;
}

export interface PlanOptions {
  /**
   * Accept a single page of up to SWR's largest limit, beyond `MAX_OVERFETCH` times the range,
   * before splitting it in two. For a range whose position was itself learnt from an upstream
   * request, so that the page stays within two requests.
   */
  preferSingleRequest?: boolean;
}

/**
 * The cheapest cover of a non-empty range by aligned SWR pages:
 * 1. one page, of the smallest limit that holds the range and reads at most `MAX_OVERFETCH`
 *    times its width (nearly always possible);
 * 2. otherwise two consecutive pages of the smallest limit that holds it (at most twice its
 *    width is read);
 * 3. a range wider than SWR's largest page is read in pages of that size.
 */
export function planPages(range: Range, options: PlanOptions = {}): PagePlan {
  const width = range.end - range.start;
  if (width <= 0) return [];
  if (width > MAX_UPSTREAM_LIMIT) return pagesFrom(range, MAX_UPSTREAM_LIMIT);
  const maxSingle = options.preferSingleRequest
    ? MAX_UPSTREAM_LIMIT
    : Math.min(MAX_UPSTREAM_LIMIT, MAX_OVERFETCH * width);
  const single = smallestSinglePageLimit(range, width, maxSingle);
  if (single !== null) return pagesFrom(range, single);
  return pagesFrom(range, smallestTwoPageLimit(range));
}

/** The range of the list a plan reads. */
export function planRange(plan: PagePlan): Range {
  const first = plan[0];
  const last = plan[plan.length - 1];
  if (!first || !last) return { start: 0, end: 0 };
  return { start: first.offset, end: last.offset + last.limit };
}

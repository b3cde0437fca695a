/**
 * The Relay cursor-connection algorithm over an offset-addressed list, in pure functions named
 * after the spec's steps (https://relay.dev/graphql/connections.htm, "Pagination algorithm").
 *
 * Positions are offsets into the whole list; a range is half-open, `[start, end)`. The list's
 * length `total` is known only after an upstream page has answered (from `Content-Range`), so
 * the work is split in two: `rangeToFetch` says which part of the list must be read before the
 * total is known, and `applyCursorsToEdges` + `edgesToReturn` give the exact window once it is.
 */

export interface Range {
  start: number;
  end: number;
}

/** The connection arguments after cursor decoding and count validation. */
export interface WindowRequest {
  /** Offset of the `after` cursor's edge, or null. */
  after: number | null;
  /** Offset of the `before` cursor's edge, or null. */
  before: number | null;
  first: number | null;
  last: number | null;
}

export interface CountLimits {
  /** Page size when neither `first` nor `last` is given. */
  defaultFirst: number;
  /** The largest `first` or `last` accepted. */
  maxPageSize: number;
}

export class PageSizeError extends Error {
  constructor(
    readonly argument: 'first' | 'last',
    limits: CountLimits,
  ) {
    super(`\`${argument}\` must be between 0 and ${limits.maxPageSize}.`);
    this.name = 'PageSizeError';
  }
}

/**
 * Spec: "If first is less than 0, throw an error" (likewise last). We also refuse more than
 * `maxPageSize`, and default to the first `defaultFirst` edges when neither count is given.
 */
export function validateCounts(
  first: number | null | undefined,
  last: number | null | undefined,
  limits: CountLimits,
): { first: number | null; last: number | null } {
  for (const [argument, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value != null && (value < 0 || value > limits.maxPageSize)) {
      throw new PageSizeError(argument, limits);
    }
  }
  if (first == null && last == null) return { first: limits.defaultFirst, last: null };
  return { first: first ?? null, last: last ?? null };
}

/**
 * Spec, ApplyCursorsToEdges: keep the edges after `after` and before `before`. A cursor beyond
 * the end of the list (it shrank since the cursor was issued) clamps to the end.
 */
export function applyCursorsToEdges(request: WindowRequest, total: number): Range {
  const start = request.after === null ? 0 : Math.min(request.after + 1, total);
  const end = request.before === null ? total : Math.min(request.before, total);
  return { start, end: Math.max(start, end) };
}

/**
 * Spec, EdgesToReturn: of the edges left by the cursors, keep the first `first`, then of
 * those the last `last`.
 */
export function edgesToReturn(request: WindowRequest, total: number): Range {
  let { start, end } = applyCursorsToEdges(request, total);
  if (request.first !== null) end = Math.min(end, start + request.first);
  if (request.last !== null) start = Math.max(start, end - request.last);
  return { start, end };
}

/**
 * What must be read before the total is known: a range that contains the window whatever the
 * total turns out to be (as long as the list still reaches the cursors), or `null` when the
 * window is counted from the end of a list of unknown length (`last` without `before` or
 * `first`), which needs the total first.
 */
export function rangeToFetch(request: WindowRequest): Range | null {
  const start = request.after === null ? 0 : request.after + 1;
  let end = request.before ?? Number.POSITIVE_INFINITY;
  if (request.first !== null) end = Math.min(end, start + request.first);
  if (end === Number.POSITIVE_INFINITY) return null;
  // `last` can be applied before the total is known only if the end is not counted from the
  // list's end, that is when `before` bounds it and `first` does not reach past `before`.
  if (request.last !== null && request.before !== null && end === request.before) {
    return { start: Math.max(start, end - request.last), end: Math.max(start, end) };
  }
  return { start, end: Math.max(start, end) };
}

/**
 * Spec, HasPreviousPage / HasNextPage, made exact in both directions: with the total known,
 * whether any edge of the whole list precedes or follows the window.
 */
export function pageInfoFlags(
  window: Range,
  total: number,
): { hasPreviousPage: boolean; hasNextPage: boolean } {
  return { hasPreviousPage: window.start > 0, hasNextPage: window.end < total };
}

/** Whether `inner` lies within `outer`; an empty inner range lies within anything. */
export function contains(outer: Range, inner: Range): boolean {
  return inner.start >= inner.end || (inner.start >= outer.start && inner.end <= outer.end);
}

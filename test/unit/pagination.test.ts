import fc from 'fast-check';
import {
  CursorError,
  MAX_OFFSET,
  cursorScope,
  decodeCursor,
  encodeCursor,
} from '../../src/pagination/cursor';
import {
  MAX_OVERFETCH,
  MAX_UPSTREAM_LIMIT,
  planPages,
  planRange,
  type PagePlan,
} from '../../src/pagination/plan';
import {
  PageSizeError,
  contains,
  edgesToReturn,
  pageInfoFlags,
  rangeToFetch,
  validateCounts,
  type Range,
  type WindowRequest,
} from '../../src/pagination/window';

const RUNS = { numRuns: 5000 };
const LIMITS = { defaultFirst: 20, maxPageSize: 100 };

/** The Relay algorithm applied to a real array: the reference the arithmetic must match. */
function referenceWindow(list: number[], request: WindowRequest): number[] {
  let edges = list;
  if (request.after !== null) edges = edges.filter((index) => index > (request.after ?? 0));
  if (request.before !== null) edges = edges.filter((index) => index < (request.before ?? 0));
  if (request.first !== null) edges = edges.slice(0, request.first);
  if (request.last !== null) edges = edges.slice(Math.max(0, edges.length - request.last));
  return edges;
}

/**
 * The spec's HasPreviousPage and HasNextPage over a real array, with "the server can determine
 * that edges exist beyond the cursor" always true: an edge precedes the page when `after` left
 * it out, or `last` did; it follows the page when it passes `after` and `before` or `first` left
 * it out (with crossed cursors the page sits just after `after`).
 */
function referencePageInfo(
  list: number[],
  request: WindowRequest,
): { hasPreviousPage: boolean; hasNextPage: boolean } {
  const { after, before, first, last } = request;
  const betweenCursors = list.filter(
    (index) => (after === null || index > after) && (before === null || index < before),
  );
  const afterFirst = first === null ? betweenCursors : betweenCursors.slice(0, first);
  return {
    hasPreviousPage:
      (after !== null && list.some((index) => index <= after)) ||
      (last !== null && afterFirst.length > last),
    hasNextPage:
      (before !== null &&
        list.some((index) => index >= before && (after === null || index > after))) ||
      (first !== null && betweenCursors.length > first),
  };
}

const positiveRange = fc
  .record({
    start: fc.integer({ min: 0, max: 5_000_000 }),
    width: fc.integer({ min: 1, max: 100 }),
  })
  .map(({ start, width }): Range => ({ start, end: start + width }));

const anyRange = fc
  .record({ start: fc.integer({ min: 0, max: 100_000 }), width: fc.integer({ min: 1, max: 3000 }) })
  .map(({ start, width }): Range => ({ start, end: start + width }));

function assertSwrRules(plan: PagePlan): void {
  for (const page of plan) {
    expect(page.limit).toBeGreaterThanOrEqual(1);
    expect(page.limit).toBeLessThanOrEqual(MAX_UPSTREAM_LIMIT);
    expect(page.offset % page.limit).toBe(0);
  }
}

function assertCovers(plan: PagePlan, range: Range): void {
  // Consecutive pages, no gaps, and together holding the range.
  plan.forEach((page, index) => {
    const next = plan[index + 1];
    if (next) expect(next.offset).toBe(page.offset + page.limit);
  });
  expect(contains(planRange(plan), range)).toBe(true);
}

describe('planPages: aligned SWR pages for a range', () => {
  it('satisfies SWR rules and covers every window of up to 100 tags in at most two requests', () => {
    fc.assert(
      fc.property(positiveRange, (range) => {
        const plan = planPages(range);
        assertSwrRules(plan);
        assertCovers(plan, range);
        expect(plan.length).toBeGreaterThanOrEqual(1);
        expect(plan.length).toBeLessThanOrEqual(2);
        const fetched = plan.reduce((sum, page) => sum + page.limit, 0);
        expect(fetched).toBeLessThanOrEqual(MAX_OVERFETCH * (range.end - range.start));
      }),
      RUNS,
    );
  });

  it('uses one request whenever one aligned page of at most 3× the width holds the range', () => {
    fc.assert(
      fc.property(positiveRange, (range) => {
        const width = range.end - range.start;
        let fits = false;
        for (let limit = width; limit <= Math.min(MAX_OVERFETCH * width, 1000); limit++) {
          if (Math.floor(range.start / limit) === Math.floor((range.end - 1) / limit)) fits = true;
        }
        expect(planPages(range).length === 1).toBe(fits);
      }),
      RUNS,
    );
  });

  it('picks the smallest single page that holds the range', () => {
    fc.assert(
      fc.property(positiveRange, (range) => {
        const plan = planPages(range);
        const [page] = plan;
        if (plan.length !== 1 || !page) return;
        for (let limit = range.end - range.start; limit < page.limit; limit++) {
          expect(Math.floor(range.start / limit)).not.toBe(Math.floor((range.end - 1) / limit));
        }
      }),
      RUNS,
    );
  });

  it('covers wider ranges (merged windows) in pages SWR accepts', () => {
    fc.assert(
      fc.property(anyRange, fc.boolean(), (range, preferSingleRequest) => {
        const plan = planPages(range, { preferSingleRequest });
        assertSwrRules(plan);
        assertCovers(plan, range);
        if (range.end - range.start <= MAX_UPSTREAM_LIMIT) {
          expect(plan.length).toBeLessThanOrEqual(2);
        }
      }),
      RUNS,
    );
  });

  it('prefers one request, up to SWR’s largest page, when asked to', () => {
    fc.assert(
      fc.property(positiveRange, (range) => {
        const plan = planPages(range, { preferSingleRequest: true });
        const single = Array.from({ length: 1001 - (range.end - range.start) }, (_, i) => i)
          .map((i) => range.end - range.start + i)
          .some((limit) => range.start % limit <= limit - (range.end - range.start));
        if (single) expect(plan).toHaveLength(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('plans known cases: [25, 45) is one page {offset 23, limit 23}', () => {
    expect(planPages({ start: 25, end: 45 })).toEqual([{ offset: 23, limit: 23 }]);
    expect(planPages({ start: 0, end: 20 })).toEqual([{ offset: 0, limit: 20 }]);
    expect(planPages({ start: 2480, end: 2500 })).toEqual([{ offset: 2480, limit: 20 }]);
    expect(planPages({ start: 59, end: 61 })).toHaveLength(2);
    expect(planPages({ start: 10, end: 10 })).toEqual([]);
  });
});

const offset = fc.option(fc.integer({ min: 0, max: 300 }), { nil: null });
const count = fc.option(fc.integer({ min: 0, max: 100 }), { nil: null });
/** Requests as `validateCounts` leaves them: at least one of `first` and `last`. */
const windowRequest = fc
  .record<WindowRequest>({ after: offset, before: offset, first: count, last: count })
  .filter((request) => request.first !== null || request.last !== null);

describe('the Relay window over an offset list', () => {
  it('edgesToReturn equals the spec algorithm applied to the list itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 250 }), windowRequest, (total, request) => {
        const list = Array.from({ length: total }, (_, index) => index);
        const expected = referenceWindow(list, request);
        const window = edgesToReturn(request, total);
        expect(list.slice(window.start, window.end)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('pageInfo is exact: previous/next edges exist exactly when the flags say so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 250 }), windowRequest, (total, request) => {
        const list = Array.from({ length: total }, (_, index) => index);
        const flags = pageInfoFlags(edgesToReturn(request, total), total);
        expect(flags).toEqual(referencePageInfo(list, request));
      }),
      RUNS,
    );
  });

  it('rangeToFetch holds the window whenever the list still reaches the cursors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), windowRequest, (total, request) => {
        const range = rangeToFetch(request);
        const window = edgesToReturn(request, total);
        const reachesCursors =
          (request.after === null || request.after < total) &&
          (request.before === null || request.before <= total);
        if (range === null) {
          // Only a window counted from the end of a list of unknown length needs the total.
          expect(request.last).not.toBeNull();
          expect(request.before).toBeNull();
          expect(request.first).toBeNull();
        } else if (reachesCursors) {
          const held = { start: range.start, end: Math.min(range.end, total) };
          expect(contains(held, window)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('validateCounts defaults to the first 20 and refuses counts outside 0..100', () => {
    expect(validateCounts(undefined, undefined, LIMITS)).toEqual({ first: 20, last: null });
    expect(validateCounts(null, 5, LIMITS)).toEqual({ first: null, last: 5 });
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (value) => {
        const valid = value >= 0 && value <= 100;
        for (const call of [
          () => validateCounts(value, null, LIMITS),
          () => validateCounts(null, value, LIMITS),
        ]) {
          if (valid) expect(call).not.toThrow();
          else expect(call).toThrow(PageSizeError);
        }
      }),
    );
  });
});

describe('cursors', () => {
  const scopeParts = fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 5 });

  it('round-trip every offset and edge key within their scope', () => {
    const edgeKey = fc.option(fc.stringMatching(/^[\x21-\x7e]{1,300}$/), { nil: undefined });
    fc.assert(
      fc.property(scopeParts, fc.nat(MAX_OFFSET), edgeKey, (parts, position, key) => {
        const scope = cursorScope(parts);
        expect(decodeCursor(encodeCursor(scope, position, key), scope, 'after')).toEqual({
          offset: position,
          key: key ?? null,
        });
      }),
      RUNS,
    );
  });

  it('round-trip every offset within their scope', () => {
    fc.assert(
      fc.property(scopeParts, fc.integer({ min: 0, max: MAX_OFFSET }), (parts, position) => {
        const scope = cursorScope(parts);
        expect(decodeCursor(encodeCursor(scope, position), scope, 'after')).toEqual({
          offset: position,
          key: null,
        });
      }),
      RUNS,
    );
  });

  it('are refused by another list', () => {
    fc.assert(
      fc.property(scopeParts, scopeParts, fc.nat(10_000), (a, b, position) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        const cursor = encodeCursor(cursorScope(a), position);
        expect(() => decodeCursor(cursor, cursorScope(b), 'after')).toThrow(CursorError);
      }),
      RUNS,
    );
  });

  it('refuse arbitrary strings and out-of-range offsets', () => {
    const scope = cursorScope(['library', 'nginx']);
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!text.startsWith('YzE6'));
        expect(() => decodeCursor(text, scope, 'before')).toThrow(CursorError);
      }),
      RUNS,
    );
    const tooFar = Buffer.from(`c1:${scope}:${MAX_OFFSET + 1}`).toString('base64url');
    expect(() => decodeCursor(tooFar, scope, 'after')).toThrow(/out of range/);
    const negative = Buffer.from(`c1:${scope}:-1`).toString('base64url');
    expect(() => decodeCursor(negative, scope, 'after')).toThrow(CursorError);
  });
});

import fc from 'fast-check';
import { locateAnchor, type Anchor } from '../../src/pagination/anchor';
import { ListReads } from '../../src/pagination/list-reads';
import { MAX_UPSTREAM_LIMIT } from '../../src/pagination/plan';
import {
  CursorMovedError,
  MAX_ANCHOR_SEARCH_READS,
  MAX_ANCHOR_SEARCH_ROWS,
  relocate,
} from '../../src/pagination/reanchor';
import { readTail, readWindow, type ListAccess } from '../../src/pagination/read-window';
import {
  edgesToReturn,
  rangeToFetch,
  type Range,
  type WindowRequest,
} from '../../src/pagination/window';
import { mulberry32 } from '../../src/sandbox/random';
import { orderOf, sorted, time, type Order, type Row } from '../support/rows';

/**
 * The search for a cursor's edge and the reading of a window, over a plain array: what they
 * decide from the rows they read must be what the whole list says.
 */

/** A plain array read as SWR lists are read, counting reads and rows. */
function arrayAccess(rows: readonly Row[]) {
  const reads: Range[] = [];
  const read = (range: Range) => {
    reads.push(range);
    return Promise.resolve({ items: rows.slice(range.start, range.end), total: rows.length });
  };
  return { read, reads };
}

/** A list of `length` rows whose times tie in runs (few `distinct` times) or not at all. */
const arbitraryRows = fc
  .record({
    length: fc.integer({ min: 0, max: 3000 }),
    distinct: fc.integer({ min: 1, max: 4000 }),
    seed: fc.integer(),
  })
  .map(({ length, distinct, seed }) => {
    const random = mulberry32(seed);
    return Array.from({ length }, (_, i): Row => ({
      name: `t${String(i).padStart(4, '0')}`,
      updated: time(Math.floor(random() * distinct)),
    }));
  });

const arbitraryOrder = fc.record<Order>({
  field: fc.constantFrom('time', 'name'),
  direction: fc.constantFrom('asc', 'desc'),
});

/** An anchor of a row of the list, the row then deleted or not, its offset off by `drift`. */
function anchorIn(
  rows: Row[],
  order: Order,
  pick: number,
  drift: number,
  deleted: boolean,
): { list: Row[]; anchor: Anchor } | null {
  const edge = rows[pick % Math.max(1, rows.length)];
  if (!edge) return null;
  const index = rows.indexOf(edge);
  return {
    list: deleted ? rows.filter((row) => row !== edge) : rows,
    anchor: {
      offset: Math.max(0, index + drift),
      name: edge.name,
      updated: order.field === 'time' ? edge.updated : null,
    },
  };
}

describe('relocate: the search for an edge that moved', () => {
  it('finds what the whole list says: in one read within a page, within its budget beyond', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryRows,
        arbitraryOrder,
        fc.nat(),
        fc.integer({ min: -2500, max: 2500 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom<'after' | 'before'>('after', 'before'),
        async (rows, order, pick, drift, deleted, pageSize, side) => {
          const anchored = anchorIn(sorted(rows, order), order, pick, drift, deleted);
          if (!anchored) return;
          const { list, anchor } = anchored;
          const whole = locateAnchor(list, 0, list.length, anchor, orderOf(order));
          const access = arrayAccess(list);
          const reads = new ListReads((range) => access.read(range));
          const found = await relocate(
            reads,
            anchor,
            orderOf(order),
            pageSize,
            side,
            list.length,
          ).catch((error: unknown) => error);
          const readRows = access.reads.reduce((sum, r) => sum + Math.max(1, r.end - r.start), 0);
          expect(access.reads.length).toBeLessThanOrEqual(MAX_ANCHOR_SEARCH_READS);
          expect(readRows).toBeLessThanOrEqual(MAX_ANCHOR_SEARCH_ROWS);
          if (found instanceof CursorMovedError) {
            expect(found.argument).toBe(side);
            // Refused only when the place is further from the offset than half the budget.
            const place = whole.kind === 'unknown' ? anchor.offset : whole.index;
            const offset = Math.min(anchor.offset, Math.max(0, list.length - 1));
            expect(Math.abs(place - offset)).toBeGreaterThan(MAX_ANCHOR_SEARCH_ROWS / 2);
            return;
          }
          expect(found).toEqual(whole);
          // An edge that moved up to a page is found in the first read; the place of a deleted
          // one is known from it when it lies strictly within a page of the offset (at the
          // read's edge, the row beyond tells).
          const within = deleted ? Math.abs(drift) < pageSize : Math.abs(drift) <= pageSize;
          if (within && anchor.offset < list.length) expect(access.reads).toHaveLength(1);
        },
      ),
      { numRuns: 400 },
    );
  });
});

type Edit = { kind: 'push' } | { kind: 'repush'; pick: number } | { kind: 'delete'; pick: number };

const arbitraryEdits = fc.array(
  fc.oneof(
    fc.constant<Edit>({ kind: 'push' }),
    fc.nat().map((pick): Edit => ({ kind: 'repush', pick })),
    fc.nat().map((pick): Edit => ({ kind: 'delete', pick })),
  ),
  { maxLength: 40 },
);

function edited(rows: Row[], edits: readonly Edit[], order: Order): Row[] {
  let list = [...rows];
  let clock = 10_000;
  for (const edit of edits) {
    if (edit.kind === 'push') {
      list.push({ name: `new${clock}`, updated: time(clock++) });
      continue;
    }
    const target = list[edit.pick % Math.max(1, list.length)];
    if (!target) continue;
    list = list.filter((row) => row !== target);
    if (edit.kind === 'repush') list.push({ name: target.name, updated: time(clock++) });
  }
  return sorted(list, order);
}

/** The window by the whole list: the cursor's edge placed as `locateAnchor` says. */
function expectedWindow(
  list: Row[],
  request: WindowRequest,
  anchor: Anchor,
  side: 'after' | 'before',
  order: Order,
): Row[] {
  const place = locateAnchor(list, 0, list.length, anchor, orderOf(order));
  if (place.kind === 'unknown') throw new Error('the whole list always tells');
  const moved = { ...request };
  if (side === 'after') moved.after = place.kind === 'found' ? place.index : place.index - 1;
  else moved.before = place.index;
  const window = edgesToReturn(moved, list.length);
  return list.slice(window.start, window.end);
}

describe('readWindow: a page after or before a cursor, in a list changed since', () => {
  it('serves what the whole list says; when nothing moved, in one read where its place is known', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryRows,
        arbitraryOrder,
        arbitraryEdits,
        fc.nat(),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom<'after' | 'before'>('after', 'before'),
        fc.boolean(),
        async (rows, order, edits, pick, count, side, countFirst) => {
          const initial = sorted(rows, order);
          const edge = initial[pick % Math.max(1, initial.length)];
          if (!edge) return;
          const anchor: Anchor = {
            offset: initial.indexOf(edge),
            name: edge.name,
            updated: order.field === 'time' ? edge.updated : null,
          };
          const list = edited(initial, edits, order);
          const request: WindowRequest = {
            after: side === 'after' ? anchor.offset : null,
            before: side === 'before' ? anchor.offset : null,
            first: countFirst ? count : null,
            last: countFirst ? null : count,
          };
          const access = arrayAccess(list);
          const served = await readWindow(
            { read: access.read, order: orderOf(order) } satisfies ListAccess<Row>,
            {
              request,
              after: side === 'after' ? anchor : null,
              before: side === 'before' ? anchor : null,
            },
          );
          expect(served.total).toBe(list.length);
          expect(served.items).toEqual(list.slice(served.window.start, served.window.end));
          expect(served.items).toEqual(expectedWindow(list, request, anchor, side, order));
          if (edits.length === 0) {
            // `last` after a cursor counts from the end: the list's length comes first.
            const known = rangeToFetch(request) !== null && list.length <= MAX_UPSTREAM_LIMIT;
            expect(access.reads.length).toBeLessThanOrEqual(known ? 1 : 2);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('readTail: `last` alone, from the head of the reversed list', () => {
  it('is the end of the list: one read when the order is fixed, two when times tie', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryRows,
        arbitraryOrder,
        fc.integer({ min: 0, max: 100 }),
        async (rows, order, count) => {
          const list = sorted(rows, order);
          const reversed = [...list].reverse();
          const access = arrayAccess(list);
          const head = arrayAccess(reversed);
          const distinct = (seen: readonly Row[]): boolean =>
            new Set(seen.map((row) => row.updated)).size === seen.length;
          const isExact = (seen: readonly Row[], n: number): boolean =>
            order.field === 'name' || distinct(seen.slice(0, Math.min(seen.length, n + 1)));
          const served = await readTail(
            new ListReads(access.read),
            { read: head.read, isExact },
            count,
          );
          const start = Math.max(0, list.length - count);
          expect(served).toEqual({
            window: { start, end: list.length },
            items: list.slice(start),
            total: list.length,
          });
          const exact = isExact(reversed.slice(0, count + 1), Math.min(count, list.length));
          expect(head.reads).toHaveLength(1);
          expect(access.reads).toHaveLength(exact || start === list.length ? 0 : 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { locateAnchor, type Anchor } from '../../src/pagination/anchor';
import { orderOf, sorted, time, type Order, type Row } from '../support/rows';

type Edit = { kind: 'push' } | { kind: 'repush'; pick: number } | { kind: 'delete'; pick: number };

const arbitraryList = fc
  .uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 0, maxLength: 60 })
  .chain((names) =>
    fc
      .array(fc.integer({ min: 0, max: 20 }), { minLength: names.length, maxLength: names.length })
      .map((steps) =>
        names.map((name, index): Row => ({ name, updated: time(steps[index] ?? 0) })),
      ),
  );

const arbitraryEdits = fc.array(
  fc.array(
    fc.oneof(
      fc.constant<Edit>({ kind: 'push' }),
      fc.nat().map((pick): Edit => ({ kind: 'repush', pick })),
      fc.nat().map((pick): Edit => ({ kind: 'delete', pick })),
    ),
    { maxLength: 4 },
  ),
  { maxLength: 30 },
);

const arbitraryOrder = fc.record<Order>({
  field: fc.constantFrom('time', 'name'),
  direction: fc.constantFrom('asc', 'desc'),
});

/**
 * Pages forward (or backward) with `pageSize` through a list edited between pages, re-anchoring
 * each cursor on the whole current list, and returns what was served and what changed.
 */
function walk(
  initial: Row[],
  editsBetweenPages: Edit[][],
  order: Order,
  pageSize: number,
  backward: boolean,
): { served: Row[][]; changed: Set<string>; deletedBefore: Map<string, number> } {
  const anchorOrder = orderOf(order);
  let rows = sorted(initial, order);
  let clock = 1000;
  const served: Row[][] = [];
  const changed = new Set<string>();
  const deletedBefore = new Map<string, number>();
  let cursor: Anchor | null = null;
  for (let page = 0; page < 200; page++) {
    let start: number;
    let end: number;
    if (cursor === null) {
      start = backward ? Math.max(0, rows.length - pageSize) : 0;
      end = backward ? rows.length : Math.min(rows.length, pageSize);
    } else {
      const place = locateAnchor(rows, 0, rows.length, cursor, anchorOrder);
      if (place.kind === 'unknown') throw new Error('the whole list always tells');
      const at = place.index;
      if (backward) {
        end = at;
        start = Math.max(0, end - pageSize);
      } else {
        start = place.kind === 'found' ? at + 1 : at;
        end = Math.min(rows.length, start + pageSize);
      }
    }
    const pageRows = rows.slice(start, end);
    served.push(pageRows);
    const edge = backward ? pageRows[0] : pageRows[pageRows.length - 1];
    const edgeIndex = backward ? start : end - 1;
    if (!edge || (backward ? start === 0 : end >= rows.length)) break;
    cursor = {
      offset: edgeIndex,
      name: edge.name,
      updated: order.field === 'time' ? edge.updated : null,
    };
    for (const edit of editsBetweenPages[page] ?? []) {
      if (edit.kind === 'push') {
        const name = `new${clock}`;
        rows.push({ name, updated: time(clock++) });
        changed.add(name);
      } else if (rows.length > 0) {
        const target = rows[edit.pick % rows.length];
        if (!target) continue;
        changed.add(target.name);
        rows = rows.filter((row) => row !== target);
        if (edit.kind === 'repush') rows.push({ name: target.name, updated: time(clock++) });
        else deletedBefore.set(target.name, served.length);
      }
    }
    rows = sorted(rows, order);
  }
  return { served, changed, deletedBefore };
}

describe('re-anchoring cursors in a list edited between pages', () => {
  for (const backward of [false, true]) {
    it(`${backward ? 'backward' : 'forward'}: every unchanged row once, in order; nothing deleted after its deletion`, () => {
      fc.assert(
        fc.property(
          arbitraryList,
          arbitraryEdits,
          arbitraryOrder,
          fc.integer({ min: 1, max: 10 }),
          (initial, edits, order, pageSize) => {
            const { served, changed, deletedBefore } = walk(
              initial,
              edits,
              order,
              pageSize,
              backward,
            );
            const pages = backward ? [...served].reverse().map((page) => page) : served;
            const names = pages.flat().map((row) => row.name);
            const unchanged = sorted(initial, order)
              .map((row) => row.name)
              .filter((name) => !changed.has(name));
            expect(names.filter((name) => !changed.has(name))).toEqual(unchanged);
            served.forEach((page, index) => {
              for (const row of page) {
                const deletedAt = deletedBefore.get(row.name);
                if (deletedAt !== undefined) expect(index).toBeLessThan(deletedAt);
              }
            });
          },
        ),
        { numRuns: 2000 },
      );
    });
  }

  it('decides from a window of rows exactly as from the whole list, or says it cannot tell', () => {
    fc.assert(
      fc.property(
        arbitraryList,
        arbitraryOrder,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        (initial, order, pick, drift, from, width, deleted) => {
          const rows = sorted(initial, order);
          fc.pre(rows.length > 0);
          const edge = rows[pick % rows.length];
          if (!edge) return;
          const anchor: Anchor = {
            offset: (pick % rows.length) + (drift % 5) - 2,
            name: edge.name,
            updated: order.field === 'time' ? edge.updated : null,
          };
          const list = deleted ? rows.filter((row) => row !== edge) : rows;
          const anchorOrder = orderOf(order);
          const whole = locateAnchor(list, 0, list.length, anchor, anchorOrder);
          const start = Math.min(from, list.length);
          const part = locateAnchor(
            list.slice(start, start + width),
            start,
            list.length,
            anchor,
            anchorOrder,
          );
          if (part.kind !== 'unknown') expect(part).toEqual(whole);
          expect(whole.kind).toBe(deleted ? 'gone' : 'found');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

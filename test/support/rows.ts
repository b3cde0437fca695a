import { nameOrder, timeOrder, type AnchorOrder } from '../../src/pagination/anchor';

/** Lists of rows as far as ordering goes, for the property tests of re-anchoring. */

/** A tag as far as ordering goes. */
export interface Row {
  name: string;
  updated: string;
}

export type Order = { field: 'time' | 'name'; direction: 'asc' | 'desc' };

export function orderOf(order: Order): AnchorOrder<Row> {
  return order.field === 'time'
    ? timeOrder<Row>(
        (row) => row.name,
        (row) => row.updated,
        order.direction,
      )
    : nameOrder<Row>((row) => row.name, order.direction);
}

/** The list as SWR would list it (equal times ordered by name, as the anchor assumes). */
export function sorted(rows: Row[], order: Order): Row[] {
  const probe = orderOf(order);
  return [...rows].sort((a, b) =>
    probe.compare(a, { offset: 0, name: b.name, updated: b.updated }),
  );
}

export function time(step: number): string {
  return new Date(Date.UTC(2025, 0, 1) + step * 60_000).toISOString().replace('.000', '');
}

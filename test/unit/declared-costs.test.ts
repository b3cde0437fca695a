import fc from 'fast-check';
import type { GraphQLObjectType } from 'graphql';
import { readSchemaCosts } from '../../src/graphql/cost-schema';
import { DEFAULT_LIMITS } from '../../src/graphql/limits';
import { createSubgraphSchema } from '../../src/graphql/schema';
import { planPages } from '../../src/pagination/plan';
import { readWindow, type ListAccess } from '../../src/pagination/read-window';
import type { Range, WindowRequest } from '../../src/pagination/window';
import { PAGE_LIMITS } from '../../src/resolvers/connection';
import { costHints } from '../../src/resolvers/costs';

/**
 * The numbers the schema declares for the connections, checked against what the window reads
 * and the page planner really ask of SWR.
 */

/** The hints for the default limits. */
const COST_HINTS = costHints(DEFAULT_LIMITS);
const schema = createSubgraphSchema();
const costs = readSchemaCosts(schema, COST_HINTS);

function field(type: string, name: string) {
  const found = (schema.getType(type) as GraphQLObjectType).getFields()[name];
  if (!found) throw new Error(`no field ${type}.${name}`);
  return found;
}

/** A list of `length` rows, and the SWR requests its reads took, by the page planner. */
function plannedList(length: number) {
  const rows = Array.from({ length }, (_, i) => i);
  let requests = 0;
  const read = (list: readonly number[]) => (range: Range, preferSingleRequest: boolean) => {
    requests += planPages(range, { preferSingleRequest }).length;
    return Promise.resolve({ items: list.slice(range.start, range.end), total: list.length });
  };
  return { rows, read, requests: () => requests };
}

/** How a list is read: tags re-anchor their cursors and read their end from the reversed list. */
interface Reading {
  anchored: boolean;
  /** Whether the reversed list's head is the list's end exactly; null: no reversed list. */
  exactReversal: boolean | null;
}

/** The requests of one window of an unchanged list. */
async function windowRequests(
  length: number,
  request: WindowRequest,
  reading: Reading,
): Promise<number> {
  const list = plannedList(length);
  const { exactReversal } = reading;
  const access: ListAccess<number> = {
    read: list.read(list.rows),
    ...(reading.anchored && { order: { compare: (row, anchor) => row - anchor.offset } }),
    ...(exactReversal !== null && {
      reversed: { read: list.read([...list.rows].reverse()), isExact: () => exactReversal },
    }),
  };
  const anchor = (offset: number | null) =>
    offset === null ? null : { offset, name: `${offset}`, updated: null };
  await readWindow(access, {
    request,
    after: anchor(request.after),
    before: anchor(request.before),
  });
  return list.requests();
}

const paging = fc
  .record({
    length: fc.integer({ min: 0, max: 5000 }),
    count: fc.integer({ min: 0, max: PAGE_LIMITS.maxPageSize }),
    position: fc.nat(),
    forward: fc.boolean(),
  })
  .map(({ length, count, position, forward }): [number, WindowRequest] => {
    const offset = length === 0 ? null : position % length;
    return [
      length,
      forward
        ? { first: count, after: offset, last: null, before: null }
        : { first: null, after: null, last: count, before: offset },
    ];
  });

describe.each([
  // The worst case of each: the tags' last rows whose order the sort key does not fix (shared
  // update times); repositories have no reversed order to read their end from.
  ['Repository', 'tags', { anchored: true, exactReversal: false }],
  ['Namespace', 'repositories', { anchored: false, exactReversal: null }],
] as const)('%s.%s', (type, name, reading) => {
  const declared = costs.weight(field(type, name));

  test('@cost is the requests of `last` without `before`, as the window read plans them', async () => {
    const count = PAGE_LIMITS.maxPageSize;
    const tail = { first: null, after: null, last: count, before: null };
    expect(await windowRequests(10 * count, tail, reading)).toBe(declared);
    expect(declared).toBeGreaterThan(0);
  });

  test('@cost holds every page of Relay paging whose cursor has not moved', async () => {
    await fc.assert(
      fc.asyncProperty(paging, async ([length, request]) => {
        expect(await windowRequests(length, request, reading)).toBeLessThanOrEqual(declared);
      }),
      { numRuns: 500 },
    );
  });

  test('@listSize sizes the connection by its page size arguments, with the resolvers’ default', () => {
    const connection = field(type, name);
    const size = costs.listSize(connection);
    expect(size?.assumedSize).toBe(PAGE_LIMITS.defaultFirst);
    expect(size?.slicingArguments).toEqual(['first', 'last']);
    for (const argument of size?.slicingArguments ?? []) {
      expect(connection.args.map((arg) => arg.name)).toContain(argument);
    }
    const returned = schema.getType(`${type === 'Repository' ? 'Tag' : 'Repository'}Connection`);
    const fields = Object.keys((returned as GraphQLObjectType).getFields());
    expect(fields).toEqual(expect.arrayContaining([...(size?.sizedFields ?? [])]));
    expect(COST_HINTS.maxPageSize).toBe(PAGE_LIMITS.maxPageSize);
  });
});

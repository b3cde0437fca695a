import fc from 'fast-check';
import { compareStrings, pageOfWhole, sorted, type WholeList } from '../../src/loaders/whole-lists';
import type { UpstreamPage } from '../../src/pagination/plan';
import { SwrError } from '../../src/swr/errors';

/** A server's list as pages of a plain array, which `shift` may change between two reads. */
function listOf(rows: () => string[], maxItems = 10_000): WholeList<string> & { reads: number } {
  const list = {
    reads: 0,
    readPage: ({ offset, limit }: UpstreamPage) => {
      list.reads++;
      const all = rows();
      return Promise.resolve({ items: all.slice(offset, offset + limit), total: all.length });
    },
    keyOf: (row: string) => row,
    arrange: (items: string[]) => sorted(items, compareStrings, 'asc'),
    maxItems,
    subject: 'a test list',
  };
  return list;
}

const names = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 2600 });

describe('lists read whole', () => {
  test('every aligned page is the slice of the arranged list, its total the list’s length, one read per 1000 rows', async () => {
    await fc.assert(
      fc.asyncProperty(names, fc.integer({ min: 1, max: 1000 }), async (rows, limit) => {
        const list = listOf(() => rows);
        const memo = new Map<string, unknown>();
        const expected = [...rows].sort(compareStrings);
        const served: string[] = [];
        for (let offset = 0; offset < Math.max(rows.length, 1); offset += limit) {
          const page = await pageOfWhole(memo, list, { offset, limit });
          expect(page.total).toBe(rows.length);
          served.push(...page.items);
        }
        expect(served).toEqual(expected);
        expect(list.reads).toBe(Math.max(1, Math.ceil(rows.length / 1000)));
      }),
      { numRuns: 60 },
    );
  });

  test('a row pushed to the head between two page reads is served once', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `r${String(i).padStart(4, '0')}`);
    let reads = 0;
    // After the first page, the list's head gains a row: the row at 999 is read again at 1000.
    const list = listOf(() => (reads++ === 0 ? rows : ['new', ...rows]));
    const page = await pageOfWhole(new Map(), list, { offset: 0, limit: 2000 });
    expect(page.items).toEqual([...rows].sort(compareStrings));
    expect(new Set(page.items).size).toBe(page.items.length);
  });

  test('a list longer than its limit is LIST_TOO_LONG, read no further', async () => {
    const list = listOf(() => Array.from({ length: 1500 }, (_, i) => String(i)), 1000);
    const failure = await pageOfWhole(new Map(), list, { offset: 0, limit: 10 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SwrError);
    expect((failure as SwrError).reason?.code).toBe('LIST_TOO_LONG');
    expect(list.reads).toBe(1);
  });

  test('descending is the exact reverse of ascending', () => {
    fc.assert(
      fc.property(names, (rows) => {
        const asc = sorted([...rows], compareStrings, 'asc');
        expect(sorted([...rows], compareStrings, 'desc')).toEqual([...asc].reverse());
      }),
    );
  });
});

import fc from 'fast-check';
import {
  compareInstants,
  diffTags,
  horizonOf,
  type Horizon,
  type TagChange,
} from '../../src/subscriptions/tag-diff';
import { readNewest } from '../../src/subscriptions/tag-read';
import type { SwrTag } from '../../src/swr/types';

/**
 * The comparison of two reads of a repository's newest tags, against a reference: a registry
 * as a plain array that pushes, re-pushes and deletes, and the changes it really made.
 */

const EPOCH = Date.UTC(2026, 0, 1);

/** The n-th second after the epoch, spelled with or without nine zero fractional digits. */
function instant(second: number, long: boolean): string {
  const text = new Date(EPOCH + second * 1000).toISOString().replace('.000Z', 'Z');
  return long ? text.replace('Z', '.000000000Z') : text;
}

function tag(name: string, created: string, updated: string, digest: string): SwrTag {
  return {
    id: 1,
    repo_id: 1,
    Tag: name,
    image_id: 'sha256:image',
    manifest: '{}',
    digest,
    schema: 2,
    path: `swr.example/library/app:${name}`,
    internal_path: `internal/library/app:${name}`,
    size: 1,
    is_trusted: false,
    created,
    updated,
    deleted: null,
    domain_id: 'domain',
    tag_type: 0,
  };
}

type Operation =
  | { kind: 'push' }
  | { kind: 'repush'; index: number; newDigest: boolean }
  | { kind: 'delete'; index: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.constant<Operation>({ kind: 'push' }),
  fc.record({
    kind: fc.constant('repush' as const),
    index: fc.nat(),
    newDigest: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete' as const), index: fc.nat() }),
);

/** A registry as a plain array: the reference the comparison is checked against. */
class Registry {
  tags: SwrTag[] = [];
  private clock = 0;
  private names = 0;

  constructor(private readonly longTimes: boolean[]) {}

  private now(): string {
    this.clock++;
    return instant(this.clock, this.longTimes[this.clock % this.longTimes.length] ?? false);
  }

  apply(op: Operation): void {
    if (op.kind === 'push' || this.tags.length === 0) {
      const time = this.now();
      this.tags.push(tag(`t${this.names++}`, time, time, `sha256:${this.clock}`));
      return;
    }
    const index = op.index % this.tags.length;
    const old = this.tags[index] as SwrTag;
    if (op.kind === 'delete') {
      this.tags.splice(index, 1);
    } else {
      const digest = op.newDigest ? `sha256:r${this.clock}` : old.digest;
      this.tags[index] = { ...old, updated: this.now(), digest };
    }
  }

  /** SWR's page: by `updated_at`, newest first (every time differs). */
  page = (offset: number, limit: number) => {
    const sorted = [...this.tags].sort((a, b) => compareInstants(b.updated, a.updated));
    return Promise.resolve({ items: sorted.slice(offset, offset + limit), total: sorted.length });
  };
}

const label = (change: TagChange): string => `${change.kind} ${change.tag.Tag}`;

async function horizon(registry: Registry, pageSize: number): Promise<Horizon> {
  const read = await readNewest(registry.page, null, { pageSize, maxPages: 1 });
  return horizonOf(read.tags, read.complete, pageSize, read.total);
}

const history = fc.record({
  initial: fc.nat({ max: 12 }),
  before: fc.array(operation, { maxLength: 12 }),
  during: fc.array(operation, { maxLength: 12 }),
  pageSize: fc.integer({ min: 1, max: 5 }),
  longTimes: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
});

test('every push, re-push and deletion within the horizon is named, and nothing else', async () => {
  await fc.assert(
    fc.asyncProperty(history, async ({ initial, before, during, pageSize, longTimes }) => {
      const registry = new Registry(longTimes);
      for (let i = 0; i < initial; i++) registry.apply({ kind: 'push' });
      for (const op of before) registry.apply(op);
      const previous = await horizon(registry, pageSize);
      const was = new Map(registry.tags.map((t) => [t.Tag, t]));
      for (const op of during) registry.apply(op);

      const read = await readNewest(registry.page, previous, { pageSize, maxPages: 100 });
      const changes = diffTags(previous, read.tags, read.complete).map(label).sort();

      const now = new Map(registry.tags.map((t) => [t.Tag, t]));
      const expected = [
        ...[...now.values()].flatMap((t) => {
          const old = was.get(t.Tag);
          if (old === undefined) return [`PUSHED ${t.Tag}`];
          return old.updated === t.updated ? [] : [`UPDATED ${t.Tag}`];
        }),
        ...[...previous.byName.keys()].filter((name) => !now.has(name)).map((n) => `DELETED ${n}`),
      ].sort();
      expect(changes).toEqual(expected);
    }),
  );
});

test('a second read of an unchanged list finds nothing, in one request', async () => {
  await fc.assert(
    fc.asyncProperty(history, async ({ initial, before, pageSize, longTimes }) => {
      const registry = new Registry(longTimes);
      for (let i = 0; i < initial; i++) registry.apply({ kind: 'push' });
      for (const op of before) registry.apply(op);
      const previous = await horizon(registry, pageSize);
      const read = await readNewest(registry.page, previous, { pageSize, maxPages: 100 });
      expect(read.pages).toBe(1);
      expect(diffTags(previous, read.tags, read.complete)).toEqual([]);
    }),
  );
});

test('the read goes past the first page only while the head moved entirely', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.nat({ max: 20 }),
      async (pageSize, pushes) => {
        const registry = new Registry([false]);
        for (let i = 0; i < 2 * pageSize; i++) registry.apply({ kind: 'push' });
        const previous = await horizon(registry, pageSize);
        for (let i = 0; i < pushes; i++) registry.apply({ kind: 'push' });
        const read = await readNewest(registry.page, previous, { pageSize, maxPages: 100 });
        // The pushes, then the page that meets the previous head.
        expect(read.pages).toBe(Math.floor(pushes / pageSize) + 1);
        const pushed = diffTags(previous, read.tags, read.complete);
        expect(pushed.map((change) => change.kind)).toEqual(Array(pushes).fill('PUSHED'));
      },
    ),
  );
});

test('a re-push with a new digest carries the digest it replaced', async () => {
  const registry = new Registry([false]);
  registry.apply({ kind: 'push' });
  registry.apply({ kind: 'push' });
  const previous = await horizon(registry, 10);
  const old = registry.tags[0] as SwrTag;
  registry.apply({ kind: 'repush', index: 0, newDigest: true });
  const read = await readNewest(registry.page, previous, { pageSize: 10, maxPages: 1 });
  const [change] = diffTags(previous, read.tags, read.complete);
  expect(change?.kind).toBe('UPDATED');
  expect(change?.previousDigest).toBe(old.digest);
  expect(change?.tag.digest).not.toBe(old.digest);
});

test('instants compare by time, whatever their fractional digits and offsets', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_000_000_000 }),
      fc.integer({ min: 0, max: 4_000_000_000 }),
      fc.nat({ max: 999_999_999 }),
      fc.nat({ max: 999_999_999 }),
      (secondsA, secondsB, nanosA, nanosB) => {
        const spell = (seconds: number, nanos: number): string => {
          const base = new Date(seconds * 1000).toISOString().replace('.000Z', '');
          return nanos === 0
            ? `${base}Z`
            : `${base}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
        };
        const expected = Math.sign(secondsA - secondsB) || Math.sign(nanosA - nanosB);
        expect(compareInstants(spell(secondsA, nanosA), spell(secondsB, nanosB))).toBe(expected);
      },
    ),
  );
  expect(compareInstants('2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00Z')).toBe(0);
  expect(compareInstants('2026-01-01T00:00:02Z', '2026-01-01T00:00:02.5Z')).toBe(-1);
  expect(compareInstants('not a time', '2026-01-01T00:00:00Z')).toBe(-1);
});

import type { SwrTag } from '../swr/types';

/**
 * What changed in a repository between two reads of its newest tags (SWR's tag list ordered by
 * `updated_at`, newest first). Pure: the watcher reads, this compares.
 *
 * A read sees only the head of the list, the horizon. Within it, every change is named: a push
 * or a re-push moves a tag to the head, and a deletion leaves a hole that the next older tag
 * fills. Below it nothing is seen, so a deletion there goes unreported, and a tag that slides up
 * into the horizon after a deletion is not a push.
 */

export type TagChangeKind = 'PUSHED' | 'UPDATED' | 'DELETED';

export interface TagChange {
  kind: TagChangeKind;
  /** The tag as SWR lists it now; for a deletion, as it was last seen. */
  tag: SwrTag;
  /** UPDATED: the digest the tag had before, when it was in the horizon. */
  previousDigest: string | null;
}

/** The head of the list as one read left it. */
export interface Horizon {
  byName: ReadonlyMap<string, SwrTag>;
  /** Whether the head was the whole list (nothing older exists). */
  complete: boolean;
  /** The update time of its oldest tag; null when it is empty. */
  edge: string | null;
  /** The update time of its newest tag; null when it is empty. */
  newest: string | null;
  /** The length of the whole list, as SWR reported it. */
  total: number;
}

/**
 * Orders two RFC 3339 instants as SWR writes them, with any number of fractional digits (1 to
 * 9) and any offset, which a comparison of the strings would get wrong (`02Z` against `02.5Z`).
 */
export function compareInstants(a: string, b: string): number {
  const [secondsA, fractionA] = splitInstant(a);
  const [secondsB, fractionB] = splitInstant(b);
  if (secondsA !== secondsB) return secondsA < secondsB ? -1 : 1;
  return fractionA === fractionB ? 0 : fractionA < fractionB ? -1 : 1;
}

/** Whole seconds since the epoch, and the fraction as nine digits (compared as strings). */
function splitInstant(instant: string): [number, string] {
  const match = /^([^.]*)(?:\.(\d+))?(.*)$/.exec(instant);
  const whole = Date.parse(`${match?.[1] ?? ''}${match?.[3] ?? ''}`);
  // An unreadable time sorts before every other, so that it never looks newer than a real one.
  if (Number.isNaN(whole)) return [-Infinity, ''];
  return [whole / 1000, (match?.[2] ?? '').padEnd(9, '0').slice(0, 9)];
}

const isNewer = (time: string, than: string | null): boolean =>
  than === null || compareInstants(time, than) > 0;

/** The horizon of a read: its first `size` tags, newest first. */
export function horizonOf(
  read: readonly SwrTag[],
  complete: boolean,
  size: number,
  total: number,
): Horizon {
  const head = read.slice(0, size);
  return {
    total,
    byName: new Map(head.map((tag) => [tag.Tag, tag])),
    complete: complete && read.length <= size,
    edge: head.at(-1)?.updated ?? null,
    newest: head[0]?.updated ?? null,
  };
}

/**
 * Whether a read must go on to the next page: when the pages read so far are all newer than the
 * previous horizon's newest tag, so that changes may lie further down (the head moved entirely;
 * an empty previous horizon has nothing to meet, and the read goes to the list's end); or when a
 * tag of the previous horizon is missing and the total says that some tag is gone, which the
 * next page tells apart from a tag that pushes moved down.
 */
export function readsFurther(
  previous: Horizon,
  read: readonly SwrTag[],
  complete: boolean,
  total: number,
): boolean {
  const oldest = read.at(-1);
  if (complete || oldest === undefined) return false;
  if (previous.newest === null || isNewer(oldest.updated, previous.newest)) return true;
  const names = new Set(read.map((tag) => tag.Tag));
  const unplaced = [...previous.byName.values()].some(
    (tag) => !names.has(tag.Tag) && !isNewer(tag.updated, oldest.updated),
  );
  if (!unplaced) return false;
  let expected = previous.total;
  for (const change of diffTags(previous, read, false)) {
    if (change.kind === 'PUSHED') expected++;
    if (change.kind === 'DELETED') expected--;
  }
  return total < expected;
}

/** A tag read now that was not in the previous horizon: a push, a re-push, or neither. */
function unseenChange(previous: Horizon, tag: SwrTag): TagChange | null {
  if (previous.complete) return { kind: 'PUSHED', tag, previousDigest: null };
  // Older than the previous horizon's edge: it slid up from below, it did not change.
  if (previous.edge === null || !isNewer(tag.updated, previous.edge)) return null;
  // Created below the edge, it existed then: a re-push of a tag beyond the horizon.
  const kind = isNewer(tag.created, previous.edge) ? 'PUSHED' : 'UPDATED';
  return { kind, tag, previousDigest: null };
}

/**
 * The changes between the previous horizon and a read (newest first; `complete` when it reached
 * the list's end): deletions first, then pushes and re-pushes, oldest first.
 */
export function diffTags(
  previous: Horizon,
  read: readonly SwrTag[],
  complete: boolean,
): TagChange[] {
  const changes: TagChange[] = [];
  const names = new Set(read.map((tag) => tag.Tag));
  // A tag of the previous horizon missing now is deleted if it would still be within the read.
  const oldestRead = complete ? null : (read.at(-1)?.updated ?? null);
  for (const [name, tag] of previous.byName) {
    if (!names.has(name) && (oldestRead === null || isNewer(tag.updated, oldestRead))) {
      changes.push({ kind: 'DELETED', tag, previousDigest: null });
    }
  }
  for (const tag of [...read].reverse()) {
    const before = previous.byName.get(tag.Tag);
    if (before === undefined) {
      const change = unseenChange(previous, tag);
      if (change) changes.push(change);
    } else if (before.digest !== tag.digest || compareInstants(before.updated, tag.updated) !== 0) {
      changes.push({ kind: 'UPDATED', tag, previousDigest: before.digest });
    }
  }
  return changes;
}

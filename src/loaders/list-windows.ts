import DataLoader from 'dataloader';
import { planPages, planRange, type UpstreamPage } from '../pagination/plan';
import type { Range } from '../pagination/window';
import type { SwrPage } from '../swr/types';
import type { UpstreamSession } from './session';

/**
 * The window loader, generic over the lists SWR pages by `offset`/`limit` (a repository's tags,
 * an organization's repositories): per GraphQL request, it turns every window that resolvers
 * ask of every list into the fewest SWR requests. What a list is, and how one aligned page of
 * it is read, is the list's `ListSource`; everything else is the same for every list.
 *
 * Deduplication policy: within one request (one caller, one token), windows of the same list
 * (same source and identity: resource, order, filter) that overlap or touch are merged into one
 * range and read with one plan of aligned pages; identical pages are read once. Different lists
 * are read concurrently, within the request's limiter. Nothing is shared between requests, so
 * nothing is shared between tokens.
 */

/** One kind of list: how to tell its lists apart, and how to read one aligned page of one. */
export interface ListSource<L, T> {
  /** The loader's name (DataLoader's, for debugging). */
  name: string;
  /** The list's identity: equal for two lists exactly when SWR answers them alike. */
  id(list: L): string;
  /**
   * Reads one aligned page of the list. `memo` is the list's own, for the request: what one page
   * read leaves for the next (a list read whole); forgotten with the list's windows.
   */
  readPage(
    session: UpstreamSession,
    list: L,
    page: UpstreamPage,
    memo: Map<string, unknown>,
  ): Promise<SwrPage<T>>;
}

export interface WindowKey<L> {
  list: L;
  range: Range;
  /** Read the range in one request even if that means reading more (see `PlanOptions`). */
  preferSingleRequest?: boolean;
}

/** The items of the window that exist (a window may reach past the end), and the total. */
export type ListWindow<T> = SwrPage<T>;

export interface WindowLoader<L, T> {
  load(key: WindowKey<L>): Promise<ListWindow<T>>;
  /** Forgets the windows read of every list `matches` selects, after a change upstream. */
  forget(matches: (list: L) => boolean): void;
}

interface Member<L> {
  index: number;
  key: WindowKey<L>;
}

interface Cluster<L> {
  list: L;
  range: Range;
  preferSingleRequest: boolean;
  members: Member<L>[];
}

/** Groups the windows of one list into clusters of overlapping or touching ranges. */
function clusterWindows<L>(members: Member<L>[]): Cluster<L>[] {
  const sorted = [...members].sort((a, b) => a.key.range.start - b.key.range.start);
  const clusters: Cluster<L>[] = [];
  for (const member of sorted) {
    const { range, preferSingleRequest = false } = member.key;
    const current = clusters[clusters.length - 1];
    if (current && range.start <= current.range.end) {
      current.range.end = Math.max(current.range.end, range.end);
      current.preferSingleRequest ||= preferSingleRequest;
      current.members.push(member);
    } else {
      clusters.push({
        list: member.key.list,
        range: { ...range },
        preferSingleRequest,
        members: [member],
      });
    }
  }
  return clusters;
}

/**
 * The list's length as the pages tell it. A page shorter than its limit ends the list, whatever
 * `Content-Range` says, so that `hasNextPage` never promises items that cannot be read.
 */
function consistentTotal<T>(plan: UpstreamPage[], pages: SwrPage<T>[]): number {
  let total = pages[0]?.total ?? 0;
  pages.forEach((page, index) => {
    const { offset, limit } = plan[index] ?? { offset: 0, limit: 0 };
    if (page.items.length < limit) total = Math.min(total, offset + page.items.length);
  });
  return total;
}

/**
 * What the loader keeps of each list for the request: its id, computed once per list object
 * (every load, batch and page read of it asks), and its memo (see `ListSource.readPage`).
 */
interface ListMemory<L> {
  idOf: (list: L) => string;
  memoOf: (list: L) => Map<string, unknown>;
  forget: (list: L) => void;
}

function rememberLists<L extends object>(source: ListSource<L, unknown>): ListMemory<L> {
  const ids = new WeakMap<L, string>();
  const memos = new Map<string, Map<string, unknown>>();
  const idOf = (list: L): string => {
    let id = ids.get(list);
    if (id === undefined) {
      id = source.id(list);
      ids.set(list, id);
    }
    return id;
  };
  return {
    idOf,
    memoOf(list) {
      const id = idOf(list);
      let memo = memos.get(id);
      if (memo === undefined) {
        memo = new Map();
        memos.set(id, memo);
      }
      return memo;
    },
    forget(list) {
      memos.delete(idOf(list));
    },
  };
}

/** The windows of one batch, by list id, each with its place in the batch. */
function groupByList<L>(keys: readonly WindowKey<L>[], idOf: (list: L) => string): Member<L>[][] {
  const byList = new Map<string, Member<L>[]>();
  keys.forEach((key, index) => {
    const id = idOf(key.list);
    const group = byList.get(id);
    if (group) group.push({ index, key });
    else byList.set(id, [{ index, key }]);
  });
  return [...byList.values()];
}

/** Each window of a cluster, cut from the pages read for the cluster's plan. */
function cutWindows<L, T>(
  cluster: Cluster<L>,
  plan: UpstreamPage[],
  pages: SwrPage<T>[],
  results: (ListWindow<T> | Error)[],
): void {
  const planStart = planRange(plan).start;
  const [only] = pages;
  const items = pages.length === 1 && only ? only.items : pages.flatMap((page) => page.items);
  const total = consistentTotal(plan, pages);
  for (const { index, key } of cluster.members) {
    const { start, end } = key.range;
    // Windows share the rows they hold whole; no reader changes them.
    results[index] = {
      items:
        start === planStart && end - planStart >= items.length
          ? items
          : items.slice(start - planStart, end - planStart),
      total,
    };
  }
}

/** Reads a cluster's plan of aligned pages into its windows, or its failure into each. */
function readCluster<L, T>(
  cluster: Cluster<L>,
  readPage: (list: L, page: UpstreamPage) => Promise<SwrPage<T>>,
  results: (ListWindow<T> | Error)[],
): Promise<void> {
  const plan = planPages(cluster.range, { preferSingleRequest: cluster.preferSingleRequest });
  return Promise.all(plan.map((page) => readPage(cluster.list, page))).then(
    (pages) => {
      cutWindows(cluster, plan, pages, results);
    },
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const { index } of cluster.members) results[index] = failure;
    },
  );
}

/** One DataLoader batch: every window asked, read with the fewest pages, each page once. */
async function readBatch<L extends object, T>(
  session: UpstreamSession,
  source: ListSource<L, T>,
  memory: ListMemory<L>,
  keys: readonly WindowKey<L>[],
): Promise<(ListWindow<T> | Error)[]> {
  const results = new Array<ListWindow<T> | Error>(keys.length);
  const pageReads = new Map<string, Promise<SwrPage<T>>>();
  const readPage = (list: L, page: UpstreamPage): Promise<SwrPage<T>> => {
    const id = `${memory.idOf(list)}|${page.offset}|${page.limit}`;
    let read = pageReads.get(id);
    if (!read) {
      read = session.limit(() => source.readPage(session, list, page, memory.memoOf(list)));
      pageReads.set(id, read);
    }
    return read;
  };
  const work: Promise<void>[] = [];
  for (const members of groupByList(keys, memory.idOf)) {
    for (const cluster of clusterWindows(members))
      work.push(readCluster(cluster, readPage, results));
  }
  await Promise.all(work);
  return results;
}

export function createWindowLoader<L extends object, T>(
  session: UpstreamSession,
  source: ListSource<L, T>,
): WindowLoader<L, T> {
  const memory = rememberLists<L>(source);
  const cacheKey = (key: WindowKey<L>): string =>
    `${memory.idOf(key.list)}|${key.range.start}|${key.range.end}|${key.preferSingleRequest ? 1 : 0}`;
  // The cache is DataLoader's, kept here with the list of every key so that `forget` can find
  // the windows of a list.
  const cacheMap = new Map<string, Promise<ListWindow<T>>>();
  const lists = new Map<string, L>();
  const loader = new DataLoader(
    (keys: readonly WindowKey<L>[]) => readBatch(session, source, memory, keys),
    { cacheKeyFn: cacheKey, cacheMap, name: source.name },
  );
  return {
    load(key) {
      lists.set(cacheKey(key), key.list);
      return loader.load(key);
    },
    forget(matches) {
      for (const [id, list] of lists) {
        if (!matches(list)) continue;
        cacheMap.delete(id);
        lists.delete(id);
        memory.forget(list);
      }
    },
  };
}

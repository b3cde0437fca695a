import DataLoader from 'dataloader';
import { planPages, planRange, type UpstreamPage } from '../pagination/plan';
import type { Range } from '../pagination/window';
import type { RepositoryRef } from '../swr/client';
import type { SwrPage, SwrTag, SwrTagListQuery } from '../swr/types';
import type { UpstreamSession } from './session';

/**
 * The tags loader: per GraphQL request, it turns every window that resolvers ask of every tag
 * list into the fewest SWR requests.
 *
 * Deduplication policy: within one request (one caller, one token), windows of the same list
 * (repository, order, filter) that overlap or touch are merged into one range and read with
 * one plan of aligned pages; identical pages are read once. Different lists are read
 * concurrently, within the request's limiter. Nothing is shared between requests,
 * so nothing is shared between tokens.
 */

/** One list as SWR knows it: repository, order and filter. */
export interface TagList {
  repository: RepositoryRef;
  orderColumn: SwrTagListQuery['orderColumn'];
  orderType: SwrTagListQuery['orderType'];
  tag?: string;
}

export interface TagWindowKey {
  list: TagList;
  range: Range;
  /** Read the range in one request even if that means reading more (see `PlanOptions`). */
  preferSingleRequest?: boolean;
}

/** The tags of the window that exist (a window may reach past the end), and the total. */
export type TagWindow = SwrPage<SwrTag>;

function listId(list: TagList): string {
  const { repository, orderColumn, orderType, tag } = list;
  return JSON.stringify([repository.namespace, repository.name, orderColumn, orderType, tag]);
}

function cacheKey(key: TagWindowKey): string {
  return `${listId(key.list)}|${key.range.start}|${key.range.end}|${key.preferSingleRequest ? 1 : 0}`;
}

interface Member {
  index: number;
  key: TagWindowKey;
}

interface Cluster {
  list: TagList;
  range: Range;
  preferSingleRequest: boolean;
  members: Member[];
}

/** Groups the windows of one list into clusters of overlapping or touching ranges. */
function clusterWindows(members: Member[]): Cluster[] {
  const sorted = [...members].sort((a, b) => a.key.range.start - b.key.range.start);
  const clusters: Cluster[] = [];
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
 * `Content-Range` says, so that `hasNextPage` never promises tags that cannot be read.
 */
function consistentTotal(plan: UpstreamPage[], pages: SwrPage<SwrTag>[]): number {
  let total = pages[0]?.total ?? 0;
  pages.forEach((page, index) => {
    const { offset, limit } = plan[index] ?? { offset: 0, limit: 0 };
    if (page.items.length < limit) total = Math.min(total, offset + page.items.length);
  });
  return total;
}

export function createTagWindowLoader(
  session: UpstreamSession,
): DataLoader<TagWindowKey, TagWindow, string> {
  const { client, token, call, limit } = session;
  async function batch(keys: readonly TagWindowKey[]): Promise<(TagWindow | Error)[]> {
    const byList = new Map<string, Member[]>();
    keys.forEach((key, index) => {
      const id = listId(key.list);
      const group = byList.get(id);
      if (group) group.push({ index, key });
      else byList.set(id, [{ index, key }]);
    });

    const results: (TagWindow | Error)[] = new Array<TagWindow | Error>(keys.length);
    const pageReads = new Map<string, Promise<SwrPage<SwrTag>>>();
    const readPage = (list: TagList, page: UpstreamPage): Promise<SwrPage<SwrTag>> => {
      const id = `${listId(list)}|${page.offset}|${page.limit}`;
      let read = pageReads.get(id);
      if (!read) {
        read = limit(() =>
          client.listTags(
            token,
            list.repository,
            {
              offset: page.offset,
              limit: page.limit,
              orderColumn: list.orderColumn,
              orderType: list.orderType,
              ...(list.tag === undefined ? {} : { tag: list.tag }),
            },
            call,
          ),
        );
        pageReads.set(id, read);
      }
      return read;
    };

    const work: Promise<void>[] = [];
    for (const members of byList.values()) {
      for (const cluster of clusterWindows(members)) {
        const plan = planPages(cluster.range, {
          preferSingleRequest: cluster.preferSingleRequest,
        });
        const planStart = planRange(plan).start;
        work.push(
          Promise.all(plan.map((page) => readPage(cluster.list, page))).then(
            (pages) => {
              const items = pages.flatMap((page) => page.items);
              const total = consistentTotal(plan, pages);
              for (const { index, key } of cluster.members) {
                const { range } = key;
                results[index] = {
                  items: items.slice(range.start - planStart, range.end - planStart),
                  total,
                };
              }
            },
            (error: unknown) => {
              const failure = error instanceof Error ? error : new Error(String(error));
              for (const { index } of cluster.members) results[index] = failure;
            },
          ),
        );
      }
    }
    await Promise.all(work);
    return results;
  }

  return new DataLoader(batch, { cacheKeyFn: cacheKey, name: 'tagWindows' });
}

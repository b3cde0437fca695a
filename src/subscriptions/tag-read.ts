import type { SwrPage, SwrTag } from '../swr/types';
import { readsFurther, type Horizon } from './tag-diff';

/**
 * One poll's read of a repository's newest tags: the first page, and the next ones only where
 * the first cannot tell what changed (see `readsFurther`), up to a bound.
 */

/** One page of the tag list by `updated_at`, newest first, at `offset` (a multiple of the size). */
export type NewestPage = (offset: number, limit: number) => Promise<SwrPage<SwrTag>>;

export interface NewestRead {
  /** The tags read, newest first. */
  tags: SwrTag[];
  /** Whether the read reached the list's end. */
  complete: boolean;
  /** The pages asked for. */
  pages: number;
  /** The list's length, as SWR reported it last. */
  total: number;
}

export interface ReadBounds {
  pageSize: number;
  /** The most pages one poll reads: more pushes than this between two polls are not all seen. */
  maxPages: number;
}

/** Whether a page is the list's last: short, or reaching the total SWR reports. */
const isLastPage = (page: SwrPage<SwrTag>, offset: number, limit: number): boolean =>
  page.items.length < limit || offset + page.items.length >= page.total;

export async function readNewest(
  newestPage: NewestPage,
  previous: Horizon | null,
  bounds: ReadBounds,
): Promise<NewestRead> {
  const tags: SwrTag[] = [];
  let complete = false;
  let pages = 0;
  let total = 0;
  do {
    const offset = pages * bounds.pageSize;
    const page = await newestPage(offset, bounds.pageSize);
    pages++;
    tags.push(...page.items);
    total = page.total;
    complete = isLastPage(page, offset, bounds.pageSize);
  } while (
    previous !== null &&
    pages < bounds.maxPages &&
    readsFurther(previous, tags, complete, total)
  );
  return { tags, complete, pages, total };
}

import { MAX_UPSTREAM_LIMIT } from '../pagination/plan';
import type { RepositoryRef } from '../swr/client';
import type { SwrTag } from '../swr/types';
import type { UpstreamSession } from './session';

/**
 * A repository's whole tag list, for the orders SWR cannot sort by (the version order): read at
 * most once per GraphQL request and list, in two sequential round trips at most. The first page
 * of 1,000 tells the total (and is the whole list up to 1,000 tags); every other page is then
 * read at once. ⌈total ÷ 1,000⌉ SWR requests in all; a list longer than the bound is refused
 * after the first.
 *
 * The pages are read oldest first (`updated_at`, ascending), so that a tag pushed between the
 * two round trips lands after the pages already read instead of shifting them; a tag that
 * appears on two pages (pushed again meanwhile) is kept once, as last read.
 */

/** A whole list as SWR filters it: the repository and the name filter SWR applies. */
export interface WholeTagList {
  repository: RepositoryRef;
  tag?: string;
}

/** A list longer than the bound the gateway sorts in memory. */
export class ListTooLongError extends Error {
  constructor(
    readonly total: number,
    readonly maxTags: number,
  ) {
    super(`The list holds ${total} tags, more than the ${maxTags} the gateway orders by version.`);
    this.name = 'ListTooLongError';
  }
}

export interface WholeTagListLoader {
  load(list: WholeTagList): Promise<SwrTag[]>;
  /** Forgets the lists of a repository after a change upstream. */
  forget(repository: RepositoryRef): void;
}

function readPage(
  session: UpstreamSession,
  list: WholeTagList,
  offset: number,
): ReturnType<UpstreamSession['client']['listTags']> {
  const { client, token, call } = session;
  return session.limit(() =>
    client.listTags(
      token,
      list.repository,
      {
        offset,
        limit: MAX_UPSTREAM_LIMIT,
        orderColumn: 'updated_at',
        orderType: 'asc',
        ...(list.tag === undefined ? {} : { tag: list.tag }),
      },
      call,
    ),
  );
}

async function readWholeList(
  session: UpstreamSession,
  list: WholeTagList,
  maxTags: number,
): Promise<SwrTag[]> {
  const first = await readPage(session, list, 0);
  if (first.total > maxTags) throw new ListTooLongError(first.total, maxTags);
  const offsets: number[] = [];
  // A short first page ends the list, whatever the total says.
  if (first.items.length === MAX_UPSTREAM_LIMIT) {
    for (let offset = MAX_UPSTREAM_LIMIT; offset < first.total; offset += MAX_UPSTREAM_LIMIT) {
      offsets.push(offset);
    }
  }
  const rest = await Promise.all(offsets.map((offset) => readPage(session, list, offset)));
  const byName = new Map<string, SwrTag>();
  for (const page of [first, ...rest]) for (const tag of page.items) byName.set(tag.Tag, tag);
  return [...byName.values()];
}

const listId = ({ repository, tag }: WholeTagList): string =>
  JSON.stringify([repository.namespace, repository.name, tag]);

export function createWholeTagListLoader(
  session: UpstreamSession,
  maxTags: number,
): WholeTagListLoader {
  const reads = new Map<string, { repository: RepositoryRef; read: Promise<SwrTag[]> }>();
  return {
    load(list) {
      const id = listId(list);
      let entry = reads.get(id);
      if (!entry) {
        entry = { repository: list.repository, read: readWholeList(session, list, maxTags) };
        reads.set(id, entry);
      }
      return entry.read;
    },
    forget({ namespace, name }) {
      for (const [id, { repository }] of reads) {
        if (repository.namespace === namespace && repository.name === name) reads.delete(id);
      }
    },
  };
}

import DataLoader from 'dataloader';
import type { RepositoryRef } from '../swr/client';
import type { SwrTag } from '../swr/types';
import type { UpstreamSession } from './session';

/**
 * Looks tags up by exact name, per GraphQL request. SWR's `tag` filter may match substrings,
 * so the loader reads the filtered list, ordered by name, and keeps only the exact match; it
 * reads further pages only while the filter matches more tags than one page holds.
 */

export interface TagNameKey {
  repository: RepositoryRef;
  name: string;
}

/** SWR's largest page: a filter that matches many tags costs a request per thousand. */
const PAGE_SIZE = 1000;

async function findTag(session: UpstreamSession, key: TagNameKey): Promise<SwrTag | null> {
  const { client, token, call } = session;
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await client.listTags(
      token,
      key.repository,
      {
        offset,
        limit: PAGE_SIZE,
        // The one order every server has: the name order is in the 2025 reference only.
        orderColumn: 'updated_at',
        orderType: 'asc',
        tag: key.name,
      },
      call,
    );
    const match = page.items.find((tag) => tag.Tag === key.name);
    if (match) return match;
    if (page.items.length < PAGE_SIZE || offset + PAGE_SIZE >= page.total) return null;
  }
}

export interface TagByNameLoader {
  load(key: TagNameKey): Promise<SwrTag | null>;
  /** Forgets every tag looked up in the repository, after a change upstream. */
  forget(repository: RepositoryRef): void;
}

function repositoryPrefix(repository: RepositoryRef): string {
  return JSON.stringify([repository.namespace, repository.name]).slice(0, -1);
}

export function createTagByNameLoader(session: UpstreamSession): TagByNameLoader {
  const cacheMap = new Map<string, Promise<SwrTag | null>>();
  const loader = new DataLoader(
    (keys: readonly TagNameKey[]) =>
      Promise.all(
        keys.map((key) =>
          session
            .limit(() => findTag(session, key))
            .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        ),
      ),
    {
      // `[namespace, repository, tag]`: the key starts with its repository's prefix.
      cacheKeyFn: (key) =>
        JSON.stringify([key.repository.namespace, key.repository.name, key.name]),
      cacheMap,
      name: 'tagByName',
    },
  );
  return {
    load: (key) => loader.load(key),
    forget(repository) {
      const prefix = `${repositoryPrefix(repository)},`;
      for (const key of cacheMap.keys()) if (key.startsWith(prefix)) cacheMap.delete(key);
    },
  };
}

import DataLoader from 'dataloader';
import type { SwrNamespace } from '../swr/types';
import type { UpstreamSession } from './session';

/**
 * Organizations, per GraphQL request: the list (`GET /v2/manage/namespaces`, not paged) read at
 * most once, and single organizations by name (`GET /v2/manage/namespaces/{namespace}`) read at
 * most once each, or not at all when the list already named them.
 */
export interface NamespaceLoaders {
  /** Every organization the token may see. */
  list(): Promise<SwrNamespace[]>;
  byName: DataLoader<string, SwrNamespace, string>;
}

export function createNamespaceLoaders(session: UpstreamSession): NamespaceLoaders {
  const { client, token, call, limit } = session;
  const byName = new DataLoader<string, SwrNamespace, string>(
    (names) =>
      Promise.all(
        names.map((name) =>
          limit(() => client.getNamespace(token, name, call)).catch((error: unknown) =>
            error instanceof Error ? error : new Error(String(error)),
          ),
        ),
      ),
    { name: 'namespaceByName' },
  );
  let list: Promise<SwrNamespace[]> | undefined;
  return {
    list() {
      list ??= limit(() => client.listNamespaces(token, call)).then((namespaces) => {
        for (const namespace of namespaces) byName.prime(namespace.name, namespace);
        return namespaces;
      });
      return list;
    },
    byName,
  };
}

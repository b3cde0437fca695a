import type DataLoader from 'dataloader';
import { createWindowLoader, type WindowLoader } from './list-windows';
import { REPOSITORY_LISTS, TAG_LISTS, type RepositoryList, type TagList } from './lists';
import { createNamespaceLoaders, type NamespaceLoaders } from './namespaces';
import { createRepositoryDetailsLoader, type RepositoryDetails } from './repository-details';
import type { UpstreamSession } from './session';
import { createTagByNameLoader, type TagByNameLoader } from './tag-by-name';
import { createWholeTagListLoader, type WholeTagListLoader } from './whole-tag-lists';
import type { RepositoryRef } from '../swr/client';
import type { SwrRepositorySummary, SwrTag } from '../swr/types';

/**
 * The loaders of one GraphQL request, made for it alone with its caller's session, so that no
 * cache outlives a request or is shared between callers.
 */

export interface Loaders {
  tagWindows: WindowLoader<TagList, SwrTag>;
  repositoryWindows: WindowLoader<RepositoryList, SwrRepositorySummary>;
  tagByName: TagByNameLoader;
  repositoryDetails: DataLoader<RepositoryRef, RepositoryDetails, string>;
  namespaces: NamespaceLoaders;
  /** Whole tag lists, for the orders SWR cannot sort by. */
  wholeTagLists: WholeTagListLoader;
}

/**
 * Forgets what the request's loaders hold about a repository after it changed upstream: its tag
 * windows and tags by name, its details, and its organization's repository lists (which carry
 * its tag count and size).
 */
export function forgetRepository(loaders: Loaders, repository: RepositoryRef): void {
  loaders.tagWindows.forget(
    (list) =>
      list.repository.namespace === repository.namespace &&
      list.repository.name === repository.name,
  );
  loaders.tagByName.forget(repository);
  loaders.wholeTagLists.forget(repository);
  loaders.repositoryDetails.clear(repository);
  loaders.repositoryWindows.forget((list) => list.namespace === repository.namespace);
}

/** The request's loaders, each made when first asked for: most queries use one or two. */
class RequestLoaders implements Loaders {
  private tagWindowsLoader: Loaders['tagWindows'] | undefined;
  private repositoryWindowsLoader: Loaders['repositoryWindows'] | undefined;
  private tagByNameLoader: Loaders['tagByName'] | undefined;
  private repositoryDetailsLoader: Loaders['repositoryDetails'] | undefined;
  private namespacesLoaders: Loaders['namespaces'] | undefined;
  private wholeTagListsLoader: Loaders['wholeTagLists'] | undefined;

  constructor(
    private readonly session: UpstreamSession,
    private readonly versionOrderMaxTags: number,
  ) {}

  get tagWindows(): Loaders['tagWindows'] {
    return (this.tagWindowsLoader ??= createWindowLoader(this.session, TAG_LISTS));
  }

  get repositoryWindows(): Loaders['repositoryWindows'] {
    return (this.repositoryWindowsLoader ??= createWindowLoader(this.session, REPOSITORY_LISTS));
  }

  get tagByName(): Loaders['tagByName'] {
    return (this.tagByNameLoader ??= createTagByNameLoader(this.session));
  }

  get repositoryDetails(): Loaders['repositoryDetails'] {
    return (this.repositoryDetailsLoader ??= createRepositoryDetailsLoader(this.session));
  }

  get namespaces(): Loaders['namespaces'] {
    return (this.namespacesLoaders ??= createNamespaceLoaders(this.session));
  }

  get wholeTagLists(): Loaders['wholeTagLists'] {
    return (this.wholeTagListsLoader ??= createWholeTagListLoader(
      this.session,
      this.versionOrderMaxTags,
    ));
  }
}

export function createRequestLoaders(
  session: UpstreamSession,
  versionOrderMaxTags: number,
): Loaders {
  return new RequestLoaders(session, versionOrderMaxTags);
}

import type { GatewayContext } from './context';
import type { RepositoryDetails } from '../loaders/repository-details';
import type { RepositoryRef } from '../swr/client';
import type { SwrTag } from '../swr/types';
import type { RepositoryModel } from './models';
import { withUpstream } from './upstream';

/** A repository's fields read from SWR: its details, and a tag by name. */

/** A repository's tag by exact name, or null when there is none. */
export function findTag(
  repository: RepositoryRef,
  name: string,
  context: GatewayContext,
): Promise<SwrTag | null> {
  return withUpstream(
    context,
    `the repository ${repository.namespace}/${repository.name}`,
    (loaders) => loaders.tagByName.load({ repository, name }),
  );
}

/** A repository's details, read once per request (or primed by the repository list). */
function repositoryDetails(
  repository: RepositoryRef,
  context: GatewayContext,
): Promise<RepositoryDetails> {
  return withUpstream(
    context,
    `the repository ${repository.namespace}/${repository.name}`,
    (loaders) => loaders.repositoryDetails.load(repository),
  );
}

/** The resolver of one detail field of `Repository`. */
function detail<K extends keyof RepositoryDetails>(field: K) {
  return async (
    repository: RepositoryModel,
    _args: unknown,
    context: GatewayContext,
  ): Promise<RepositoryDetails[K]> => (await repositoryDetails(repository, context))[field];
}

export const repositoryDetailFields = {
  description: detail('description'),
  category: detail('category'),
  isPublic: detail('isPublic'),
  size: detail('size'),
  tagCount: detail('tagCount'),
  downloadCount: detail('downloadCount'),
  createdAt: detail('createdAt'),
  updatedAt: detail('updatedAt'),
  pullPath: detail('pullPath'),
  internalPullPath: detail('internalPullPath'),
};

import type { GatewayContext } from './context';
import type { NamespacePermission } from '../generated/resolvers-types';
import type { RepositoryRef } from '../swr/client';
import type { RepositoryModel, TagModel } from './models';
import { namespacePermission } from './namespaces';

/**
 * What the viewer (the token) may do with a repository and its tags, as GitLab's
 * `userPermissions` tells a front end which buttons to show: from SWR's grant on the
 * repository's organization (`auth`: 7 manage, 3 edit, 1 read), read once per request and
 * organization, however many repositories and tags ask.
 */

/** SWR lets edit and manage delete images and tags. */
const DELETERS: ReadonlySet<NamespacePermission> = new Set(['MANAGE', 'EDIT']);

function permissionOn(repository: RepositoryRef, context: GatewayContext) {
  return namespacePermission(repository.namespace, context);
}

async function canDelete(repository: RepositoryRef, context: GatewayContext): Promise<boolean> {
  const permission = await permissionOn(repository, context);
  return permission !== null && DELETERS.has(permission);
}

export const repositoryViewerFields = {
  viewerPermission: (repository: RepositoryModel, _args: unknown, context: GatewayContext) =>
    permissionOn(repository, context),
  viewerCanDelete: (repository: RepositoryModel, _args: unknown, context: GatewayContext) =>
    canDelete(repository, context),
};

export const tagViewerFields = {
  viewerPermission: ({ repository }: TagModel, _args: unknown, context: GatewayContext) =>
    permissionOn(repository, context),
  viewerCanDelete: ({ repository }: TagModel, _args: unknown, context: GatewayContext) =>
    canDelete(repository, context),
};

import { badUserInput, quoted } from './errors';
import type { NamespaceRepositoriesArgs, Resolvers } from '../generated/resolvers-types';
import type { RepositoryRef } from '../swr/client';
import type { SwrTag } from '../swr/types';
import { isValidTagName } from '../swr/names';
import { connectionFields, edgeFields } from './connection';
import { namespaceGlobalId, repositoryGlobalId, tagGlobalId } from './ids';
import { childFieldArguments } from './lookahead';
import { parseManifest } from './manifest';
import type { RepositoryConnectionModel, TagConnectionModel, TagModel } from './models';
import { nodeById, nodesByIds, nodeType, tagById } from './nodes';
import { findNamespace, listNamespaces, namespaceFields } from './namespaces';
import { namespaceRef, repositoryRef } from './refs';
import { findTag, repositoryDetailFields } from './repository-fields';
import { deleteTag, deleteTags } from './tag-deletion';
import { resolveRepositoryConnection } from './repository-connection';
import { BigIntScalar, DateTimeScalar } from './scalars';
import { resolveTagConnection } from './tag-connection';
import { findLatestTag } from './version-connection';
import { repositoryViewerFields, tagViewerFields } from './viewer';
import { tagEventFields, tagEventSubscription } from './tag-events';

/** Resolvers only wire arguments to the pagination module and the loaders. */

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  BigInt: BigIntScalar,

  Query: {
    namespaces: (_, __, context) => listNamespaces(context),
    namespace: (_, { name }, context, info) =>
      findNamespace(name, context, (namespace) =>
        childFieldArguments(info, 'repositories').map((args) =>
          // Coerced against `Namespace.repositories` itself: exactly its arguments.
          resolveRepositoryConnection(namespace.name, args as NamespaceRepositoriesArgs, context),
        ),
      ),
    repository: (_, { namespace, name }) => repositoryRef(namespace, name),
    node: (_, { id }, context) => nodeById(id, context),
    nodes: (_, { ids }, context) => nodesByIds(ids, context),
  },

  Mutation: {
    deleteTag: (_, { input }, context) => deleteTag(input, context),
    deleteTags: (_, { input }, context) => deleteTags(input, context),
  },

  Subscription: {
    tagEvents: tagEventSubscription,
  },

  TagEvent: tagEventFields,

  Node: {
    __resolveType: nodeType,
  },

  Namespace: {
    // Federation: another subgraph's reference. Only the name is checked; SWR is asked once a
    // field needs it, as for a Repository reference.
    __resolveReference: ({ name }) => Promise.resolve().then(() => namespaceRef(name, 'name')),
    id: ({ name }) => namespaceGlobalId(name),
    ...namespaceFields,
    repositories: ({ name }, args, context) => resolveRepositoryConnection(name, args, context),
  },

  RepositoryConnection: connectionFields<
    RepositoryConnectionModel,
    RepositoryConnectionModel['items'][number],
    RepositoryRef
  >(({ namespace, name }) => ({ namespace, name })),

  RepositoryEdge: edgeFields,

  Repository: {
    // Federation: another subgraph's reference. Only the names are checked; SWR is asked once a
    // field needs it, as with `Query.repository`.
    __resolveReference: ({ namespace, name }) =>
      Promise.resolve().then(() => repositoryRef(namespace, name)),
    id: (repository) => repositoryGlobalId(repository),
    ...repositoryDetailFields,
    ...repositoryViewerFields,
    tags: (repository, args, context) => resolveTagConnection(repository, args, context),
    async tag(repository, { name }, context) {
      if (!isValidTagName(name)) {
        throw badUserInput(`${quoted(name)} is not a valid tag name.`, 'name');
      }
      const tag = await findTag(repository, name, context);
      return tag && { tag, repository };
    },
    latestTag: (repository, args, context) => findLatestTag(repository, args, context),
  },

  TagConnection: connectionFields<TagConnectionModel, SwrTag, TagModel>((tag, { repository }) => ({
    tag,
    repository,
  })),

  TagEdge: edgeFields,

  Tag: {
    // Federation: a reference by global id, refetched as `Query.node` does.
    __resolveReference: ({ id }, context) => tagById(id, context),
    id: ({ tag, repository }) => tagGlobalId(repository, tag.Tag),
    name: ({ tag }) => tag.Tag,
    digest: ({ tag }) => tag.digest,
    imageId: ({ tag }) => tag.image_id,
    size: ({ tag }) => tag.size,
    createdAt: ({ tag }) => tag.created,
    updatedAt: ({ tag }) => tag.updated,
    deletedAt: ({ tag }) => tag.deleted ?? null,
    isTrusted: ({ tag }) => tag.is_trusted,
    scanned: ({ tag }) => tag.scanned ?? null,
    schemaVersion: ({ tag }) => tag.schema,
    kind: ({ tag }) => (tag.tag_type === 1 ? 'MANIFEST_LIST' : 'MANIFEST'),
    pullPath: ({ tag }) => tag.path,
    internalPullPath: ({ tag }) => tag.internal_path,
    domainId: ({ tag }) => tag.domain_id,
    manifest: ({ tag }) => parseManifest(tag.manifest),
    manifestJson: ({ tag }) => tag.manifest,
    repository: ({ repository }) => repository,
    ...tagViewerFields,
  },
};

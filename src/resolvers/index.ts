import { badUserInput, missingToken, quoted, toGraphQLError } from '../graphql/errors';
import type { NamespaceRepositoriesArgs, Resolvers } from '../generated/resolvers-types';
import type { GatewayContext } from '../graphql/context';
import type { RepositoryRef } from '../swr/client';
import type { SwrTag } from '../swr/types';
import { isValidTagName } from '../swr/names';
import { connectionFields, edgeFields } from './connection';
import { parseTagGlobalId, tagGlobalId } from './ids';
import { childFieldArguments } from './lookahead';
import { parseManifest } from './manifest';
import type { RepositoryConnectionModel, TagConnectionModel, TagModel } from './models';
import {
  deleteTag,
  findNamespace,
  isNotFound,
  listNamespaces,
  namespaceFields,
  namespaceRef,
  repositoryDetailFields,
  repositoryRef,
} from './registry';
import { resolveRepositoryConnection } from './repository-connection';
import { BigIntScalar, DateTimeScalar } from './scalars';
import { resolveTagConnection } from './tag-connection';

/** Resolvers only wire arguments to the pagination module and the loaders. */

async function findTag(
  repository: RepositoryRef,
  name: string,
  context: GatewayContext,
): Promise<SwrTag | null> {
  if (!context.loaders) throw missingToken();
  try {
    return await context.loaders.tagByName.load({ repository, name });
  } catch (error) {
    throw toGraphQLError(error, `the repository ${repository.namespace}/${repository.name}`);
  }
}

/**
 * The tag a global id names, for `Query.node` and federation references: an id this API did not
 * issue is bad input, and a tag that no longer exists is null (Relay's rule for `node`).
 */
async function tagById(id: string, context: GatewayContext): Promise<TagModel | null> {
  const tagId = parseTagGlobalId(id);
  if (!tagId) throw badUserInput('`id` is not an id of this API.', 'id');
  try {
    const tag = await findTag(tagId.repository, tagId.name, context);
    return tag && { tag, repository: tagId.repository };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

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
    node: (_, { id }, context) => tagById(id, context),
  },

  Mutation: {
    deleteTag: (_, { input }, context) => deleteTag(input, context),
  },

  Node: {
    __resolveType: () => 'Tag',
  },

  Namespace: {
    // Federation: another subgraph's reference. Only the name is checked; SWR is asked once a
    // field needs it, as for a Repository reference.
    __resolveReference: ({ name }) => Promise.resolve().then(() => namespaceRef(name, 'name')),
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
    ...repositoryDetailFields,
    tags: (repository, args, context) => resolveTagConnection(repository, args, context),
    async tag(repository, { name }, context) {
      if (!isValidTagName(name)) {
        throw badUserInput(`${quoted(name)} is not a valid tag name.`, 'name');
      }
      const tag = await findTag(repository, name, context);
      return tag && { tag, repository };
    },
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
  },
};

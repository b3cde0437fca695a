import { badUserInput, missingToken, toGraphQLError } from '../errors';
import type { Resolvers } from '../generated/resolvers-types';
import type { GatewayContext } from '../context';
import { encodeCursor } from '../pagination/cursor';
import { pageInfoFlags } from '../pagination/window';
import type { RepositoryRef } from '../swr/client';
import type { SwrTag } from '../swr/types';
import { isValidNamespace, isValidRepositoryName, isValidTagName } from '../swr/names';
import { parseTagGlobalId, tagGlobalId } from './ids';
import { parseManifest } from './manifest';
import type { RepositoryModel, TagModel } from './models';
import { BigIntScalar, DateTimeScalar } from './scalars';
import { resolveTagConnection } from './tag-connection';

/** Resolvers only wire arguments to the pagination module and the loaders. */

function repositoryRef(namespace: string, name: string): RepositoryModel {
  if (!isValidNamespace(namespace)) {
    throw badUserInput(
      `"${namespace}" is not a valid SWR organization name: 1 to 64 lowercase letters, digits and single separators (. _ -), starting with a letter.`,
      'namespace',
    );
  }
  if (!isValidRepositoryName(name)) {
    throw badUserInput(
      `"${name}" is not a valid SWR repository name: 1 to 128 lowercase letters, digits, separators (. _ -) and /.`,
      'name',
    );
  }
  return { namespace, name };
}

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
 * The tag a global id names, for a federation reference: as `Query.node`, an id this API did not
 * issue is bad input, and a tag that no longer exists is null.
 */
async function tagReference(id: string, context: GatewayContext): Promise<TagModel | null> {
  const tagId = parseTagGlobalId(id);
  if (!tagId) throw badUserInput('`id` is not an id of this API.', 'id');
  try {
    const tag = await findTag(tagId.repository, tagId.name, context);
    return tag && { tag, repository: tagId.repository };
  } catch (error) {
    const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
    if (code === 'NOT_FOUND') return null;
    throw error;
  }
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  BigInt: BigIntScalar,

  Query: {
    repository: (_, { namespace, name }) => repositoryRef(namespace, name),
    async node(_, { id }, context) {
      const tagId = parseTagGlobalId(id);
      if (!tagId) throw badUserInput('`id` is not an id of this API.', 'id');
      try {
        const tag = await findTag(tagId.repository, tagId.name, context);
        return tag && { tag, repository: tagId.repository };
      } catch (error) {
        // Relay: node(id) is null for an object that no longer exists.
        const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
        if (code === 'NOT_FOUND') return null;
        throw error;
      }
    },
  },

  Node: {
    __resolveType: () => 'Tag',
  },

  Repository: {
    // Federation: another subgraph's reference. Only the names are checked; SWR is asked once a
    // field needs it, as with `Query.repository`.
    __resolveReference: ({ namespace, name }) =>
      Promise.resolve().then(() => repositoryRef(namespace, name)),
    tags: (repository, args, context) => resolveTagConnection(repository, args, context),
    async tag(repository, { name }, context) {
      if (!isValidTagName(name)) {
        throw badUserInput(`"${name}" is not a valid tag name.`, 'name');
      }
      const tag = await findTag(repository, name, context);
      return tag && { tag, repository };
    },
  },

  TagConnection: {
    edges: ({ items, window, scope, repository }) =>
      items.map((tag, index) => ({
        node: { tag, repository },
        offset: window.start + index,
        scope,
      })),
    nodes: ({ items, repository }) => items.map((tag) => ({ tag, repository })),
    pageInfo: ({ window, total, scope, items }) => ({
      ...pageInfoFlags(window, total),
      startCursor: items.length > 0 ? encodeCursor(scope, window.start) : null,
      endCursor: items.length > 0 ? encodeCursor(scope, window.end - 1) : null,
    }),
    totalCount: ({ total }) => total,
  },

  TagEdge: {
    cursor: ({ scope, offset }) => encodeCursor(scope, offset),
  },

  Tag: {
    // Federation: a reference by global id, refetched as `Query.node` does.
    __resolveReference: ({ id }, context) => tagReference(id, context),
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

import { GraphQLError } from 'graphql';
import { badUserInput, quoted } from '../graphql/errors';
import { forgetRepository, type GatewayContext } from '../graphql/context';
import type { DeleteTagInput, NamespacePermission } from '../generated/resolvers-types';
import type { RepositoryDetails } from '../loaders/repository-details';
import type { RepositoryRef } from '../swr/client';
import { isValidNamespace, isValidRepositoryName, isValidTagName } from '../swr/names';
import type { SwrNamespace, SwrTag } from '../swr/types';
import { tagGlobalId } from './ids';
import type { DeleteTagPayloadModel, NamespaceModel, RepositoryModel } from './models';
import { withUpstream } from './upstream';

/**
 * Browsing and changing the registry: organizations, a repository's details, deleting a tag.
 * Names are checked before anything reaches SWR; every read goes through the request's loaders.
 */

/** Whether an error is the `NOT_FOUND` that a lookup answers with null instead. */
export function isNotFound(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND';
}

export function namespaceRef(name: string, argument = 'namespace'): NamespaceModel {
  if (!isValidNamespace(name)) {
    throw badUserInput(
      `${quoted(name)} is not a valid SWR organization name: 1 to 64 lowercase letters, digits and single separators (. _ -), starting with a letter.`,
      argument,
    );
  }
  return { name };
}

export function repositoryRef(
  namespace: string,
  name: string,
  argumentNames = { namespace: 'namespace', name: 'name' },
): RepositoryModel {
  namespaceRef(namespace, argumentNames.namespace);
  if (!isValidRepositoryName(name)) {
    throw badUserInput(
      `${quoted(name)} is not a valid SWR repository name: 1 to 128 lowercase letters, digits, separators (. _ -) and /.`,
      argumentNames.name,
    );
  }
  return { namespace, name };
}

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

/** The organizations the token may see. */
export function listNamespaces(context: GatewayContext): Promise<NamespaceModel[]> {
  return withUpstream(context, 'the organizations', async (loaders) => {
    const namespaces = await loaders.namespaces.list();
    return namespaces.map(({ name }) => ({ name }));
  });
}

/** An organization's record, read once per request (or primed by the list). */
function namespaceRecord(name: string, context: GatewayContext): Promise<SwrNamespace> {
  return withUpstream(context, `the organization ${name}`, (loaders) =>
    loaders.namespaces.byName.load(name),
  );
}

/**
 * `Query.namespace`: the organization, or null when SWR does not know it. `alongside` starts the
 * reads the organization's fields will make (its repository lists), sent together with the check
 * rather than one round trip after it: their answers wait in the request's loaders for the
 * fields. When the organization turns out not to exist, no field runs; those reads are dropped,
 * and so are their errors.
 */
export async function findNamespace(
  name: string,
  context: GatewayContext,
  alongside: (namespace: NamespaceModel) => Promise<unknown>[] = () => [],
): Promise<NamespaceModel | null> {
  const namespace = namespaceRef(name, 'name');
  const check = namespaceRecord(name, context);
  try {
    for (const read of alongside(namespace)) read.catch(() => undefined);
  } catch {
    // The fields meet the same error when they run, and report it there.
  }
  try {
    await check;
    return namespace;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

const PERMISSIONS: Readonly<Record<number, NamespacePermission>> = {
  7: 'MANAGE',
  3: 'EDIT',
  1: 'READ',
};

export const namespaceFields = {
  creatorName: async ({ name }: NamespaceModel, _args: unknown, context: GatewayContext) =>
    (await namespaceRecord(name, context)).creator_name,
  permission: async ({ name }: NamespaceModel, _args: unknown, context: GatewayContext) =>
    PERMISSIONS[(await namespaceRecord(name, context)).auth] ?? null,
};

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

/**
 * `Mutation.deleteTag`: one DELETE, never retried. Whatever SWR answers, the request's loaders
 * forget the repository, since even a failed attempt may have deleted the tag.
 */
export async function deleteTag(
  input: DeleteTagInput,
  context: GatewayContext,
): Promise<DeleteTagPayloadModel> {
  const repository = repositoryRef(input.namespace, input.repository, {
    namespace: 'input.namespace',
    name: 'input.repository',
  });
  if (!isValidTagName(input.tag)) {
    throw badUserInput(`${quoted(input.tag)} is not a valid tag name.`, 'input.tag');
  }
  const subject = `the tag ${repository.namespace}/${repository.name}:${input.tag}`;
  await withUpstream(context, subject, async (loaders, session) => {
    try {
      await session.limit(() =>
        session.client.deleteTag(session.token, repository, input.tag, session.call),
      );
    } finally {
      forgetRepository(loaders, repository);
    }
  });
  return { deletedTagId: tagGlobalId(repository, input.tag), repository };
}

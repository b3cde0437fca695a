import { GraphQLError } from 'graphql';
import { badUserInput, quoted, toGraphQLError } from './errors';
import type { GatewayContext } from './context';
import { forgetRepository } from '../loaders/request-loaders';
import type { DeleteTagInput, DeleteTagsInput } from '../generated/resolvers-types';
import { limitConcurrency } from '../loaders/concurrency';
import type { UpstreamSession } from '../loaders/session';
import type { RepositoryRef } from '../swr/client';
import { isValidTagName } from '../swr/names';
import { tagGlobalId } from './ids';
import type {
  DeleteTagFailureModel,
  DeleteTagPayloadModel,
  DeleteTagsPayloadModel,
} from './models';
import { repositoryRef } from './refs';
import { withUpstream } from './upstream';

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

/** The most tags one `deleteTags` deletes, as GitLab's `destroyContainerRepositoryTags` does. */
export const MAX_DELETED_TAGS = 20;

/** Deletions in flight at once: a select-all must not crowd out SWR for everyone else. */
const DELETE_CONCURRENCY = 4;

/** The names to delete, each once, or `BAD_USER_INPUT` before anything is deleted. */
export function tagsToDelete(tags: readonly string[]): string[] {
  const names = [...new Set(tags)];
  if (names.length < 1 || tags.length > MAX_DELETED_TAGS) {
    throw badUserInput(
      `\`input.tags\` must hold 1 to ${MAX_DELETED_TAGS} tag names.`,
      'input.tags',
    );
  }
  const invalid = names.find((name) => !isValidTagName(name));
  if (invalid !== undefined) {
    throw badUserInput(`${quoted(invalid)} is not a valid tag name.`, 'input.tags');
  }
  return names;
}

/** What a caller learns of one deletion that failed: the code `deleteTag` would have given. */
function failureOf(tag: string, error: unknown, repository: RepositoryRef): DeleteTagFailureModel {
  const mapped = toGraphQLError(error, `the tag ${repository.namespace}/${repository.name}:${tag}`);
  if (mapped instanceof GraphQLError) {
    return { tag, code: String(mapped.extensions.code), message: mapped.message };
  }
  return { tag, code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' };
}

/** Deletes each tag once, a few at a time; the tags that could not be deleted, and why. */
async function deleteEach(
  session: UpstreamSession,
  repository: RepositoryRef,
  tags: readonly string[],
): Promise<(DeleteTagFailureModel | null)[]> {
  const limit = limitConcurrency(DELETE_CONCURRENCY);
  return Promise.all(
    tags.map((tag) =>
      limit(() =>
        session.limit(() => session.client.deleteTag(session.token, repository, tag, session.call)),
      ).then(
        () => null,
        (error: unknown) => failureOf(tag, error, repository),
      ),
    ),
  );
}

/**
 * `Mutation.deleteTags`: one DELETE per tag, never retried; a failure is reported beside the
 * deletions that succeeded. The request's loaders then forget the repository.
 */
export async function deleteTags(
  input: DeleteTagsInput,
  context: GatewayContext,
): Promise<DeleteTagsPayloadModel> {
  const repository = repositoryRef(input.namespace, input.repository, {
    namespace: 'input.namespace',
    name: 'input.repository',
  });
  const tags = tagsToDelete(input.tags);
  const subject = `the repository ${repository.namespace}/${repository.name}`;
  const outcomes = await withUpstream(context, subject, async (loaders, session) => {
    try {
      return await deleteEach(session, repository, tags);
    } finally {
      forgetRepository(loaders, repository);
    }
  });
  return {
    deletedTagIds: tags
      .filter((_, index) => outcomes[index] === null)
      .map((tag) => tagGlobalId(repository, tag)),
    failures: outcomes.filter((outcome) => outcome !== null),
    repository,
  };
}

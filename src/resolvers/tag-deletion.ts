import { badUserInput, quoted } from '../graphql/errors';
import { forgetRepository, type GatewayContext } from '../graphql/context';
import type { DeleteTagInput } from '../generated/resolvers-types';
import { isValidTagName } from '../swr/names';
import { tagGlobalId } from './ids';
import type { DeleteTagPayloadModel } from './models';
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

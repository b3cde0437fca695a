import { badUserInput } from './errors';
import type { GatewayContext } from './context';
import { parseGlobalId, parseTagGlobalId, type GlobalId, type TagId } from './ids';
import type { NamespaceModel, RepositoryModel, TagModel } from './models';
import { findNamespace } from './namespaces';
import { findTag } from './repository-fields';
import { isNotFound } from './upstream';

/**
 * Refetching by global id (`Query.node`, `Query.nodes`, federation references to a `Tag`): the
 * id is checked before anything reaches SWR, and each type is read as its own field reads it.
 */

export type NodeModel = TagModel | RepositoryModel | NamespaceModel;

/** The most ids one `nodes` call accepts. */
export const MAX_NODE_IDS = 100;

function notAnId(value: string, argument: string) {
  return badUserInput(`\`${value}\` is not an id of this API.`, argument);
}

/** A tag that no longer exists is null (Relay's rule for `node`), as is one SWR does not show. */
async function tagOf({ repository, name }: TagId, context: GatewayContext) {
  try {
    const tag = await findTag(repository, name, context);
    return tag && { tag, repository };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** The tag a global id names, for federation references to a `Tag`. */
export function tagById(id: string, context: GatewayContext): Promise<TagModel | null> {
  const tagId = parseTagGlobalId(id);
  if (!tagId) throw notAnId('id', 'id');
  return tagOf(tagId, context);
}

/**
 * The object an id names. A repository is not looked up, as with `Query.repository`: a field
 * that reads SWR says whether it exists. An organization is, as with `Query.namespace`.
 */
function nodeOf(id: GlobalId, context: GatewayContext): Promise<NodeModel | null> | NodeModel {
  switch (id.type) {
    case 'Tag':
      return tagOf(id, context);
    case 'Repository':
      return id.repository;
    case 'Namespace':
      return findNamespace(id.name, context);
  }
}

export function nodeById(
  id: string,
  context: GatewayContext,
): Promise<NodeModel | null> | NodeModel {
  const parsed = parseGlobalId(id);
  if (!parsed) throw notAnId('id', 'id');
  return nodeOf(parsed, context);
}

/**
 * `Query.nodes`: every id is checked before any is fetched, so that bad input costs SWR nothing;
 * then each resolves on its own, a failure or a missing object null in its place.
 */
export function nodesByIds(
  ids: readonly string[],
  context: GatewayContext,
): (Promise<NodeModel> | NodeModel)[] {
  if (ids.length > MAX_NODE_IDS) {
    throw badUserInput(
      `\`ids\` holds ${ids.length} ids; \`nodes\` accepts at most ${MAX_NODE_IDS}.`,
      'ids',
    );
  }
  const parsed = ids.map((id, index) => {
    const node = parseGlobalId(id);
    if (!node) throw notAnId(`ids[${index}]`, 'ids');
    return node;
  });
  // graphql-js awaits each item and puts null in the place of one that resolves to null; the
  // generated resolver types only allow a list item's promise to hold an object.
  return parsed.map((id) => nodeOf(id, context) as Promise<NodeModel> | NodeModel);
}

/** The type of a refetched object, from the model its resolver made. */
export function nodeType(node: NodeModel): 'Tag' | 'Repository' | 'Namespace' {
  if ('tag' in node) return 'Tag';
  return 'namespace' in node ? 'Repository' : 'Namespace';
}

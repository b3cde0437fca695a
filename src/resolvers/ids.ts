import type { RepositoryRef } from '../swr/client';
import { isValidNamespace, isValidRepositoryName, isValidTagName } from '../swr/names';

/**
 * Global object ids for `Node`: base64url of `Tag:{namespace}/{repository}:{tag}`. A namespace
 * holds no `/` and a tag name no `:`, so the parts split back unambiguously.
 */

export interface TagId {
  repository: RepositoryRef;
  name: string;
}

export function tagGlobalId(repository: RepositoryRef, name: string): string {
  return Buffer.from(`Tag:${repository.namespace}/${repository.name}:${name}`).toString(
    'base64url',
  );
}

/** The tag an id names, or null when the string is not an id this API issued. */
export function parseTagGlobalId(id: string): TagId | null {
  if (id.length > 400 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  if (!decoded.startsWith('Tag:')) return null;
  const body = decoded.slice('Tag:'.length);
  const slash = body.indexOf('/');
  const colon = body.lastIndexOf(':');
  if (slash < 0 || colon < slash) return null;
  const namespace = body.slice(0, slash);
  const repository = body.slice(slash + 1, colon);
  const name = body.slice(colon + 1);
  if (!isValidNamespace(namespace) || !isValidRepositoryName(repository) || !isValidTagName(name)) {
    return null;
  }
  return { repository: { namespace, name: repository }, name };
}

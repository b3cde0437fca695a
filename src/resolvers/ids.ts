import type { RepositoryRef } from '../swr/client';
import { isValidNamespace, isValidRepositoryName, isValidTagName } from '../swr/names';

/**
 * Global object ids for `Node`: base64url of the type name and the names of the object,
 *
 *   Tag:{namespace}/{repository}:{tag}
 *   Repository:{namespace}/{repository}
 *   Namespace:{namespace}
 *
 * An id names the object and nothing else (no token, no request), so every caller and every
 * request sees the same id for it. A namespace holds no `/` and a tag name no `:`, so the parts
 * split back unambiguously; only the one canonical encoding of a valid payload is an id.
 */

export type GlobalId =
  | { type: 'Tag'; repository: RepositoryRef; name: string }
  | { type: 'Repository'; repository: RepositoryRef }
  | { type: 'Namespace'; name: string };

export type TagId = Extract<GlobalId, { type: 'Tag' }>;

function encode(payload: string): string {
  return Buffer.from(payload).toString('base64url');
}

export function tagGlobalId(repository: RepositoryRef, name: string): string {
  return encode(`Tag:${repository.namespace}/${repository.name}:${name}`);
}

export function repositoryGlobalId(repository: RepositoryRef): string {
  return encode(`Repository:${repository.namespace}/${repository.name}`);
}

export function namespaceGlobalId(name: string): string {
  return encode(`Namespace:${name}`);
}

/** `{namespace}/{repository}` as a repository, or null when either name is not valid. */
function repositoryOf(path: string): RepositoryRef | null {
  const slash = path.indexOf('/');
  if (slash < 0) return null;
  const namespace = path.slice(0, slash);
  const name = path.slice(slash + 1);
  return isValidNamespace(namespace) && isValidRepositoryName(name) ? { namespace, name } : null;
}

function parsePayload(payload: string): GlobalId | null {
  const colon = payload.indexOf(':');
  if (colon < 0) return null;
  const type = payload.slice(0, colon);
  const body = payload.slice(colon + 1);
  switch (type) {
    case 'Tag': {
      const last = body.lastIndexOf(':');
      const repository = last < 0 ? null : repositoryOf(body.slice(0, last));
      const name = body.slice(last + 1);
      return repository && isValidTagName(name) ? { type, repository, name } : null;
    }
    case 'Repository': {
      const repository = repositoryOf(body);
      return repository && { type, repository };
    }
    case 'Namespace':
      return isValidNamespace(body) ? { type, name: body } : null;
    default:
      return null;
  }
}

/** The object an id names, or null when the string is not an id this API issued. */
export function parseGlobalId(id: string): GlobalId | null {
  if (id.length > 400 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const payload = Buffer.from(id, 'base64url').toString('utf8');
  const parsed = parsePayload(payload);
  return parsed && encode(payload) === id ? parsed : null;
}

/** The tag an id names, or null when the string is not a tag id this API issued. */
export function parseTagGlobalId(id: string): TagId | null {
  const parsed = parseGlobalId(id);
  return parsed?.type === 'Tag' ? parsed : null;
}

import DataLoader from 'dataloader';
import type { RepositoryRef } from '../swr/client';
import type { SwrRepositoryDetails, SwrRepositoryFields, SwrRepositorySummary } from '../swr/types';
import type { UpstreamSession } from './session';

/**
 * A repository's details, per GraphQL request: read with
 * `GET /v2/manage/namespaces/{namespace}/repos/{repository}` once per repository however many
 * fields ask, or taken from the repository list when the repository came from it (the list's
 * records carry the same facts, so the resolver primes this loader with them).
 */

/** What the gateway serves of a repository, from either endpoint. */
export interface RepositoryDetails {
  category: string;
  description: string;
  isPublic: boolean;
  size: number | bigint;
  tagCount: number;
  downloadCount: number;
  createdAt: string;
  updatedAt: string;
  pullPath: string;
  internalPullPath: string;
}

/** The details a repository's record holds, with its times from either endpoint. */
function details(record: SwrRepositoryFields, created: string, updated: string): RepositoryDetails {
  return {
    category: record.category,
    description: record.description,
    isPublic: record.is_public,
    size: record.size,
    tagCount: record.num_images,
    downloadCount: record.num_download,
    createdAt: created,
    updatedAt: updated,
    pullPath: record.path,
    internalPullPath: record.internal_path,
  };
}

/** The details an element of the repository list holds. */
export function detailsFromSummary(record: SwrRepositorySummary): RepositoryDetails {
  return details(record, record.created_at, record.updated_at);
}

function detailsFromRecord(record: SwrRepositoryDetails): RepositoryDetails {
  return details(record, record.created, record.updated);
}

export function createRepositoryDetailsLoader(
  session: UpstreamSession,
): DataLoader<RepositoryRef, RepositoryDetails, string> {
  const { client, token, call, limit } = session;
  return new DataLoader(
    (keys: readonly RepositoryRef[]) =>
      Promise.all(
        keys.map((key) =>
          limit(() => client.getRepository(token, key, call)).then(
            detailsFromRecord,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          ),
        ),
      ),
    {
      cacheKeyFn: (key) => JSON.stringify([key.namespace, key.name]),
      name: 'repositoryDetails',
    },
  );
}

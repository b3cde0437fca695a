import { MAX_INT } from '../pagination/bounds';
import { isDateTime } from './time';
import type { SwrNamespace, SwrRepositoryDetails, SwrRepositorySummary, SwrTag } from './types';

/**
 * Checks of the records SWR answers with: whether a value has every field the schema promises,
 * of the right kind. A record that fails makes the whole answer malformed — an upstream error,
 * never a crash later in a resolver.
 */

type Fields = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** GraphQL's largest `Int`: no count or list of SWR's that the gateway serves is larger. */
export { MAX_INT };

function hasStrings(record: Fields, fields: readonly string[]): boolean {
  return fields.every((field) => typeof record[field] === 'string');
}

/** A byte count: documented up to 2^63-1, so a bigint beyond 2^53 (see `decodeJson`). */
function isSize(value: unknown): value is number | bigint {
  return typeof value === 'bigint'
    ? value >= 0n
    : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A count that GraphQL's `Int` holds. */
function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INT;
}

const TAG_STRINGS = ['Tag', 'image_id', 'manifest', 'digest', 'path', 'internal_path', 'domain_id'];

/** An element of the tag list. */
export function isSwrTag(value: unknown): value is SwrTag {
  if (!isRecord(value) || !hasStrings(value, TAG_STRINGS)) return false;
  return (
    isDateTime(value.created) &&
    isDateTime(value.updated) &&
    (value.deleted === null || value.deleted === undefined || isDateTime(value.deleted)) &&
    Number.isInteger(value.schema) &&
    Number.isInteger(value.tag_type) &&
    typeof value.is_trusted === 'boolean' &&
    isSize(value.size)
  );
}

/** An element of the namespace list. */
export function isSwrNamespace(value: unknown): value is SwrNamespace {
  return (
    isRecord(value) &&
    hasStrings(value, ['name', 'creator_name']) &&
    Number.isInteger(value.id) &&
    Number.isInteger(value.auth)
  );
}

/** The namespace list: `{"namespaces": [...]}`. */
export function isSwrNamespaceList(value: unknown): value is { namespaces: SwrNamespace[] } {
  return (
    isRecord(value) && Array.isArray(value.namespaces) && value.namespaces.every(isSwrNamespace)
  );
}

/**
 * A repository as the repository list and the details endpoint both give it, with its times
 * under the names that endpoint spells them.
 */
function isRepository(value: unknown, created: string, updated: string): value is Fields {
  return (
    isRecord(value) &&
    hasStrings(value, ['name', 'category', 'description', 'path', 'internal_path']) &&
    isSize(value.size) &&
    typeof value.is_public === 'boolean' &&
    isCount(value.num_images) &&
    isCount(value.num_download) &&
    isDateTime(value[created]) &&
    isDateTime(value[updated])
  );
}

/** An element of the repository list. */
export function isSwrRepositorySummary(value: unknown): value is SwrRepositorySummary {
  return isRepository(value, 'created_at', 'updated_at') && typeof value.namespace === 'string';
}

/** The answer of the repository-details endpoint. */
export function isSwrRepositoryDetails(value: unknown): value is SwrRepositoryDetails {
  return isRepository(value, 'created', 'updated');
}

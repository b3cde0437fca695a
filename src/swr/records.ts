import { MAX_INT } from '../pagination/bounds';
import { isDateTime } from './time';
import type {
  SwrNamespace,
  SwrRepositoryDetails,
  SwrRepositoryFields,
  SwrRepositorySummary,
  SwrTag,
} from './types';

/**
 * Reading SWR's records: a tolerant reader with a strict core, decided field by field here and
 * nowhere else. SWR's servers are written in Go and leave empty fields out, and every vendor
 * client (Huawei Cloud's SDKs, gophertelekomcloud, the Terraform providers) reads every field
 * with its type's zero value; so does the gateway, with the defaults below, which the schema's
 * descriptions repeat where a client sees them. A record fails only for a field the gateway
 * cannot serve without:
 *
 * | record     | strict core                                   | everything else                    |
 * | ---------- | --------------------------------------------- | ---------------------------------- |
 * | tag        | `Tag` (its name: identity and cursors),       | `created` → `updated`; strings     |
 * |            | `updated` (the time order and its cursors)    | → `""`; `size` → 0; `is_trusted` → |
 * |            |                                               | → false; `schema` → 2; `tag_type`  |
 * |            |                                               | → 0; `deleted` → null; `scanned`   |
 * |            |                                               | → absent (null in GraphQL)         |
 * | repository | `name`; in the list also `namespace` (the     | strings → `""`; counts and `size`  |
 * |            | organization check)                           | → 0; `is_public` → false; a       |
 * |            |                                               | missing time → the other one, or   |
 * |            |                                               | `EPOCH` when both are missing      |
 * | namespace  | `name`                                        | `creator_name` → `""`; `auth` → 0  |
 * |            |                                               | (no permission SWR names)          |
 *
 * A record of a paged list without its core fails the page (an upstream error): dropping it
 * would shift every offset after it, and with them the cursors. The organization list is not
 * paged, so an organization without a name is left out of it instead.
 */

type Fields = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** GraphQL's largest `Int`: no count or list of SWR's that the gateway serves is larger. */
export { MAX_INT };

/** The time served for a repository whose record carries neither of its times. */
export const EPOCH = '1970-01-01T00:00:00Z';

/** The manifest schema served when SWR leaves it out: every current registry writes 2. */
const DEFAULT_SCHEMA = 2;

/** The core field a record lacks. */
export interface Missing {
  missing: string;
}

/** A record read, or the name of the core field it lacks. */
export type Read<T> = T | Missing;

export function isMissing<T>(read: Read<T>): read is Missing {
  return isRecord(read) && typeof read.missing === 'string' && Object.keys(read).length === 1;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function flag(value: unknown): boolean {
  return typeof value === 'boolean' ? value : false;
}

/** A count that GraphQL's `Int` holds; 0 for anything else. */
function count(value: unknown): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INT
    ? (value as number)
    : 0;
}

/** A byte count: documented up to 2^63-1, so a bigint beyond 2^53 (see `decodeJson`); else 0. */
function size(value: unknown): number | bigint {
  if (typeof value === 'bigint') return value >= 0n ? value : 0;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function name(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function time(value: unknown): string | null {
  return isDateTime(value) ? value : null;
}

/** An element of the tag list. */
export function readTag(value: unknown): Read<SwrTag> {
  if (!isRecord(value)) return { missing: 'the record itself' };
  const tag = name(value.Tag);
  if (tag === null) return { missing: 'Tag' };
  const updated = time(value.updated);
  if (updated === null) return { missing: 'updated' };
  const read: SwrTag = {
    id: count(value.id),
    repo_id: count(value.repo_id),
    Tag: tag,
    image_id: text(value.image_id),
    manifest: text(value.manifest),
    digest: text(value.digest),
    schema: Number.isInteger(value.schema) ? (value.schema as number) : DEFAULT_SCHEMA,
    path: text(value.path),
    internal_path: text(value.internal_path),
    size: size(value.size),
    is_trusted: flag(value.is_trusted),
    created: time(value.created) ?? updated,
    updated,
    deleted: time(value.deleted),
    domain_id: text(value.domain_id),
    tag_type: value.tag_type === 1 ? 1 : 0,
  };
  if (typeof value.scanned === 'boolean') read.scanned = value.scanned;
  return read;
}

/** An element of the namespace list, and the answer for one namespace. */
export function readNamespace(value: unknown): Read<SwrNamespace> {
  if (!isRecord(value)) return { missing: 'the record itself' };
  const namespace = name(value.name);
  if (namespace === null) return { missing: 'name' };
  return {
    name: namespace,
    creator_name: text(value.creator_name),
    auth: Number.isInteger(value.auth) ? (value.auth as number) : 0,
  };
}

/** The namespace list, `{"namespaces": [...]}`: an organization without a name is left out. */
export function readNamespaceList(value: unknown): Read<SwrNamespace[]> {
  if (!isRecord(value) || !Array.isArray(value.namespaces)) return { missing: 'namespaces' };
  return value.namespaces.map(readNamespace).filter((read) => !isMissing(read)) as SwrNamespace[];
}

/** A repository record's shared fields read, with its raw fields and its two times. */
interface RepositoryRead {
  fields: Fields;
  times: { created: string; updated: string };
  repository: SwrRepositoryFields;
}

/** The fields both repository records share, their times under the names the endpoint uses. */
function readRepository(value: unknown, created: string, updated: string): Read<RepositoryRead> {
  if (!isRecord(value)) return { missing: 'the record itself' };
  const repository = name(value.name);
  if (repository === null) return { missing: 'name' };
  const createdAt = time(value[created]);
  const updatedAt = time(value[updated]);
  return {
    fields: value,
    times: { created: createdAt ?? updatedAt ?? EPOCH, updated: updatedAt ?? createdAt ?? EPOCH },
    repository: {
      name: repository,
      category: text(value.category),
      description: text(value.description),
      size: size(value.size),
      is_public: flag(value.is_public),
      num_images: count(value.num_images),
      num_download: count(value.num_download),
      path: text(value.path),
      internal_path: text(value.internal_path),
    },
  };
}

/** An element of the repository list. */
export function readRepositorySummary(value: unknown): Read<SwrRepositorySummary> {
  const read = readRepository(value, 'created_at', 'updated_at');
  if (isMissing(read)) return read;
  const namespace = name(read.fields.namespace);
  if (namespace === null) return { missing: 'namespace' };
  return {
    ...read.repository,
    namespace,
    created_at: read.times.created,
    updated_at: read.times.updated,
  };
}

/** The answer of the repository-details endpoint. */
export function readRepositoryDetails(value: unknown): Read<SwrRepositoryDetails> {
  const read = readRepository(value, 'created', 'updated');
  if (isMissing(read)) return read;
  return { ...read.repository, created: read.times.created, updated: read.times.updated };
}

/**
 * `total_range`, which the repository list carries in every record (Huawei's Terraform provider
 * pages by it): the total when `Content-Range` is missing; null when no record carries it.
 */
export function totalRangeOf(items: readonly unknown[]): number | null {
  const first = items[0];
  if (!isRecord(first)) return null;
  const total = first.total_range;
  return Number.isInteger(total) && (total as number) >= 0 && (total as number) <= MAX_INT
    ? (total as number)
    : null;
}

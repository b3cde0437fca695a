/**
 * SWR's wire records, as the sandbox writes them: the fields and their spelling from SWR's
 * documentation (`shared/upstream/SWR.md` and the API reference page beside it), never from the
 * gateway's client, so that the sandbox tests the client's reading of SWR instead of sharing it.
 * Records are immutable: a change makes new ones (see repositories.ts).
 */

/** `order_type` of every SWR list. */
export type OrderType = 'asc' | 'desc';

/** `order_column` of the tag list: `updated_at` (the seed page) or `tag` (newer docs). */
export const TAG_ORDER_COLUMNS = ['updated_at', 'tag'] as const;
export type TagOrderColumn = (typeof TAG_ORDER_COLUMNS)[number];

/** `order_column` of the repository list. */
export const REPOSITORY_ORDER_COLUMNS = [
  'updated_time',
  'name',
  'tag_count',
  'namespace',
  'is_public',
] as const;
export type RepositoryOrderColumn = (typeof REPOSITORY_ORDER_COLUMNS)[number];

/** The documented range of `size` ends at 2^63-1, far beyond the 2^53 a number holds exactly. */
export const MAX_SIZE = 9223372036854775807n;

/**
 * An element of the tag list, keys in the order SWR writes them (`scanned` only where newer
 * servers send it). `size` is a bigint beyond 2^53.
 */
export interface TagRecord {
  readonly id: number;
  readonly repo_id: number;
  /** Capital T in this endpoint only. */
  readonly Tag: string;
  readonly image_id: string;
  /** The manifest as a JSON string. */
  readonly manifest: string;
  readonly digest: string;
  readonly schema: number;
  readonly path: string;
  readonly internal_path: string;
  readonly size: number | bigint;
  readonly is_trusted: boolean;
  readonly created: string;
  readonly updated: string;
  readonly deleted: string | null;
  readonly domain_id: string;
  readonly scanned?: boolean;
  /** 0 manifest, 1 manifest list. */
  readonly tag_type: number;
}

/** An element of `GET /v2/manage/repos`, without `total_range` (it depends on the query). */
export interface RepositorySummaryRecord {
  readonly name: string;
  readonly category: string;
  readonly description: string;
  readonly size: number | bigint;
  readonly is_public: boolean;
  /** The number of tags. */
  readonly num_images: number;
  readonly num_download: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly logo: string;
  readonly url: string;
  readonly path: string;
  readonly internal_path: string;
  readonly domain_name: string;
  readonly namespace: string;
  /** The names of its tags. */
  readonly tags: readonly string[];
  readonly status: boolean;
}

const BIGINT_MARK = /"__sandbox_bigint__(\d+)__"/g;

/** `JSON.stringify` that writes bigints as exact JSON integers. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? `__sandbox_bigint__${v.toString()}__` : v,
  ).replace(BIGINT_MARK, '$1');
}

/** A tag's wire JSON: its record is built with its keys in SWR's order. */
export function serializeTag(tag: TagRecord): string {
  return stringifyExact(tag);
}

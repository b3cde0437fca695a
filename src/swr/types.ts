/**
 * SWR's wire types, spelled exactly as the upstream spells them (see the API reference page
 * "Querying the List of Image Repository Tags"). Nothing here is GraphQL's business.
 */

/**
 * One element of `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags`, as read (see
 * `records.ts` for each field's default when SWR leaves it out).
 */
export interface SwrTag {
  id: number;
  repo_id: number;
  /** The tag name. Capital T in this endpoint only. */
  Tag: string;
  image_id: string;
  /** The image manifest as a JSON string (Docker v2 manifest, or a manifest list). */
  manifest: string;
  digest: string;
  /** Docker manifest schema version, 1 or 2. */
  schema: number;
  path: string;
  internal_path: string;
  /**
   * Bytes, documented up to 2^63-1. A value beyond 2^53 arrives as a bigint so that no
   * precision is lost in parsing (see `decodeJson`).
   */
  size: number | bigint;
  is_trusted: boolean;
  created: string;
  updated: string;
  /** Null when not deleted (or when SWR leaves it out, or writes `""`). */
  deleted: string | null;
  domain_id: string;
  /** Newer servers only; absent when SWR does not say. */
  scanned?: boolean;
  /** 0 manifest, 1 manifest list. */
  tag_type: number;
}

/** `order_column` of the tag list. */
export type SwrTagOrderColumn = 'updated_at' | 'tag';
/** `order_type` of every SWR list. */
export type SwrOrderType = 'asc' | 'desc';

/** The query of one tag-list request, as the gateway always sends it. */
export interface SwrTagListQuery {
  offset: number;
  limit: number;
  orderColumn: SwrTagOrderColumn;
  orderType: SwrOrderType;
  /** Substring filter on the tag name; absent means no filter. */
  tag?: string;
}

/** One page of a list, with the total that `Content-Range` reports. */
export interface SwrPage<T> {
  items: T[];
  total: number;
}

/** One element of `GET /v2/manage/namespaces` (and the answer of `GET .../namespaces/{name}`). */
export interface SwrNamespace {
  name: string;
  creator_name: string;
  /** The caller's permission on the organization: 7 manage, 3 edit, 1 read. */
  auth: number;
}

/** The fields a repository has in both the repository list and the details endpoint. */
export interface SwrRepositoryFields {
  name: string;
  category: string;
  description: string;
  /** Bytes; a bigint beyond 2^53, as the tag's size. */
  size: number | bigint;
  is_public: boolean;
  /** The number of tags. */
  num_images: number;
  num_download: number;
  path: string;
  internal_path: string;
}

/**
 * One element of `GET /v2/manage/repos`. Only the fields the gateway serves are read; the
 * others (`logo`, `url`, `domain_name`, `tags`, `status`) are passed over, and `total_range` is
 * the page's total when `Content-Range` is missing.
 */
export interface SwrRepositorySummary extends SwrRepositoryFields {
  namespace: string;
  created_at: string;
  updated_at: string;
}

/**
 * The answer of `GET /v2/manage/namespaces/{namespace}/repos/{repository}`. Only the fields the
 * gateway serves are read; the others (`id`, `ns_id`, `creator_id`, `creator_name`, `url`,
 * `domain_id`, `priority`) are passed over.
 */
export interface SwrRepositoryDetails extends SwrRepositoryFields {
  created: string;
  updated: string;
}

/** `order_column` of the repository list; the time column has two spellings (see variants.ts). */
export type SwrRepositoryOrderColumn =
  'updated_time' | 'updated_at' | 'name' | 'tag_count' | 'namespace' | 'is_public';

/** The query of one repository-list request, as the gateway always sends it. */
export interface SwrRepositoryListQuery {
  namespace: string;
  offset: number;
  limit: number;
  orderColumn: SwrRepositoryOrderColumn;
  orderType: SwrOrderType;
  /** Substring filter on the repository name; absent means no filter. */
  name?: string;
  /** Exact filter on the category; absent means every category. */
  category?: string;
}

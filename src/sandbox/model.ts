/**
 * The sandbox's data, as its endpoints serve it: organizations, their repositories and tags, each
 * with its wire JSON serialised once and every list order precomputed, so that the server only
 * slices and joins. Everything is immutable: a change makes new objects (see repositories.ts).
 */
import type {
  OrderType,
  RepositoryOrderColumn,
  RepositorySummaryRecord,
  TagOrderColumn,
  TagRecord,
} from './wire';

/** A tag together with its pre-serialised wire JSON. */
export interface SandboxTag {
  readonly tag: TagRecord;
  readonly json: string;
}

/** `{order_column}:{order_type}` of the tag list. */
export type TagOrderKey = `${TagOrderColumn}:${OrderType}`;

/** `{order_column}:{order_type}` of the repository list. */
export type RepositoryOrderKey = `${RepositoryOrderColumn}:${OrderType}`;

/** What deleting a tag leaves unchanged. */
export interface RepositoryMeta {
  readonly id: number;
  readonly nsId: number;
  readonly namespace: string;
  readonly name: string;
  readonly category: string;
  readonly description: string;
  readonly isPublic: boolean;
  readonly downloads: number;
  readonly created: string;
  readonly updated: string;
  readonly creatorId: string;
  readonly creatorName: string;
  readonly domainId: string;
  readonly domainName: string;
  readonly path: string;
  readonly internalPath: string;
}

/** A repository's records in the repository list and the details endpoint. */
export interface RepositoryRecords {
  readonly summary: RepositorySummaryRecord;
  /** The details endpoint's record, for the flavors that write it otherwise. */
  readonly details: object;
  /** The list element's JSON without its closing `}`, so that `total_range` can follow. */
  readonly summaryJsonOpen: string;
  readonly detailsJson: string;
}

export interface SandboxRepository {
  readonly id: number;
  readonly namespace: string;
  /** The real name; may contain `/` (sent as `$` on the wire). */
  readonly name: string;
  /** In creation (id) order. */
  readonly tags: readonly SandboxTag[];
  /** The four precomputed sort orders. */
  readonly orders: Readonly<Record<TagOrderKey, readonly SandboxTag[]>>;
  readonly meta: RepositoryMeta;
  readonly records: RepositoryRecords;
}

export interface SandboxNamespace {
  readonly id: number;
  readonly name: string;
  /** The account that owns it. */
  readonly account: string;
  readonly creatorName: string;
  /** The account's permission: 7 manage, 3 edit, 1 read. */
  readonly auth: number;
  /** `{id, name, creator_name, auth}`, serialised. */
  readonly json: string;
  readonly repositories: ReadonlyMap<string, SandboxRepository>;
  /** The repository list's precomputed sort orders. */
  readonly orders: Readonly<Record<RepositoryOrderKey, readonly SandboxRepository[]>>;
}

export interface SandboxAccount {
  readonly name: string;
  readonly domainId: string;
  readonly namespaces: readonly string[];
}

export interface SandboxDataset {
  readonly seed: number;
  readonly accounts: ReadonlyMap<string, SandboxAccount>;
  readonly namespaces: ReadonlyMap<string, SandboxNamespace>;
}

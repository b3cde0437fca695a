/**
 * Deterministic demo data for the embedded SWR sandbox.
 *
 * Everything is derived from seeded PRNGs (mulberry32), so two builds with the same seed are
 * byte-identical. Every tag, repository and organization is serialised to its wire JSON exactly
 * once, here, and the four tag orders of every repository and the repository orders of every
 * organization are precomputed, so the server only slices and joins. The dataset never changes:
 * a sandbox that deletes a tag keeps its changes to itself (see state.ts).
 */
import { createHash } from 'node:crypto';

import type {
  SwrOrderType,
  SwrRepositoryOrderColumn,
  SwrTag,
  SwrTagOrderColumn,
} from '../swr/types';
import { stringifyExact } from './json';
import {
  repositoryOrders,
  repositoryRecords,
  sortRepositories,
  type RepositoryMeta,
  type RepositoryOrderKey,
  type RepositoryRecords,
  type SandboxRepositorySummary,
} from './repositories';

/** The seed of the default dataset. */
export const DEFAULT_SEED = 0x5a17b0c5;

export const DEMO_ACCOUNT = 'demo';
export const OTHER_ACCOUNT = 'other';
export const DEMO_DOMAIN_ID = '0503dda878000fed0f75c0096d70a960';
export const OTHER_DOMAIN_ID = '7c1e5b0f3d9a4e2b8f6a1c3d5e7f9a0b';

/** 2^63-1: the documented maximum of `size`, far beyond 2^53. */
export const HUGE_SIZE = 9223372036854775807n;

const REGISTRY = 'swr.eu-de.otc.t-systems.com';
const INTERNAL_REGISTRY = '10.125.0.198:20202';

/** A tag together with its pre-serialised wire JSON. */
export interface SandboxTag {
  readonly tag: SwrTag;
  readonly json: string;
}

/** `{order_column}:{order_type}`. */
export type TagOrderKey = `${SwrTagOrderColumn}:${SwrOrderType}`;

export const TAG_ORDER_KEYS: readonly TagOrderKey[] = [
  'updated_at:asc',
  'updated_at:desc',
  'tag:asc',
  'tag:desc',
];

export interface SandboxRepository {
  readonly id: number;
  readonly namespace: string;
  /** The real name; may contain `/` (sent as `$` on the wire). */
  readonly name: string;
  /** In creation (id) order. */
  readonly tags: readonly SandboxTag[];
  /** The four precomputed sort orders. */
  readonly orders: Readonly<Record<TagOrderKey, readonly SandboxTag[]>>;
  /** What deleting a tag leaves unchanged. */
  readonly meta: RepositoryMeta;
  /** Its records in the repository list and the details endpoint, serialised. */
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

// ---------------------------------------------------------------------------------------------
// Serialisation

export { stringifyExact };

/** The wire JSON of one tag, keys in the upstream's order, `size` exact even beyond 2^53. */
export function serializeTag(tag: SwrTag): string {
  const wire: Record<string, unknown> = {
    id: tag.id,
    repo_id: tag.repo_id,
    Tag: tag.Tag,
    image_id: tag.image_id,
    manifest: tag.manifest,
    digest: tag.digest,
    schema: tag.schema,
    path: tag.path,
    internal_path: tag.internal_path,
    size: tag.size,
    is_trusted: tag.is_trusted,
    created: tag.created,
    updated: tag.updated,
    deleted: tag.deleted,
    domain_id: tag.domain_id,
  };
  if (tag.scanned !== undefined) wire.scanned = tag.scanned;
  wire.tag_type = tag.tag_type;
  return stringifyExact(wire);
}

// ---------------------------------------------------------------------------------------------
// Sorting

function compareUpdated(a: SandboxTag, b: SandboxTag): number {
  if (a.tag.updated < b.tag.updated) return -1;
  if (a.tag.updated > b.tag.updated) return 1;
  return a.tag.id - b.tag.id;
}

function compareName(a: SandboxTag, b: SandboxTag): number {
  if (a.tag.Tag < b.tag.Tag) return -1;
  if (a.tag.Tag > b.tag.Tag) return 1;
  return a.tag.id - b.tag.id;
}

/**
 * Sorts tags: `updated_at` by `updated`, ties by `id` in the same direction; `tag` by name in
 * code-unit order. Descending is the exact reverse of ascending.
 */
export function sortTags(
  tags: readonly SandboxTag[],
  column: SwrTagOrderColumn,
  type: SwrOrderType,
): SandboxTag[] {
  const sorted = [...tags].sort(column === 'updated_at' ? compareUpdated : compareName);
  return type === 'asc' ? sorted : sorted.reverse();
}

// ---------------------------------------------------------------------------------------------
// PRNG and generators

/** mulberry32: a tiny, fast, seedable 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      out += Math.floor(this.next() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    }
    return out.slice(0, length);
  }
}

const START_2023 = Date.UTC(2023, 0, 1) / 1000;
// Demo history ends on 2026-10-31, so no tag looks pushed in the future.
const END_2026 = Date.UTC(2026, 9, 31, 23, 59, 59) / 1000;

function formatTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const SUFFIXES = ['alpine', 'slim', 'bookworm', 'alpine3.19', 'musl', 'perl', 'jammy'];
const PRERELEASES = ['rc.1', 'rc.2', 'beta.1', 'beta.2', 'alpha.3'];
const CHANNELS = ['stable', 'edge', 'mainline', 'nightly', 'lts'];

function randomTagName(rng: Rng): string {
  const semver = `${rng.int(0, 12)}.${rng.int(0, 30)}.${rng.int(0, 40)}`;
  const roll = rng.float();
  if (roll < 0.4) return semver;
  if (roll < 0.6) return `${semver}-${rng.pick(SUFFIXES)}`;
  if (roll < 0.72) return `v${semver}`;
  if (roll < 0.8) return `v${semver}-${rng.pick(PRERELEASES)}`;
  if (roll < 0.9) return `sha-${rng.hex(7)}`;
  if (roll < 0.98) {
    return `${rng.int(2023, 2026)}.${String(rng.int(1, 12)).padStart(2, '0')}.${String(rng.int(1, 28)).padStart(2, '0')}`;
  }
  return `${rng.pick(CHANNELS)}-${rng.int(1, 99)}`;
}

/** `count` unique names, `latest` first when `withLatest`. */
function randomTagNames(rng: Rng, count: number, withLatest: boolean): string[] {
  const names = new Set<string>();
  if (withLatest && count > 0) names.add('latest');
  while (names.size < count) names.add(randomTagName(rng));
  return [...names];
}

/** A total in [2 MB, 900 MB], log-uniform. */
function randomImageSize(rng: Rng): number {
  const lo = Math.log(2_000_000);
  const hi = Math.log(900_000_000);
  return Math.round(Math.exp(lo + rng.float() * (hi - lo)));
}

/** Splits `total` into `parts` positive integers that sum to it exactly. */
function splitSize(rng: Rng, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => 0.2 + rng.float());
  const sum = weights.reduce((s, w) => s + w, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((total * w) / sum)));
  const rest = total - sizes.reduce((s, x) => s + x, 0);
  sizes[0] = (sizes[0] ?? 0) + rest;
  return sizes;
}

const MT_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const MT_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const MT_CONFIG = 'application/vnd.docker.container.image.v1+json';
const MT_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const PLATFORMS: readonly Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: 's390x' },
  { os: 'windows', architecture: 'amd64' },
];

interface GeneratedImage {
  manifest: string;
  imageId: string;
  size: number | bigint;
}

function imageManifest(rng: Rng, layerSizes: readonly (number | bigint)[]): GeneratedImage {
  const imageId = rng.hex(64);
  const manifest = stringifyExact({
    schemaVersion: 2,
    mediaType: MT_MANIFEST,
    config: { mediaType: MT_CONFIG, size: rng.int(1200, 16000), digest: `sha256:${imageId}` },
    layers: layerSizes.map((size) => ({
      mediaType: MT_LAYER,
      size,
      digest: `sha256:${rng.hex(64)}`,
    })),
  });
  let size: number | bigint = 0;
  for (const s of layerSizes) {
    size = typeof s === 'bigint' || typeof size === 'bigint' ? BigInt(size) + BigInt(s) : size + s;
  }
  return { manifest, imageId, size };
}

function singleImage(rng: Rng): GeneratedImage {
  return imageManifest(rng, splitSize(rng, randomImageSize(rng), rng.int(1, 6)));
}

function manifestList(rng: Rng): GeneratedImage {
  const count = rng.int(2, 4);
  const platforms = [...PLATFORMS]
    .map((p) => ({ p, k: rng.float() }))
    .sort((a, b) => a.k - b.k)
    .slice(0, count)
    .map((x) => x.p);
  // The list's size: the layers of every platform image, within the realistic range overall.
  const perPlatform = splitSize(rng, randomImageSize(rng), count);
  const manifests = platforms.map((platform) => ({
    mediaType: MT_MANIFEST,
    size: rng.int(500, 2400),
    digest: `sha256:${rng.hex(64)}`,
    platform,
  }));
  const manifest = stringifyExact({ schemaVersion: 2, mediaType: MT_LIST, manifests });
  const size = perPlatform.reduce((s, x) => s + x, 0);
  return { manifest, imageId: rng.hex(64), size };
}

// ---------------------------------------------------------------------------------------------
// Repositories

interface TagSpec {
  name: string;
  /** Forced manifest-list-ness; random (about one in five) when absent. */
  list?: boolean;
  /** Forced size (the huge tag). */
  hugeSize?: bigint;
  /** Forced `updated` epoch seconds (the tied repository). */
  updated?: number;
}

interface RepoSpec {
  name: string;
  tags: (rng: Rng) => TagSpec[];
}

interface NamespaceSpec {
  name: string;
  account: string;
  /** The account's permission on it: 7 manage, 3 edit, 1 read. */
  auth: number;
  repositories: RepoSpec[];
}

function named(names: readonly string[]): TagSpec[] {
  return names.map((name) => ({ name }));
}

function randomRepo(name: string, count: number): RepoSpec {
  return { name, tags: (rng) => named(randomTagNames(rng, count, true)) };
}

const NAMESPACE_SPECS: readonly NamespaceSpec[] = [
  {
    name: 'library',
    account: DEMO_ACCOUNT,
    auth: 7,
    repositories: [
      { name: 'empty', tags: () => [] },
      { name: 'hello', tags: () => named(['latest']) },
      {
        name: 'busybox',
        tags: () => [
          ...named(['latest', '1.36.1', '1.36.1-musl', '1.36.1-glibc', '1.35.0', 'stable']),
          { name: 'huge', hugeSize: HUGE_SIZE, list: false },
        ],
      },
      randomRepo('nginx', 97),
      randomRepo('app', 2500),
      randomRepo('team/app', 23),
      {
        name: 'tied',
        tags: (rng) => {
          const names = randomTagNames(rng, 40, false);
          const groupTimes = Array.from({ length: 8 }, () => rng.int(START_2023, END_2026));
          return names.map((name, i) => ({ name, updated: groupTimes[Math.floor(i / 5)] }));
        },
      },
      {
        name: 'multiarch',
        tags: (rng) =>
          randomTagNames(rng, 12, true).map((name, i) => ({ name, list: i % 2 === 0 })),
      },
    ],
  },
  {
    name: 'acme',
    account: DEMO_ACCOUNT,
    auth: 1,
    // More than one page of the default 20 repositories, all with the same tag count.
    repositories: Array.from({ length: 24 }, (_, i) => randomRepo(`svc-${i}`, 25)),
  },
  {
    name: 'globex',
    account: OTHER_ACCOUNT,
    auth: 7,
    repositories: [randomRepo('secret', 5), randomRepo('app', 3)],
  },
];

const DOMAIN_IDS: Readonly<Record<string, string>> = {
  [DEMO_ACCOUNT]: DEMO_DOMAIN_ID,
  [OTHER_ACCOUNT]: OTHER_DOMAIN_ID,
};

function makeTag(
  rng: Rng,
  spec: TagSpec,
  ids: { tag: number },
  repoId: number,
  namespace: string,
  repository: string,
  domainId: string,
): SwrTag {
  const list = spec.list ?? rng.chance(0.2);
  const image =
    spec.hugeSize !== undefined
      ? imageManifest(rng, [spec.hugeSize])
      : list
        ? manifestList(rng)
        : singleImage(rng);
  let updated: number;
  let created: number;
  if (spec.updated !== undefined) {
    updated = spec.updated;
    created = updated - rng.int(0, Math.min(updated - START_2023, 90 * 86400));
  } else {
    created = rng.int(START_2023, END_2026);
    updated = created + Math.floor(rng.float() ** 3 * (END_2026 - created));
  }
  const ref = `${namespace}/${repository}:${spec.name}`;
  const tag: SwrTag = {
    id: ids.tag++,
    repo_id: repoId,
    Tag: spec.name,
    image_id: image.imageId,
    manifest: image.manifest,
    digest: `sha256:${createHash('sha256').update(image.manifest).digest('hex')}`,
    schema: 2,
    path: `${REGISTRY}/${ref}`,
    internal_path: `${INTERNAL_REGISTRY}/${ref}`,
    size: image.size,
    is_trusted: rng.chance(0.15),
    created: formatTime(created),
    updated: formatTime(updated),
    deleted: null,
    domain_id: domainId,
    tag_type: list ? 1 : 0,
  };
  const scanRoll = rng.float();
  if (scanRoll < 0.7) tag.scanned = scanRoll < 0.45;
  return tag;
}

const CATEGORIES = ['app_server', 'linux', 'framework_app', 'database', 'lang', 'other'];
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  empty: '',
  hello: 'The smallest image that says hello.',
  busybox: 'BusyBox: the Swiss Army knife of embedded Linux.',
  nginx: 'The nginx web server and reverse proxy.',
  app: 'The demo application, built on every commit.',
  'team/app': 'The team’s fork of the demo application.',
  tied: 'Tags pushed in batches that share their update times.',
  multiarch: 'Multi-platform images: manifest lists for several architectures.',
};

/** The account's user that created its organizations and repositories. */
function creatorName(account: string): string {
  return `${account}-admin`;
}

/**
 * A repository's facts besides its tags. They come from their own PRNG, so that the tags are
 * the same as before repositories had them. Created with its first tag, updated with its last.
 */
function repositoryMeta(
  rng: Rng,
  identity: { id: number; nsId: number; namespace: string; name: string; account: string },
  domainId: string,
  tags: readonly SandboxTag[],
): RepositoryMeta {
  const times = tags.flatMap(({ tag }) => [tag.created, tag.updated]).sort();
  const created = times[0] ?? formatTime(rng.int(START_2023, END_2026));
  const updated = times[times.length - 1] ?? created;
  const ref = `${identity.namespace}/${identity.name}`;
  const { account, ...ids } = identity;
  return {
    ...ids,
    category: rng.pick(CATEGORIES),
    description: DESCRIPTIONS[identity.name] ?? `Demo service ${identity.name}.`,
    isPublic: rng.chance(0.4),
    downloads: rng.int(0, 250_000),
    created,
    updated,
    creatorId: rng.hex(32),
    creatorName: creatorName(account),
    domainId,
    domainName: account,
    path: `${REGISTRY}/${ref}`,
    internalPath: `${INTERNAL_REGISTRY}/${ref}`,
  };
}

/** Builds the whole dataset from `seed`. Deterministic: same seed, byte-identical tags. */
export function buildDataset(seed: number = DEFAULT_SEED): SandboxDataset {
  const rng = new Rng(seed);
  const metaRng = new Rng(seed ^ 0x3c6ef372);
  const ids = { tag: 1001, repo: 101, namespace: 11 };
  const accounts = new Map<string, { name: string; domainId: string; namespaces: string[] }>();
  const namespaces = new Map<string, SandboxNamespace>();
  for (const nsSpec of NAMESPACE_SPECS) {
    const domainId = DOMAIN_IDS[nsSpec.account] ?? rng.hex(32);
    let account = accounts.get(nsSpec.account);
    if (!account) {
      account = { name: nsSpec.account, domainId, namespaces: [] };
      accounts.set(nsSpec.account, account);
    }
    account.namespaces.push(nsSpec.name);
    const nsId = ids.namespace++;
    const repositories = new Map<string, SandboxRepository>();
    for (const repoSpec of nsSpec.repositories) {
      const repoId = ids.repo++;
      const tags = repoSpec.tags(rng).map((spec) => {
        const tag = makeTag(rng, spec, ids, repoId, nsSpec.name, repoSpec.name, domainId);
        return { tag, json: serializeTag(tag) };
      });
      const orders = {} as Record<TagOrderKey, readonly SandboxTag[]>;
      for (const column of ['updated_at', 'tag'] as const) {
        const asc = sortTags(tags, column, 'asc');
        orders[`${column}:asc`] = asc;
        orders[`${column}:desc`] = [...asc].reverse();
      }
      const identity = { id: repoId, nsId, namespace: nsSpec.name, name: repoSpec.name };
      const meta = repositoryMeta(
        metaRng,
        { ...identity, account: nsSpec.account },
        domainId,
        tags,
      );
      repositories.set(repoSpec.name, {
        ...identity,
        tags,
        orders,
        meta,
        records: repositoryRecords(meta, tags),
      });
    }
    const namespace = {
      id: nsId,
      name: nsSpec.name,
      creator_name: creatorName(nsSpec.account),
      auth: nsSpec.auth,
    };
    namespaces.set(nsSpec.name, {
      id: nsId,
      name: nsSpec.name,
      account: nsSpec.account,
      creatorName: namespace.creator_name,
      auth: nsSpec.auth,
      json: JSON.stringify(namespace),
      repositories,
      orders: repositoryOrders(repositories.values()),
    });
  }
  return { seed, accounts, namespaces };
}

let defaultSingleton: SandboxDataset | undefined;

/** The dataset built from `DEFAULT_SEED`, built once per process. */
export function defaultDataset(): SandboxDataset {
  defaultSingleton ??= buildDataset(DEFAULT_SEED);
  return defaultSingleton;
}

/**
 * The tags the sandbox answers for a repository (its real name, `/` not `$`), in the given
 * order, filtered by the `tag` substring when non-empty. Throws for an unknown repository.
 */
export function expectedTags(
  namespace: string,
  repository: string,
  orderColumn: SwrTagOrderColumn,
  orderType: SwrOrderType,
  tag?: string,
): SwrTag[] {
  const repo = defaultDataset().namespaces.get(namespace)?.repositories.get(repository);
  if (!repo) throw new Error(`no repository ${namespace}/${repository} in the sandbox dataset`);
  const sorted = repo.orders[`${orderColumn}:${orderType}`];
  const matching = tag ? sorted.filter((t) => t.tag.Tag.includes(tag)) : sorted;
  return matching.map((t) => t.tag);
}

/**
 * The repositories the sandbox lists for an organization in the given order (as they are before
 * any tag is deleted), filtered like the list: `name` as a substring, `category` exactly.
 * Throws for an unknown organization.
 */
export function expectedRepositories(
  namespace: string,
  orderColumn: SwrRepositoryOrderColumn,
  orderType: SwrOrderType,
  filters: { name?: string; category?: string } = {},
): SandboxRepositorySummary[] {
  const ns = defaultDataset().namespaces.get(namespace);
  if (!ns) throw new Error(`no organization ${namespace} in the sandbox dataset`);
  return sortRepositories(ns.repositories.values(), orderColumn, orderType)
    .filter(
      (repository) =>
        repository.name.includes(filters.name ?? '') &&
        (filters.category === undefined || repository.meta.category === filters.category),
    )
    .map((repository) => repository.records.summary);
}

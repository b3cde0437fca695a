/**
 * Deterministic demo data for the embedded SWR sandbox, built from the specs in specs.ts.
 *
 * Everything is drawn from seeded generators (random.ts), so two builds with the same seed are
 * byte-identical. Every tag, repository and organization is serialised to its wire JSON exactly
 * once, here, and every list order is precomputed (orders.ts). The dataset never changes: a
 * sandbox that deletes or pushes a tag keeps its changes to itself (see state.ts).
 */
import { createHash } from 'node:crypto';

import { generateImage } from './images';
import type {
  RepositoryMeta,
  SandboxAccount,
  SandboxDataset,
  SandboxNamespace,
  SandboxRepository,
  SandboxTag,
} from './model';
import { repositoryOrders, tagOrders } from './orders';
import { Rng } from './random';
import { repositoryRecords } from './repositories';
import {
  CATEGORIES,
  DESCRIPTIONS,
  DOMAIN_IDS,
  END_2026,
  NAMESPACE_SPECS,
  START_2023,
  creatorName,
  formatTime,
  type NamespaceSpec,
  type TagSpec,
} from './specs';
import { serializeTag, type TagRecord } from './wire';

/** The seed of the default dataset. */
export const DEFAULT_SEED = 0x5a17b0c5;

const REGISTRY = 'swr.eu-de.otc.t-systems.com';
const INTERNAL_REGISTRY = '10.125.0.198:20202';

/** Where a tag belongs, and the ids handed out so far. */
interface TagContext {
  ids: { tag: number };
  repoId: number;
  /** `{namespace}/{repository}`. */
  ref: string;
  domainId: string;
}

/** A tag's record, its keys in SWR's order; the generator is drawn in a fixed order. */
function makeTag(rng: Rng, spec: TagSpec, context: TagContext): TagRecord {
  const list = spec.list ?? rng.chance(0.2);
  const image = generateImage(rng, { list, ...(spec.hugeSize && { hugeSize: spec.hugeSize }) });
  let updated: number;
  let created: number;
  if (spec.updated !== undefined) {
    updated = spec.updated;
    created = updated - rng.int(0, Math.min(updated - START_2023, 90 * 86400));
  } else {
    created = rng.int(START_2023, END_2026);
    updated = created + Math.floor(rng.float() ** 3 * (END_2026 - created));
  }
  const isTrusted = rng.chance(0.15);
  const scanRoll = rng.float();
  const ref = `${context.ref}:${spec.name}`;
  return {
    id: context.ids.tag++,
    repo_id: context.repoId,
    Tag: spec.name,
    image_id: image.imageId,
    manifest: image.manifest,
    digest: `sha256:${createHash('sha256').update(image.manifest).digest('hex')}`,
    schema: 2,
    path: `${REGISTRY}/${ref}`,
    internal_path: `${INTERNAL_REGISTRY}/${ref}`,
    size: image.size,
    is_trusted: isTrusted,
    created: formatTime(created),
    updated: formatTime(updated),
    deleted: null,
    domain_id: context.domainId,
    // Newer servers only: absent for about a third of the tags.
    ...(scanRoll < 0.7 && { scanned: scanRoll < 0.45 }),
    tag_type: list ? 1 : 0,
  };
}

/**
 * A repository's facts besides its tags. They come from their own generator, so that the tags
 * are the same as before repositories had them. Created with its first tag, updated with its
 * last.
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

/** The generators and id counters one build draws from. */
interface Build {
  rng: Rng;
  metaRng: Rng;
  ids: { tag: number; repo: number; namespace: number };
}

function buildNamespace(build: Build, spec: NamespaceSpec, domainId: string): SandboxNamespace {
  const nsId = build.ids.namespace++;
  const repositories = new Map<string, SandboxRepository>();
  for (const repoSpec of spec.repositories) {
    const identity = { id: build.ids.repo++, nsId, namespace: spec.name, name: repoSpec.name };
    const context = {
      ids: build.ids,
      repoId: identity.id,
      ref: `${spec.name}/${repoSpec.name}`,
      domainId,
    };
    const tags = repoSpec.tags(build.rng).map((tagSpec) => {
      const tag = makeTag(build.rng, tagSpec, context);
      return { tag, json: serializeTag(tag) };
    });
    const account = { ...identity, account: spec.account };
    const meta = repositoryMeta(build.metaRng, account, domainId, tags);
    repositories.set(repoSpec.name, {
      ...identity,
      tags,
      orders: tagOrders(tags),
      meta,
      records: repositoryRecords(meta, tags),
    });
  }
  const record = {
    id: nsId,
    name: spec.name,
    creator_name: creatorName(spec.account),
    auth: spec.auth,
  };
  return {
    id: nsId,
    name: spec.name,
    account: spec.account,
    creatorName: record.creator_name,
    auth: spec.auth,
    json: JSON.stringify(record),
    repositories,
    orders: repositoryOrders(repositories.values()),
  };
}

/** Builds the whole dataset from `seed`. Deterministic: same seed, byte-identical records. */
export function buildDataset(seed: number = DEFAULT_SEED): SandboxDataset {
  const build: Build = {
    rng: new Rng(seed),
    metaRng: new Rng(seed ^ 0x3c6ef372),
    ids: { tag: 1001, repo: 101, namespace: 11 },
  };
  const accounts = new Map<string, SandboxAccount & { namespaces: string[] }>();
  const namespaces = new Map<string, SandboxNamespace>();
  for (const spec of NAMESPACE_SPECS) {
    const domainId = DOMAIN_IDS[spec.account] ?? build.rng.hex(32);
    let account = accounts.get(spec.account);
    if (!account) {
      account = { name: spec.account, domainId, namespaces: [] };
      accounts.set(spec.account, account);
    }
    account.namespaces.push(spec.name);
    namespaces.set(spec.name, buildNamespace(build, spec, domainId));
  }
  return { seed, accounts, namespaces };
}

let defaultSingleton: SandboxDataset | undefined;

/** The dataset built from `DEFAULT_SEED`, built once per process. */
export function defaultDataset(): SandboxDataset {
  defaultSingleton ??= buildDataset(DEFAULT_SEED);
  return defaultSingleton;
}

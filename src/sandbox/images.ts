/**
 * The demo images: Docker v2 manifests and manifest lists with layers of realistic sizes, drawn
 * from the dataset's seeded generator.
 */
import type { Rng } from './random';
import { stringifyExact } from './wire';

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

export interface GeneratedImage {
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

/** A tag's image: a manifest list or a single image, or one layer of a forced size. */
export function generateImage(
  rng: Rng,
  kind: { list: boolean; hugeSize?: bigint },
): GeneratedImage {
  if (kind.hugeSize !== undefined) return imageManifest(rng, [kind.hugeSize]);
  return kind.list ? manifestList(rng) : singleImage(rng);
}

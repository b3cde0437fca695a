import type {
  Descriptor,
  Manifest,
  Platform,
  PlatformManifest,
} from '../generated/resolvers-types';
import { decodeJson } from '../swr/json';
import { isRecord } from '../swr/records';

/**
 * Parses the manifest string SWR stores with every tag: a Docker/OCI image manifest, a
 * manifest list (image index), or a schema 1 manifest. The string is the upstream's, so every
 * field is checked; a string that is not a JSON object gives null.
 */

type Json = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A size the BigInt scalar can carry exactly: a non-negative whole number. */
function size(value: unknown): number | bigint | null {
  if (typeof value === 'bigint') return value >= 0n ? value : null;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function descriptor(value: Json): Omit<Descriptor, '__typename'> {
  return { mediaType: text(value.mediaType), size: size(value.size), digest: text(value.digest) };
}

function platform(value: unknown): Platform | null {
  if (!isRecord(value)) return null;
  return {
    os: text(value.os),
    architecture: text(value.architecture),
    variant: text(value.variant),
  };
}

function platformManifest(value: Json): PlatformManifest {
  return { ...descriptor(value), platform: platform(value.platform) };
}

export function parseManifest(json: string): Manifest | null {
  let manifest: unknown;
  try {
    manifest = decodeJson(json);
  } catch {
    return null;
  }
  if (!isRecord(manifest)) return null;
  const schemaVersion = manifest.schemaVersion;
  // Schema 1 manifests name their layers `fsLayers: [{blobSum}]`, without sizes.
  const schema1Layers = objects(manifest.fsLayers).map((layer): Descriptor => ({
    mediaType: null,
    size: null,
    digest: text(layer.blobSum),
  }));
  return {
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : null,
    mediaType: text(manifest.mediaType),
    config: isRecord(manifest.config) ? descriptor(manifest.config) : null,
    layers: schema1Layers.length > 0 ? schema1Layers : objects(manifest.layers).map(descriptor),
    manifests: objects(manifest.manifests).map(platformManifest),
  };
}

import {
  compareDockerVersions,
  compareText,
  parseDockerVersion,
  type DockerVersion,
} from './docker-version';

/**
 * The version order of a repository's tags, total over tag names (see docker-version.ts for
 * what a version is): every version before every tag that is no version, in either direction;
 * versions by precedence, ascending or descending; equal versions, and tags that are no
 * versions, by name in the same direction. A tag's place follows from its name alone, so a
 * cursor that names a tag finds its place again whatever was pushed or deleted since.
 */

export type Direction = 'asc' | 'desc';

/** A tag name with its version, parsed once for a sort. */
interface Parsed {
  name: string;
  version: DockerVersion | null;
}

function compareParsed(a: Parsed, b: Parsed, sign: number): number {
  if (a.version === null || b.version === null) {
    if (a.version !== b.version) return a.version === null ? 1 : -1;
    return sign * compareText(a.name, b.name);
  }
  return sign * (compareDockerVersions(a.version, b.version) || compareText(a.name, b.name));
}

const SIGNS: Readonly<Record<Direction, number>> = { asc: 1, desc: -1 };

/** The version order of two tag names: negative when `a` comes first. */
export function compareTagNames(a: string, b: string, direction: Direction): number {
  return compareParsed(
    { name: a, version: parseDockerVersion(a) },
    { name: b, version: parseDockerVersion(b) },
    SIGNS[direction],
  );
}

/** The items in the version order of their names; each name parsed once. */
export function sortByVersion<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  direction: Direction,
): T[] {
  const sign = SIGNS[direction];
  return items
    .map((item) => {
      const name = nameOf(item);
      return { item, parsed: { name, version: parseDockerVersion(name) } };
    })
    .sort((a, b) => compareParsed(a.parsed, b.parsed, sign))
    .map(({ item }) => item);
}

/**
 * The variant of a tag: `alpine` for `1.25.3-alpine`, empty for `1.25.3` and for a
 * pre-release of it; null for a tag that is no version, which belongs to no variant.
 */
export function variantOf(name: string): string | null {
  return parseDockerVersion(name)?.variant ?? null;
}

/**
 * The tag of the highest version of a variant (empty: the plain one), leaving out pre-releases
 * when `stable`; of equal versions, the one last by name. Null when there is none.
 */
export function latestVersion<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  variant: string,
  stable: boolean,
): T | null {
  let best: { item: T; parsed: Parsed } | null = null;
  for (const item of items) {
    const name = nameOf(item);
    const version = parseDockerVersion(name);
    if (!version || version.variant !== variant || (stable && version.prerelease !== '')) {
      continue;
    }
    const parsed = { name, version };
    if (best === null || compareParsed(parsed, best.parsed, 1) > 0) best = { item, parsed };
  }
  return best?.item ?? null;
}

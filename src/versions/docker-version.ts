/**
 * Docker tags read as versions, after Renovate's `docker` versioning
 * (renovatebot/renovate, lib/modules/versioning/docker): Docker has tags, not versions, and
 * image authors follow conventions this scheme names.
 *
 * As in Renovate:
 * - an optional leading `v` is dropped (`v1.2.3` is the version 1.2.3);
 * - the text before the first `-` is the release: numbers joined by `.`, compared as numbers
 *   (`1.10` after `1.9`), optionally followed by letters glued to it, a pre-release (`1.0rc1`);
 * - the text after the first `-` is the variant (`alpine` in `1.25.3-alpine`), a platform or
 *   build flavour rather than a pre-release: versions are compared within a variant;
 * - a tag that looks like a commit hash (7 to 40 hex digits, not all digits) is no version;
 * - a release that is a prefix of another is the greater one: `2.1` after `2.1.1`, as a tag
 *   `2.1` follows the newest `2.1.x`.
 *
 * Where this module departs from Renovate, and why:
 * - a suffix that is a pre-release (`-rc.1`, `-beta`, `-alpha.3`) is the pre-release of the
 *   plain variant, not a variant of its own: images publish `1.2.0-rc.1` before `1.2.0`;
 * - pre-releases compare as SemVer's pre-release identifiers (`rc.2` before `rc.10`), where
 *   Renovate compares them as text;
 * - numbers are compared exactly, however many digits they have (Renovate reads them as
 *   JavaScript numbers, which round beyond 2^53);
 * - versions equal by these rules (`1.2.3`, `v1.2.3`, `1.2.3-alpine`) are ordered by name, so
 *   that the order is total and a tag's name alone places it (see version-order.ts).
 */

export interface DockerVersion {
  /** The release's numbers, as decimal digits without leading zeros. */
  release: string[];
  /** The pre-release (`rc.1`, or `rc1` glued to the release); empty for a release. */
  prerelease: string;
  /** The variant (`alpine`); empty for the plain variant. */
  variant: string;
}

const COMMIT_HASH = /^[a-f0-9]{7,40}$/;
const ALL_DIGITS = /^[0-9]+$/;
const RELEASE = /^(\d+(?:\.\d+)*)(\w*)$/;
const PRERELEASE_SUFFIX = /^(?:alpha|beta|rc)(?:[.-]?\d+)*$/i;

/** The version a tag names, or null for a tag that is no version (`latest`, `sha-1a2b3c4`). */
export function parseDockerVersion(tag: string): DockerVersion | null {
  if (COMMIT_HASH.test(tag) && !ALL_DIGITS.test(tag)) return null;
  const bare = tag.startsWith('v') ? tag.slice(1) : tag;
  const dash = bare.indexOf('-');
  const head = dash < 0 ? bare : bare.slice(0, dash);
  const suffix = dash < 0 ? '' : bare.slice(dash + 1);
  const match = RELEASE.exec(head);
  if (!match) return null;
  const release = (match[1] ?? '').split('.').map(withoutLeadingZeros);
  const glued = match[2] ?? '';
  if (glued === '' && PRERELEASE_SUFFIX.test(suffix)) {
    return { release, prerelease: suffix, variant: '' };
  }
  return { release, prerelease: glued, variant: suffix };
}

function withoutLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** Strings by their UTF-16 code units, as JavaScript's `sort` orders them without a comparator. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two whole numbers written without leading zeros: the longer is the larger. */
function compareNumbers(a: string, b: string): number {
  return a.length - b.length || compareText(a, b);
}

/** Releases part by part; where one is a prefix of the other, the shorter is the greater. */
function compareReleases(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareNumbers(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return b.length - a.length;
}

const IDENTIFIER = /\d+|[^\d.]+/g;

/**
 * Pre-releases as SemVer orders their identifiers: runs of digits as numbers, below runs of
 * letters, which compare as text; of two where one is a prefix of the other, the shorter first.
 * No pre-release at all is the release, after every pre-release of it.
 */
function comparePrereleases(a: string, b: string): number {
  if (a === '' || b === '') return (a === '' ? 1 : 0) - (b === '' ? 1 : 0);
  const left = a.match(IDENTIFIER) ?? [];
  const right = b.match(IDENTIFIER) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    const numeric = ALL_DIGITS.test(x);
    if (numeric !== ALL_DIGITS.test(y)) return numeric ? -1 : 1;
    const order =
      (numeric ? compareNumbers(withoutLeadingZeros(x), withoutLeadingZeros(y)) : 0) ||
      compareText(x, y);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** Two versions' precedence, whatever their variants: negative when `a` is the older. */
export function compareDockerVersions(a: DockerVersion, b: DockerVersion): number {
  return compareReleases(a.release, b.release) || comparePrereleases(a.prerelease, b.prerelease);
}

import fc from 'fast-check';
import {
  compareTagNames,
  latestVersion,
  sortByVersion,
  variantOf,
} from '../../src/versions/version-order';

const RUNS = { numRuns: 3000 };

/**
 * The reference: the version order as docs/versions.md states it, written again here without
 * the module's regular expressions or digit-string arithmetic (a character scanner and BigInt).
 */
interface RefVersion {
  release: bigint[];
  pre: string;
  variant: string;
}

const HEX = '0123456789abcdef';
const DIGITS = '0123456789';
/** Whether every character of `text` is one of `allowed` (tag names are ASCII). */
function allIn(text: string, allowed: string): boolean {
  return Array.from(text).every((c) => allowed.includes(c));
}

const WORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

function refParse(name: string): RefVersion | null {
  const looksLikeHash = name.length >= 7 && name.length <= 40 && allIn(name, HEX);
  if (looksLikeHash && !allIn(name, DIGITS)) return null;
  const text = name[0] === 'v' ? name.substring(1) : name;
  const cut = text.includes('-') ? text.indexOf('-') : text.length;
  const head = text.substring(0, cut);
  const suffix = text.substring(cut + 1);
  const release: bigint[] = [];
  let i = 0;
  for (;;) {
    let digits = '';
    while (i < head.length && DIGITS.includes(head.charAt(i))) digits += head.charAt(i++);
    if (digits === '') return null;
    release.push(BigInt(digits));
    if (head.charAt(i) === '.') i++;
    else break;
  }
  const glued = head.substring(i);
  if (!allIn(glued, WORD)) return null;
  const preSuffix = /^(alpha|beta|rc)([.-]?[0-9]+)*$/i.test(suffix);
  if (glued === '' && text.includes('-') && preSuffix) return { release, pre: suffix, variant: '' };
  return { release, pre: glued, variant: text.includes('-') ? suffix : '' };
}

function tokens(pre: string): string[] {
  const out: string[] = [];
  for (const c of Array.from(pre)) {
    const last = out[out.length - 1];
    if (c === '.') out.push('');
    else if (
      last !== undefined &&
      last !== '' &&
      DIGITS.includes(c) === DIGITS.includes(last.charAt(0))
    ) {
      out[out.length - 1] = last + c;
    } else if (last === '') out[out.length - 1] = c;
    else out.push(c);
  }
  return out.filter((token) => token !== '');
}

function refComparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const x = tokens(a);
  const y = tokens(b);
  for (let i = 0; i < x.length && i < y.length; i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    const pn = DIGITS.includes(p.charAt(0));
    const qn = DIGITS.includes(q.charAt(0));
    if (pn && qn && BigInt(p) !== BigInt(q)) return BigInt(p) < BigInt(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    if (p !== q) return p < q ? -1 : 1;
  }
  return Math.sign(x.length - y.length);
}

function refCompareAsc(a: string, b: string): number {
  const va = refParse(a);
  const vb = refParse(b);
  if (!va && !vb) return a === b ? 0 : a < b ? -1 : 1;
  if (!va) return 1;
  if (!vb) return -1;
  const n = Math.min(va.release.length, vb.release.length);
  for (let i = 0; i < n; i++) {
    if (va.release[i] !== vb.release[i])
      return (va.release[i] as bigint) < (vb.release[i] as bigint) ? -1 : 1;
  }
  if (va.release.length !== vb.release.length)
    return va.release.length < vb.release.length ? 1 : -1;
  const pre = refComparePre(va.pre, vb.pre);
  if (pre !== 0) return pre;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Descending: versions reversed, then the tags that are no versions, by name reversed. */
function refCompare(a: string, b: string, direction: 'asc' | 'desc'): number {
  if (direction === 'asc') return refCompareAsc(a, b);
  const va = refParse(a) !== null;
  const vb = refParse(b) !== null;
  if (va !== vb) return va ? -1 : 1;
  return -refCompareAsc(a, b);
}

const number = fc.oneof(
  fc.integer({ min: 0, max: 30 }).map(String),
  fc.constantFrom(
    '0',
    '00',
    '007',
    '10',
    '9',
    '2023',
    '20240101',
    '123456789012345678901234567890',
  ),
);
const versionName = fc
  .record({
    v: fc.boolean(),
    release: fc.array(number, { minLength: 1, maxLength: 4 }),
    glued: fc.constantFrom('', '', '', 'rc1', 'b2', 'a', '_beta'),
    suffix: fc.constantFrom(
      '',
      '',
      '-alpine',
      '-slim-bookworm',
      '-rc.1',
      '-rc.2',
      '-rc.10',
      '-RC1',
      '-beta',
      '-beta.2',
      '-alpha.3',
      '-rc.1-alpine',
      '-musl',
    ),
  })
  .map(({ v, release, glued, suffix }) => `${v ? 'v' : ''}${release.join('.')}${glued}${suffix}`);
const otherName = fc.oneof(
  fc.constantFrom(
    'latest',
    'stable',
    'edge-12',
    'sha-1a2b3c4',
    'abcdef1',
    '1234567',
    'deadbeefcafe',
    'v',
    '1.',
    '1..2',
    '.1',
  ),
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}$/),
);
const tagName = fc.oneof(versionName, versionName, otherName);
const direction = fc.constantFrom('asc' as const, 'desc' as const);

describe('the version order of tag names', () => {
  test.each([
    ['1.9', '1.10'],
    ['v1.9', '1.10'],
    ['1.2.0-rc.1', '1.2.0'],
    ['1.2.0-rc.2', '1.2.0-rc.10'],
    ['1.2.0-alpha.3', '1.2.0-beta'],
    ['1.0rc1', '1.0'],
    ['1.25.3', '1.25.3-alpine'],
    ['1.25.3-alpine', '1.25.4'],
    ['2.1.1', '2.1'],
    ['1234567', 'abcdef1'],
    ['99999999999999999998', '99999999999999999999'],
    ['2023.12.31', '2024.01.01'],
    ['9.9.9', 'latest'],
    ['latest', 'sha-1a2b3c4'],
  ])('%s comes before %s, ascending', (a, b) => {
    expect(compareTagNames(a, b, 'asc')).toBeLessThan(0);
    expect(compareTagNames(b, a, 'asc')).toBeGreaterThan(0);
  });

  test('descending, versions still come before the tags that are no versions', () => {
    expect(sortByVersion(['latest', '1.0', '2.0', 'edge'], (name) => name, 'desc')).toEqual([
      '2.0',
      '1.0',
      'latest',
      'edge',
    ]);
  });

  test('a pair compares as the reference compares it, in both directions', () => {
    fc.assert(
      fc.property(tagName, tagName, direction, (a, b, dir) => {
        expect(Math.sign(compareTagNames(a, b, dir))).toBe(Math.sign(refCompare(a, b, dir)));
      }),
      RUNS,
    );
  });

  test('a list sorts as the reference sorts it, and the order is total (equal only for one name)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(tagName, { maxLength: 60 }), direction, (names, dir) => {
        const sorted = sortByVersion(names, (name) => name, dir);
        expect(sorted).toEqual([...names].sort((a, b) => refCompare(a, b, dir)));
        for (let i = 1; i < sorted.length; i++) {
          expect(compareTagNames(sorted[i - 1] as string, sorted[i] as string, dir)).toBeLessThan(
            0,
          );
        }
      }),
      RUNS,
    );
  });

  test('the variant is the suffix of a version, empty for a pre-release, null for no version', () => {
    fc.assert(
      fc.property(tagName, (name) => {
        const reference = refParse(name);
        expect(variantOf(name)).toBe(reference === null ? null : reference.variant);
      }),
      RUNS,
    );
  });
});

describe('the latest version of a variant', () => {
  test('is the greatest of the variant in the reference order, without pre-releases when stable', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(tagName, { maxLength: 40 }),
        fc.constantFrom('', 'alpine', 'musl', 'slim-bookworm', 'rc.1-alpine', 'none'),
        fc.boolean(),
        (names, variant, stable) => {
          const candidates = names.filter((name) => {
            const version = refParse(name);
            return (
              version !== null && version.variant === variant && (!stable || version.pre === '')
            );
          });
          const expected = candidates.sort((a, b) => refCompare(a, b, 'desc'))[0] ?? null;
          expect(latestVersion(names, (name) => name, variant, stable)).toBe(expected);
        },
      ),
      RUNS,
    );
  });
});

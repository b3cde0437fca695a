import fc from 'fast-check';
import {
  compareTagNames,
  latestVersion,
  sortByVersion,
  variantOf,
} from '../../src/versions/version-order';

import { refCompare, refLatest, refParse } from '../support/version-reference';

const RUNS = { numRuns: 3000 };

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
          expect(latestVersion(names, (name) => name, variant, stable)).toBe(
            refLatest(names, variant, stable),
          );
        },
      ),
      RUNS,
    );
  });
});

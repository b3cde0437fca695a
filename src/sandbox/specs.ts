/**
 * What the demo data is: three accounts, their organizations and repositories, and the tags of
 * each (0, 1, 7, 97 and 2500 tags; one repository named `team/app`, one whose tags share update
 * times in batches, one of manifest lists). The tags' details are drawn by dataset.ts.
 */
import type { Rng } from './random';
import { MAX_SIZE } from './wire';

export const DEMO_ACCOUNT = 'demo';
export const OTHER_ACCOUNT = 'other';
/** The account whose organizations' names contain one another's (`team`, `team-b`, `myteam`). */
export const PARTNER_ACCOUNT = 'partner';
export const DEMO_DOMAIN_ID = '0503dda878000fed0f75c0096d70a960';
export const OTHER_DOMAIN_ID = '7c1e5b0f3d9a4e2b8f6a1c3d5e7f9a0b';
export const PARTNER_DOMAIN_ID = 'c4d2a0e8b6f4a2c0e8d6b4a2f0e8c6a4';

/** The demo history: from 2023 to 2026-10-31, so that no tag looks pushed in the future. */
export const START_2023 = Date.UTC(2023, 0, 1) / 1000;
export const END_2026 = Date.UTC(2026, 9, 31, 23, 59, 59) / 1000;

/** A time as SWR writes it: `2018-07-06T06:18:55Z`. */
export function formatTime(epochSeconds: number): string {
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

export interface TagSpec {
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

export interface NamespaceSpec {
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

export const NAMESPACE_SPECS: readonly NamespaceSpec[] = [
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
          { name: 'huge', hugeSize: MAX_SIZE, list: false },
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
  // A repository list whose `namespace` matches fuzzily answers `team` with the repositories of
  // all three: names here repeat across them, and some contain `team` themselves.
  {
    name: 'team',
    account: PARTNER_ACCOUNT,
    auth: 7,
    repositories: ['api', 'web', 'team-tools', 'docs/site'].map((name) => randomRepo(name, 3)),
  },
  {
    name: 'team-b',
    account: PARTNER_ACCOUNT,
    auth: 3,
    repositories: ['api', 'worker', 'team-tools'].map((name) => randomRepo(name, 2)),
  },
  {
    name: 'myteam',
    account: PARTNER_ACCOUNT,
    auth: 1,
    repositories: ['web', 'db', 'aaa-first'].map((name) => randomRepo(name, 2)),
  },
];

export const DOMAIN_IDS: Readonly<Record<string, string>> = {
  [DEMO_ACCOUNT]: DEMO_DOMAIN_ID,
  [OTHER_ACCOUNT]: OTHER_DOMAIN_ID,
  [PARTNER_ACCOUNT]: PARTNER_DOMAIN_ID,
};

export const CATEGORIES = ['app_server', 'linux', 'framework_app', 'database', 'lang', 'other'];
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
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
export function creatorName(account: string): string {
  return `${account}-admin`;
}

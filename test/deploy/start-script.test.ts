/**
 * scripts/start.sh, which the image runs: under a real cgroup v1 memory limit it sizes V8's old
 * generation from the limit and gives the young generation room (a small heap's default
 * semi-space makes the scavenger run so often that the gateway serves half as much), and it
 * leaves Node.js alone without a limit or when NODE_OPTIONS already sizes the heap.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const V1_ROOT = '/sys/fs/cgroup/memory';
const PRINT = `console.log(JSON.stringify({ options: process.env.NODE_OPTIONS ?? '', heapMiB: require('v8').getHeapStatistics().heap_size_limit / 2 ** 20 }))`;

interface Started {
  options: string;
  heapMiB: number;
}

/** Runs start.sh (with Node printing what it got) in `group`, or in this process's group. */
function start(group: string | null, env: Record<string, string> = {}): Started {
  const output = execFileSync(
    '/bin/sh',
    [
      '-c',
      '[ -z "$0" ] || echo $$ > "$0/cgroup.procs"; script=$1; shift; exec sh "$script" "$@"',
      group ?? '',
      join(ROOT, 'scripts', 'start.sh'),
      '-e',
      PRINT,
    ],
    { env: { PATH: process.env.PATH ?? '', NODE: process.execPath, ...env }, encoding: 'utf8' },
  );
  return JSON.parse(output) as Started;
}

/** A memory group of its own with `limitMiB`, made for the test and removed after it. */
function withGroup<T>(limitMiB: number, run: (path: string) => T): T {
  const path = join(V1_ROOT, `start-script-test-${process.pid}-${limitMiB}`);
  mkdirSync(path);
  try {
    writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitMiB * 2 ** 20));
    return run(path);
  } finally {
    rmdirSync(path);
  }
}

const controller = (() => {
  try {
    return readFileSync(join(V1_ROOT, 'memory.limit_in_bytes'), 'utf8') !== '';
  } catch {
    return false;
  }
})();

test('a writable cgroup v1 memory controller is here (as on CI, where this runs as root)', () => {
  expect(controller).toBe(true);
});

test.each([
  [256, 153, 16],
  [128, 76, 8],
])(
  'under a %i MiB limit: old generation %i MiB, semi-space %i MiB',
  (limitMiB, oldMiB, semiMiB) => {
    const started = withGroup(limitMiB, (group) => start(group));
    expect(started.options).toBe(`--max-old-space-size=${oldMiB} --max-semi-space-size=${semiMiB}`);
    // V8's whole heap limit, young generation included, stays under the container's limit.
    expect(started.heapMiB).toBeLessThan(limitMiB);
  },
);

test('NODE_OPTIONS that size the heap are kept as they are', () => {
  const started = withGroup(256, (group) =>
    start(group, { NODE_OPTIONS: '--max-old-space-size=100' }),
  );
  expect(started.options).toBe('--max-old-space-size=100');
});

test('without a limit, Node.js sizes its heap alone', () => {
  expect(start(null).options).toBe('');
});

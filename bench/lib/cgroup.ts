/**
 * A memory limit for each bench process, as a container has: a cgroup v1 memory group of its
 * own under this process's group, with `memory.limit_in_bytes` written, which the process is
 * moved into before Node.js starts. BENCH_MEMORY_LIMIT_MIB sets the limit (default 256; 0 runs
 * without one). Where the memory controller is not writable (cgroup v2 only, no root), the
 * bench runs without limits and says so.
 */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1_ROOT = '/sys/fs/cgroup/memory';
const raw = process.env.BENCH_MEMORY_LIMIT_MIB?.trim();
export const MEMORY_LIMIT_MIB = raw === undefined || raw === '' ? 256 : Number(raw);
if (!Number.isInteger(MEMORY_LIMIT_MIB) || MEMORY_LIMIT_MIB < 0) {
  throw new Error(`BENCH_MEMORY_LIMIT_MIB must be a whole number of MiB, not "${raw}"`);
}

/** This process's memory group, e.g. /sys/fs/cgroup/memory/user.slice; null without v1. */
function ownGroup(): string | null {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((entry) => /^\d+:memory:/.test(entry));
    return line === undefined ? null : join(V1_ROOT, line.slice(line.indexOf(':memory:') + 8));
  } catch {
    return null;
  }
}

export interface MemoryGroup {
  path: string;
  limitBytes: number;
}

let sequence = 0;
let unavailable: string | null = null;

/** Why processes run without a limit, or null when they run with one. */
export function limitUnavailable(): string | null {
  return MEMORY_LIMIT_MIB === 0 ? 'BENCH_MEMORY_LIMIT_MIB=0' : unavailable;
}

/** A new group with the limit, or null (no limit asked for, or no writable controller). */
export function createGroup(name: string): MemoryGroup | null {
  if (MEMORY_LIMIT_MIB === 0 || unavailable !== null) return null;
  const parent = ownGroup();
  if (parent === null) {
    unavailable = 'no cgroup v1 memory controller';
    return null;
  }
  const path = join(parent, `bench-${process.pid}-${++sequence}-${name}`);
  const limitBytes = MEMORY_LIMIT_MIB * 2 ** 20;
  try {
    mkdirSync(path);
    writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitBytes));
  } catch (error) {
    unavailable = `the memory controller is not writable (${(error as Error).message})`;
    return null;
  }
  return { path, limitBytes };
}

export interface GroupUsage {
  /** The most memory the group was ever charged (RSS and page cache), in bytes. */
  peakBytes: number;
  /** How often the limit was hit (the kernel then reclaims, or kills). */
  failures: number;
  /** Processes the kernel's OOM killer killed in the group. */
  oomKills: number;
}

function number(path: string): number {
  return Number(readFileSync(path, 'utf8').trim());
}

export function usage(group: MemoryGroup): GroupUsage {
  const oom = readFileSync(join(group.path, 'memory.oom_control'), 'utf8');
  return {
    peakBytes: number(join(group.path, 'memory.max_usage_in_bytes')),
    failures: number(join(group.path, 'memory.failcnt')),
    oomKills: Number(/^oom_kill (\d+)/m.exec(oom)?.[1] ?? 0),
  };
}

/** Removes the group once its process has exited. */
export function removeGroup(group: MemoryGroup): void {
  try {
    rmdirSync(group.path);
  } catch {
    // still in use or already gone
  }
}

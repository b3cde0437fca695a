/**
 * Child processes for the bench: free loopback ports, spawning with captured output, waiting
 * until a service answers, stopping (SIGTERM, then SIGKILL after a grace period), and memory
 * and CPU time from /proc. Every spawned process is tracked, so `stopAll` (also run on exit and
 * on SIGINT/SIGTERM of the bench) leaves nothing behind.
 *
 * Each process runs as the image runs the gateway: under a memory limit of its own (a cgroup,
 * see cgroup.ts), started by scripts/start.sh, which sizes the heap from that limit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createGroup, removeGroup, usage, type GroupUsage, type MemoryGroup } from './cgroup';

export const HOST = '127.0.0.1';

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: boolean;
  /** Its memory group, or null when it runs without a limit. */
  memoryGroup: MemoryGroup | null;
  /** VmHWM read just before it was stopped (0 until then), in bytes. */
  hwmBytes: number;
  /** A stand-in for SWR or a trace collector: not in the gateway's pod, so without a limit. */
  outsideThePod: boolean;
  /** Whether the bench stopped it (any other end is a failure). */
  stopRequested: boolean;
  /** The group's usage when the process exited. */
  finalUsage: GroupUsage | null;
  /** How it ended: an exit code, or a signal (SIGKILL from the OOM killer, say). */
  ending: { code: number | null; signal: NodeJS.Signals | null } | null;
}

/**
 * The stand-ins for SWR and for a trace collector: they run elsewhere than the gateway's pod, so
 * without the pod's memory limit (their peak RSS is still reported).
 */
const OUTSIDE_THE_POD = new Set(['upstream', 'slow-upstream', 'otlp-sink']);

const running = new Set<Service>();
/** Every service started, for the memory report. */
export const started: Service[] = [];
/** The repository root, where scripts/start.sh is. */
const ROOT = join(__dirname, '..', '..', '..', '..');
const OUTPUT_LINES = 40;

export function startService(
  name: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Service {
  const outsideThePod = OUTSIDE_THE_POD.has(name);
  const memoryGroup = outsideThePod ? null : createGroup(name);
  // The shell joins the group, then becomes start.sh, which becomes Node.js: one PID throughout.
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      '[ -z "$0" ] || echo $$ > "$0/cgroup.procs"; script=$1; shift; exec sh "$script" "$@"',
      memoryGroup?.path ?? '',
      join(ROOT, 'scripts', 'start.sh'),
      ...args,
    ],
    {
      cwd,
      // No balancer in front waits for the gateway's drain: it stops at once.
      env: { ...process.env, NODE: process.execPath, SHUTDOWN_DRAIN_MS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error(`${name}: could not be started`);
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > OUTPUT_LINES) output.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', (chunk: Buffer) => {
    keep(chunk);
    process.stderr.write(`[${name}] ${chunk.toString('utf8')}`);
  });
  const service: Service = {
    name,
    child,
    pid: child.pid,
    output,
    hasExited: false,
    memoryGroup,
    hwmBytes: 0,
    outsideThePod,
    stopRequested: false,
    finalUsage: null,
    ending: null,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        service.hasExited = true;
        service.ending = { code, signal };
        if (memoryGroup) {
          service.finalUsage = usage(memoryGroup);
          removeGroup(memoryGroup);
        }
        running.delete(service);
        resolve({ code, signal });
      });
    }),
  };
  running.add(service);
  started.push(service);
  return service;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it resolves true; fails when the process exits or time runs out. */
export async function waitReady(
  service: Service,
  probe: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (service.hasExited) {
      throw new Error(`${service.name} exited during start-up:\n  ${service.output.join('\n  ')}`);
    }
    try {
      if (await probe()) return;
      last = 'an unexpected answer';
    } catch (error) {
      // not listening yet
      const cause =
        error instanceof Error ? (error.cause as { message?: unknown } | undefined) : undefined;
      last = `${String(error)}${typeof cause?.message === 'string' ? ` (${cause.message})` : ''}`;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${service.name} did not become ready (last probe: ${last}):\n  ${service.output.join('\n  ')}`,
      );
    }
    await sleep(100);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopService(service: Service, graceMs = 10_000): Promise<void> {
  if (service.hasExited) return;
  service.hwmBytes = Math.max(service.hwmBytes, readMemory(service.pid)?.hwm ?? 0);
  service.stopRequested = true;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!service.hasExited) service.child.kill('SIGKILL');
  }, graceMs);
  await service.exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((service) => stopService(service)));
}

/** Last resort (process 'exit' handler): synchronous SIGKILL of whatever still runs. */
export function killAllSync(): void {
  for (const service of running) {
    try {
      service.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

export interface Memory {
  /** Resident set size now, in bytes. */
  rss: number;
  /** The process's peak resident set size so far (VmHWM), in bytes. */
  hwm: number;
}

/** A file of `/proc/{pid}/`, or null once the process is gone. */
function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM of a process, or null once it is gone. */
export function readMemory(pid: number): Memory | null {
  const status = readProc(pid, 'status');
  if (status === null) return null;
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * CPU time a process has used so far (user + system, all its threads: GC and libuv included),
 * in milliseconds, or null once it is gone. /proc counts in USER_HZ ticks, 100 per second on
 * every Linux ABI.
 */
export function readCpuMs(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (stat === null) return null;
  // The command name (field 2) may hold spaces; the fields after it are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return Number.isFinite(ticks) ? ticks * 10 : null;
}

/** Samples VmRSS of one process every `intervalMs` until stopped; keeps the peak. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => {
      this.sample();
    }, intervalMs);
  }

  private sample(): void {
    const memory = readMemory(this.pid);
    if (memory && memory.rss > this.peak) this.peak = memory.rss;
  }

  /** Stops sampling; the peak VmRSS seen, in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

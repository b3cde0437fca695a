/**
 * The memory target of the bench: every server of a leg stays under 256 MiB and no process
 * dies (an OOM kill, a heap out of memory). Each server of a leg runs inside a memory limit of its own
 * (BENCH_MEMORY_LIMIT_MIB, default 256 MiB, bench/lib/cgroup.ts); the stand-ins for SWR and the
 * trace collector run without one. Prints each process's peak RSS (VmHWM), the most memory its
 * group was charged, how often it hit the limit, and OOM kills.
 */
import { MEMORY_LIMIT_MIB, limitUnavailable, usage, type GroupUsage } from './lib/cgroup';
import { readMemory, started, type Service } from './lib/processes';

/** The target: each process's peak RSS below this. */
export const MEMORY_TARGET_MIB = 256;

export interface ProcessMemory {
  name: string;
  /** A stand-in for SWR or a trace collector: reported, not held to the target. */
  outsideThePod: boolean;
  limitMib: number | null;
  peakRssMib: number;
  groupPeakMib: number | null;
  limitHits: number | null;
  oomKills: number;
  /** How it ended when the bench had not stopped it (an OOM kill, a heap out of memory). */
  died: string | null;
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function measure(service: Service): ProcessMemory {
  const live = service.hasExited ? null : readMemory(service.pid);
  const hwm = Math.max(service.hwmBytes, live?.hwm ?? 0);
  const group: GroupUsage | null =
    service.finalUsage ??
    (service.memoryGroup && !service.hasExited ? usage(service.memoryGroup) : null);
  return {
    name: service.name,
    outsideThePod: service.outsideThePod,
    limitMib: service.memoryGroup ? mib(service.memoryGroup.limitBytes) : null,
    peakRssMib: mib(hwm),
    groupPeakMib: group ? mib(group.peakBytes) : null,
    limitHits: group ? group.failures : null,
    oomKills: group?.oomKills ?? 0,
    died:
      service.ending === null || service.stopRequested
        ? null
        : (service.ending.signal ?? `exit code ${String(service.ending.code)}`),
  };
}

/** Prints the table and the target; returns the report and whether it was met. */
export async function reportMemory(): Promise<{ processes: ProcessMemory[]; met: boolean }> {
  // A process that is gone but whose exit Node.js has not reported yet: wait for how it ended.
  await Promise.all(
    started.filter((s) => !s.hasExited && readMemory(s.pid) === null).map((s) => s.exited),
  );
  const processes = started.map(measure);
  const unavailable = limitUnavailable();
  console.log(
    `\nmemory: each process ${unavailable === null ? `in a cgroup with a ${MEMORY_LIMIT_MIB} MiB limit, heap sized from it (scripts/start.sh)` : `WITHOUT a limit (${unavailable})`}`,
  );
  console.log('  process                peak RSS   group peak   limit hits   OOM kills');
  for (const p of processes) {
    console.log(
      `  ${p.name.padEnd(20)} ${`${p.peakRssMib.toFixed(1)} MiB`.padStart(10)}` +
        ` ${(p.groupPeakMib === null ? '-' : `${p.groupPeakMib.toFixed(1)} MiB`).padStart(12)}` +
        ` ${String(p.limitHits ?? '-').padStart(12)} ${String(p.oomKills).padStart(11)}` +
        (p.outsideThePod ? '   (stand-in, no limit)' : '') +
        (p.died === null ? '' : `   DIED (${p.died})`),
    );
  }
  const worst = Math.max(0, ...processes.filter((p) => !p.outsideThePod).map((p) => p.peakRssMib));
  const met =
    worst < MEMORY_TARGET_MIB && processes.every((p) => p.oomKills === 0 && p.died === null);
  console.log(
    `  ${met ? 'ok    ' : 'MISSED'}  every server of a leg under ${MEMORY_TARGET_MIB} MiB, none died: largest peak RSS ${worst.toFixed(1)} MiB`,
  );
  return { processes, met };
}

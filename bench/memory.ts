/**
 * The memory target of the bench: every process (the gateway of each leg, the upstream, the
 * other servers) stays under 256 MiB, each inside a memory limit of its own (BENCH_MEMORY_LIMIT_MIB,
 * default 256 MiB, bench/lib/cgroup.ts), with no OOM kill. Prints each process's peak RSS (VmHWM),
 * the most memory its group was charged, and how often it hit the limit.
 */
import { MEMORY_LIMIT_MIB, limitUnavailable, usage, type GroupUsage } from './lib/cgroup';
import { readMemory, started, type Service } from './lib/processes';

/** The target: each process's peak RSS below this. */
export const MEMORY_TARGET_MIB = 256;

export interface ProcessMemory {
  name: string;
  limitMib: number | null;
  peakRssMib: number;
  groupPeakMib: number | null;
  limitHits: number | null;
  oomKills: number;
  /** Ended by a signal other than the bench's own SIGTERM (the OOM killer's SIGKILL). */
  killed: boolean;
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
    limitMib: service.memoryGroup ? mib(service.memoryGroup.limitBytes) : null,
    peakRssMib: mib(hwm),
    groupPeakMib: group ? mib(group.peakBytes) : null,
    limitHits: group ? group.failures : null,
    oomKills: group?.oomKills ?? 0,
    killed:
      service.ending?.signal !== undefined &&
      service.ending.signal !== null &&
      service.ending.signal !== 'SIGTERM',
  };
}

/** Prints the table and the target; returns the report and whether it was met. */
export function reportMemory(): { processes: ProcessMemory[]; met: boolean } {
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
        (p.killed ? '   KILLED' : ''),
    );
  }
  const worst = Math.max(0, ...processes.map((p) => p.peakRssMib));
  const met = worst < MEMORY_TARGET_MIB && processes.every((p) => p.oomKills === 0 && !p.killed);
  console.log(
    `  ${met ? 'ok    ' : 'MISSED'}  every process under ${MEMORY_TARGET_MIB} MiB, no OOM kill: largest peak RSS ${worst.toFixed(1)} MiB`,
  );
  return { processes, met };
}

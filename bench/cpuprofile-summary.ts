/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function + file + line,
 * and by where the code lives (a package in node_modules, the gateway's own files, Node's
 * internals), each with its share of all samples and of the non-idle ones.
 *
 *   node bench/dist/bench/cpuprofile-summary.js <file.cpuprofile | directory> [top=15]
 *
 * A directory means its newest .cpuprofile.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Entry {
  name: string;
  /** Microseconds. */
  self: number;
  /** Share of all sampled time, 0..1. */
  share: number;
  /** Share of the sampled time that was not (idle), 0..1. */
  busyShare: number;
}

export interface Summary {
  totalMs: number;
  busyMs: number;
  functions: Entry[];
  places: Entry[];
}

const ROOT = resolve(__dirname, '..', '..', '..');
const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url: string): string {
  let path = url.replace(/^file:\/\//, '');
  if (path.startsWith(`${ROOT}/`)) path = path.slice(ROOT.length + 1);
  const modules = path.lastIndexOf('node_modules/');
  return modules >= 0 ? path.slice(modules + 'node_modules/'.length) : path;
}

/** Where a frame's code lives: a package, a file of the project, Node, or V8 itself. */
function place(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const url = frame.url;
  if (url === '') return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: internals';
  const short = shortUrl(url);
  if (url.includes('/node_modules/')) {
    const parts = short.split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? short);
  }
  return short;
}

function ranked(selfByKey: Map<string, number>, total: number, busy: number): Entry[] {
  return [...selfByKey.entries()]
    .map(([name, self]) => ({
      name,
      self,
      share: self / total,
      busyShare: name === '(idle)' ? 0 : self / busy,
    }))
    .sort((x, y) => y.self - x.self);
}

export function summarise(profile: CpuProfile): Summary {
  const frames = new Map<number, CallFrame>();
  for (const node of profile.nodes) frames.set(node.id, node.callFrame);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  let idle = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // A sample stands for the time until the next one.
    const micros = timeDeltas[i + 1] ?? (profile.endTime - profile.startTime) / samples.length;
    const frame = frames.get(samples[i] ?? -1);
    if (!frame) continue;
    total += micros;
    if (frame.functionName === '(idle)') idle += micros;
    const name = SPECIAL.has(frame.functionName)
      ? frame.functionName
      : `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url) || '(native)'}${
          frame.url ? `:${frame.lineNumber + 1}` : ''
        }`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const where = place(frame);
    byPlace.set(where, (byPlace.get(where) ?? 0) + micros);
  }
  const busy = total - idle;
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    functions: ranked(byFunction, total, busy),
    places: ranked(byPlace, total, busy),
  };
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`.padStart(6);
}

export function formatSummary(summary: Summary, top = 15): string {
  const lines: string[] = [];
  lines.push(
    `sampled ${(summary.totalMs / 1000).toFixed(1)} s, of which busy (not idle) ${(summary.busyMs / 1000).toFixed(1)} s`,
  );
  lines.push(`\ntop ${top} self time by function (share of all samples / of busy samples):`);
  summary.functions.slice(0, top).forEach((entry, i) => {
    lines.push(
      `${String(i + 1).padStart(3)}. ${percent(entry.share)} ${percent(entry.busyShare)}  ${(entry.self / 1000).toFixed(0).padStart(6)} ms  ${entry.name}`,
    );
  });
  lines.push(`\nself time by place (share of all / of busy):`);
  summary.places.slice(0, top).forEach((entry) => {
    lines.push(
      `     ${percent(entry.share)} ${percent(entry.busyShare)}  ${(entry.self / 1000).toFixed(0).padStart(6)} ms  ${entry.name}`,
    );
  });
  return lines.join('\n');
}

/** The file itself, or the newest .cpuprofile of a directory. */
export function profilePath(fileOrDirectory: string): string {
  if (!statSync(fileOrDirectory).isDirectory()) return fileOrDirectory;
  const files = readdirSync(fileOrDirectory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(fileOrDirectory, name))
    .sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs);
  const newest = files[0];
  if (newest === undefined) throw new Error(`no .cpuprofile in ${fileOrDirectory}`);
  return newest;
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

if (require.main === module) {
  const [target, topArg] = process.argv.slice(2);
  if (target === undefined) {
    console.error('usage: node bench/dist/bench/cpuprofile-summary.js <file|dir> [top=15]');
    process.exit(2);
  }
  const path = profilePath(target);
  console.log(path);
  console.log(formatSummary(summarise(readProfile(path)), Number(topArg ?? 15)));
}
